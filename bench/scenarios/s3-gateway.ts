/**
 * The S3 gateway against the lakeFS API on the same server, in one run: GET and PUT of one large
 * object and of many 4 KiB objects (16 in flight) through `@aws-sdk/client-s3` (default checksum
 * settings: PUT bodies go aws-chunked with a CRC32 trailer) versus the same through the REST API
 * (plain HTTP with undici), and ListObjectsV2 over a large committed listing. A third side sends
 * the gateway requests with undici through presigned URLs signed beforehand: it isolates the
 * server's cost from the AWS SDK's own per-request CPU (about 1.5 ms per request here, against
 * 0.2-0.4 ms for undici), which on a small machine shared by client and server decides the
 * small-object figures. All sides run in this process, in rotating order, against one server.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Agent, request } from "undici";
import { pool, timedSeconds } from "../lib/concurrency.js";
import { payloadMd5, payloadStream, smallObject } from "../lib/payload.js";
import type { ObjectSet } from "../lib/populate.js";
import { startPopulatedServer } from "../lib/populated-server.js";
import { atLeast, type BenchRecord, round } from "../lib/record.js";
import { type BenchServer, startBenchServer } from "../lib/server.js";
import { median } from "../lib/stats.js";
import type { BenchContext } from "./context.js";

const MiB = 1024 * 1024;
const REPO = "bench-s3";
const IN_FLIGHT = 16;
const TARGET = 0.9;

type Side = "s3" | "rest" | "s3-presigned";
const SIDES: readonly Side[] = ["s3", "rest", "s3-presigned"];

interface Clients {
  readonly s3: S3Client;
  readonly agent: Agent;
  readonly auth: string;
  readonly endpoint: string;
}

function clientsFor(server: BenchServer): Clients {
  return {
    s3: new S3Client({
      endpoint: server.endpoint.replace(/\/api\/v1$/, ""),
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    }),
    agent: new Agent({ connections: IN_FLIGHT }),
    auth: `Basic ${Buffer.from(`${server.accessKeyId}:${server.secretAccessKey}`).toString("base64")}`,
    endpoint: server.endpoint,
  };
}

async function restPut(
  c: Clients,
  path: string,
  body: NodeJS.ReadableStream | Buffer,
  size: number,
) {
  const res = await request(
    `${c.endpoint}/repositories/${REPO}/branches/main/objects?path=${encodeURIComponent(path)}`,
    {
      method: "POST",
      dispatcher: c.agent,
      body: body as Buffer,
      headers: {
        authorization: c.auth,
        "content-type": "application/octet-stream",
        "content-length": String(size),
      },
    },
  );
  const text = await res.body.text();
  if (res.statusCode !== 201) throw new Error(`REST upload ${path}: ${res.statusCode} ${text}`);
  return (JSON.parse(text) as { checksum: string }).checksum;
}

async function restGet(c: Clients, path: string): Promise<number> {
  const res = await request(
    `${c.endpoint}/repositories/${REPO}/refs/main/objects?path=${encodeURIComponent(path)}`,
    { dispatcher: c.agent, headers: { authorization: c.auth } },
  );
  if (res.statusCode !== 200) throw new Error(`REST get ${path}: ${res.statusCode}`);
  let n = 0;
  for await (const chunk of res.body) n += (chunk as Buffer).length;
  return n;
}

async function s3Put(c: Clients, key: string, body: NodeJS.ReadableStream | Buffer, size: number) {
  const out = await c.s3.send(
    new PutObjectCommand({
      Bucket: REPO,
      Key: `main/${key}`,
      Body: body as Buffer,
      ContentLength: size,
    }),
  );
  return out.ETag!.replaceAll('"', "");
}

async function s3Get(c: Clients, key: string): Promise<number> {
  const out = await c.s3.send(new GetObjectCommand({ Bucket: REPO, Key: `main/${key}` }));
  let n = 0;
  for await (const chunk of out.Body as AsyncIterable<Buffer>) n += chunk.length;
  return n;
}

/** Presigned URLs for the third side, signed before any timing starts. */
const presignedUrls = new Map<string, string>();

async function presign(c: Clients, method: "GET" | "PUT", key: string): Promise<void> {
  const command =
    method === "GET"
      ? new GetObjectCommand({ Bucket: REPO, Key: `main/${key}` })
      : new PutObjectCommand({ Bucket: REPO, Key: `main/${key}` });
  presignedUrls.set(`${method} ${key}`, await getSignedUrl(c.s3, command, { expiresIn: 3600 }));
}

async function presignedPut(
  c: Clients,
  key: string,
  body: NodeJS.ReadableStream | Buffer,
  size: number,
) {
  const res = await request(presignedUrls.get(`PUT ${key}`)!, {
    method: "PUT",
    dispatcher: c.agent,
    body: body as Buffer,
    headers: { "content-length": String(size) },
  });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`presigned PUT ${key}: ${res.statusCode}`);
  return String(res.headers.etag).replaceAll('"', "");
}

async function presignedGet(c: Clients, key: string): Promise<number> {
  const res = await request(presignedUrls.get(`GET ${key}`)!, { dispatcher: c.agent });
  if (res.statusCode !== 200) throw new Error(`presigned GET ${key}: ${res.statusCode}`);
  let n = 0;
  for await (const chunk of res.body) n += (chunk as Buffer).length;
  return n;
}

const put = (side: Side) => ({ s3: s3Put, rest: restPut, "s3-presigned": presignedPut })[side];
const get = (side: Side) => ({ s3: s3Get, rest: restGet, "s3-presigned": presignedGet })[side];

async function createRepo(c: Clients) {
  const res = await request(`${c.endpoint}/repositories`, {
    method: "POST",
    headers: { authorization: c.auth, "content-type": "application/json" },
    body: JSON.stringify({ name: REPO, storage_namespace: `local://${REPO}` }),
  });
  await res.body.text();
  if (res.statusCode !== 201) throw new Error(`create repository: ${res.statusCode}`);
}

/** REST, the SDK through the gateway (with the ≥ 0.9× target), and presigned through the gateway. */
function ratioRecords(name: string, unit: string, figures: Record<Side, number[]>): BenchRecord[] {
  const rest = median(figures.rest);
  const relative = (side: Side) => round(median(figures[side]) / rest);
  return [
    { name: `${name}.rest`, value: round(rest), unit },
    {
      name: `${name}.s3`,
      value: round(median(figures.s3)),
      unit,
      ratio: { value: relative("s3"), relativeTo: `${name}.rest` },
      target: atLeast(relative("s3"), TARGET),
    },
    {
      name: `${name}.s3-presigned`,
      value: round(median(figures["s3-presigned"])),
      unit,
      ratio: { value: relative("s3-presigned"), relativeTo: `${name}.rest` },
    },
  ];
}

const emptyFigures = (): Record<Side, number[]> => ({ s3: [], rest: [], "s3-presigned": [] });

/** Milliseconds of CPU per request, client (this process) and server, for each side. */
interface CpuFigures {
  readonly client: Record<Side, number[]>;
  readonly server: Record<Side, number[]>;
}
const emptyCpu = (): CpuFigures => ({ client: emptyFigures(), server: emptyFigures() });

/** Runs `count` requests and records the CPU each process spent per request. */
async function measuredCpu<T>(
  server: BenchServer,
  side: Side,
  count: number,
  into: CpuFigures,
  run: () => Promise<T>,
): Promise<T> {
  const client = process.cpuUsage();
  const serverBefore = server.cpuSeconds();
  const out = await run();
  const used = process.cpuUsage(client);
  into.client[side].push((used.user + used.system) / 1000 / count);
  into.server[side].push(((server.cpuSeconds() - serverBefore) * 1000) / count);
  return out;
}

/**
 * Where the small-object time goes: client and server CPU per request on each side, and the
 * server's cost through the gateway relative to the REST API. On a 2-core machine running both
 * processes, the client's CPU per request bounds the throughput of its side: the AWS SDK spends
 * several times what undici does per request, which no server-side change can win back.
 */
function cpuRecords(name: string, cpu: CpuFigures): BenchRecord[] {
  const records: BenchRecord[] = [];
  for (const side of SIDES) {
    records.push(
      {
        name: `${name}.${side}.client-cpu`,
        value: round(median(cpu.client[side])),
        unit: "ms/request",
      },
      {
        name: `${name}.${side}.server-cpu`,
        value: round(median(cpu.server[side])),
        unit: "ms/request",
      },
    );
  }
  const serverRatio = round(median(cpu.server.rest) / median(cpu.server.s3));
  records.push({
    name: `${name}.s3.server-cost-vs-rest`,
    value: serverRatio,
    unit: "x",
    note: "REST server CPU per request / gateway server CPU per request",
  });
  return records;
}

async function dataPath(ctx: BenchContext): Promise<BenchRecord[]> {
  const bigSize = (ctx.quick ? 32 : 256) * MiB;
  const smallCount = ctx.quick ? 400 : 2000;
  const smallSize = 4096;
  const reps = ctx.quick ? 1 : 3;
  const server = await startBenchServer();
  const c = clientsFor(server);
  const expected = payloadMd5(bigSize);
  const figures = {
    putBig: emptyFigures(),
    getBig: emptyFigures(),
    putSmall: emptyFigures(),
    getSmall: emptyFigures(),
  };
  const putCpu = emptyCpu();
  const getCpu = emptyCpu();
  try {
    await createRepo(c);
    for (let rep = 0; rep < reps; rep++) {
      await presign(c, "PUT", `big-s3-presigned-${rep}.bin`);
      await presign(c, "GET", `big-s3-presigned-${rep}.bin`);
      for (let i = 0; i < smallCount; i++) {
        await presign(c, "PUT", `small-s3-presigned-${rep}/${i}`);
        await presign(c, "GET", `small-s3-presigned-${rep}/${i}`);
      }
    }
    // One untimed round trip per side, so none meets a cold server or client.
    for (const side of SIDES) {
      await presign(c, "PUT", `warm-${side}`);
      await presign(c, "GET", `warm-${side}`);
      await put(side)(c, `warm-${side}`, smallObject(0, 4096), 4096);
      await get(side)(c, `warm-${side}`);
    }
    for (let rep = 0; rep < reps; rep++) {
      const order = SIDES.map((_, i) => SIDES[(i + rep) % SIDES.length]!);
      for (const side of order) {
        ctx.log(`s3 gateway rep ${rep + 1}/${reps}: ${bigSize / MiB} MiB via ${side}`);
        const key = `big-${side}-${rep}.bin`;
        let etag = "";
        const putSeconds = await timedSeconds(async () => {
          etag = await put(side)(c, key, payloadStream(bigSize), bigSize);
        });
        if (etag !== expected) throw new Error(`${side} PUT: ETag ${etag}, expected ${expected}`);
        figures.putBig[side].push(bigSize / 1e6 / putSeconds);
        let read = 0;
        const getSeconds = await timedSeconds(async () => {
          read = await get(side)(c, key);
        });
        if (read !== bigSize) throw new Error(`${side} GET: ${read} bytes, expected ${bigSize}`);
        figures.getBig[side].push(bigSize / 1e6 / getSeconds);
      }
      for (const side of order) {
        ctx.log(`s3 gateway rep ${rep + 1}/${reps}: ${smallCount} x 4 KiB via ${side}`);
        const prefix = `small-${side}-${rep}/`;
        const putSeconds = await measuredCpu(server, side, smallCount, putCpu, () =>
          timedSeconds(() =>
            pool(smallCount, IN_FLIGHT, async (i) => {
              await put(side)(c, `${prefix}${i}`, smallObject(i, smallSize), smallSize);
            }),
          ),
        );
        figures.putSmall[side].push(smallCount / putSeconds);
        const getSeconds = await measuredCpu(server, side, smallCount, getCpu, () =>
          timedSeconds(() =>
            pool(smallCount, IN_FLIGHT, async (i) => {
              if ((await get(side)(c, `${prefix}${i}`)) !== smallSize)
                throw new Error("short read");
            }),
          ),
        );
        figures.getSmall[side].push(smallCount / getSeconds);
      }
    }
  } finally {
    c.s3.destroy();
    await c.agent.close();
    await server.stop();
  }
  const big = `${bigSize / MiB}MiB`;
  return [
    ...ratioRecords(`s3.put-${big}`, "MB/s", figures.putBig),
    ...ratioRecords(`s3.get-${big}`, "MB/s", figures.getBig),
    ...ratioRecords(`s3.put-${smallCount}x4KiB`, "objects/s", figures.putSmall),
    ...cpuRecords(`s3.put-${smallCount}x4KiB`, putCpu),
    ...ratioRecords(`s3.get-${smallCount}x4KiB`, "objects/s", figures.getSmall),
    ...cpuRecords(`s3.get-${smallCount}x4KiB`, getCpu),
  ];
}

async function listing(ctx: BenchContext): Promise<BenchRecord[]> {
  const count = ctx.quick ? 10_000 : 100_000;
  const set: ObjectSet = { destination: "flat/", count };
  ctx.log(`s3 gateway listing: populating ${count} objects`);
  const { server } = await startPopulatedServer(
    [{ id: REPO, objects: [set], branches: [] }],
    10 * 60_000,
  );
  const c = clientsFor(server);
  const seconds: number[] = [];
  try {
    for (let rep = 0; rep < (ctx.quick ? 1 : 3); rep++) {
      let listed = 0;
      seconds.push(
        await timedSeconds(async () => {
          let token: string | undefined;
          do {
            const page = await c.s3.send(
              new ListObjectsV2Command({
                Bucket: REPO,
                Prefix: "main/flat/",
                ContinuationToken: token,
              }),
            );
            listed += page.KeyCount ?? 0;
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
          } while (token);
        }),
      );
      if (listed !== count) throw new Error(`ListObjectsV2 listed ${listed}, expected ${count}`);
    }
  } finally {
    c.s3.destroy();
    await c.agent.close();
    await server.stop();
  }
  return [
    {
      name: `s3.list-objects-v2-${count}`,
      value: round(count / median(seconds)),
      unit: "objects/s",
    },
  ];
}

/** The S3 gateway scenario: data path ratios against the REST API, then the listing rate. */
export async function s3Gateway(ctx: BenchContext): Promise<BenchRecord[]> {
  return [...(await dataPath(ctx)), ...(await listing(ctx))];
}
