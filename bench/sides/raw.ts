/**
 * The raw-HTTP side: the same requests the SDK sends, made with node:http and a keep-alive agent
 * and nothing else (no retries, no models, no validation). It is the physical-limit proxy the
 * SDK's figures are compared against.
 */
import { Agent, type IncomingMessage, request } from "node:http";
import type { Readable } from "node:stream";
import { payloadStream, smallObject } from "../lib/payload.js";
import { type Measured, pool, runSide } from "./child.js";
import type { Job, Target } from "./protocol.js";

interface Call {
  method: string;
  url: URL;
  headers?: Record<string, string | number>;
  body?: Buffer | string | Readable;
  /** Send lakeFS credentials (not for presigned URLs). */
  auth?: boolean;
}

class RawClient {
  readonly agent: Agent;
  private readonly base: string;
  private readonly authorization: string;

  constructor(target: Target, maxSockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
    this.base = target.endpoint.replace(/\/+$/, "");
    this.authorization = `Basic ${Buffer.from(`${target.accessKeyId}:${target.secretAccessKey}`).toString("base64")}`;
  }

  url(path: string, query: Record<string, string | undefined> = {}): URL {
    const u = new URL(this.base + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
    return u;
  }

  send(call: Call): Promise<IncomingMessage> {
    const headers: Record<string, string | number> = { ...call.headers };
    if (call.auth !== false) headers.authorization = this.authorization;
    return new Promise((resolve, reject) => {
      const req = request(call.url, { method: call.method, agent: this.agent, headers }, resolve);
      req.on("error", reject);
      const body = call.body;
      if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) req.end(body);
      else body.on("error", reject).pipe(req);
    });
  }

  /** Sends and reads the whole response; non-2xx is an error. */
  async call(call: Call): Promise<{ res: IncomingMessage; body: Buffer }> {
    const res = await this.send(call);
    const body = await readAll(res);
    if ((res.statusCode ?? 0) >= 300 && res.statusCode !== 302) {
      throw new Error(`${call.method} ${call.url.pathname}: ${res.statusCode} ${body.toString()}`);
    }
    return { res, body };
  }

  async json<T>(call: Call): Promise<T> {
    return JSON.parse((await this.call(call)).body.toString()) as T;
  }
}

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of res) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

async function countBytes(res: IncomingMessage): Promise<number> {
  let n = 0;
  for await (const chunk of res) n += (chunk as Buffer).length;
  return n;
}

const enc = encodeURIComponent;
const objectsPath = (t: Target, ref: string) =>
  `/repositories/${enc(t.repo)}/refs/${enc(ref)}/objects`;
const branchPath = (t: Target, branch: string) =>
  `/repositories/${enc(t.repo)}/branches/${enc(branch)}`;

/** Uploads a body: one POST, or (presign) staging location → PUT to the URL → link. */
async function upload(
  c: RawClient,
  t: Target,
  branch: string,
  path: string,
  size: number,
  body: () => Buffer | Readable,
  presign: boolean,
): Promise<string> {
  if (!presign) {
    const stats = await c.json<{ checksum: string }>({
      method: "POST",
      url: c.url(`${branchPath(t, branch)}/objects`, { path }),
      headers: { "content-type": "application/octet-stream", "content-length": size },
      body: body(),
    });
    return stats.checksum;
  }
  const staging = c.url(`${branchPath(t, branch)}/staging/backing`, { path });
  const location = await c.json<{ physical_address: string; presigned_url: string }>({
    method: "GET",
    url: c.url(`${branchPath(t, branch)}/staging/backing`, { path, presign: "true" }),
  });
  const put = await c.call({
    method: "PUT",
    url: new URL(location.presigned_url),
    headers: { "content-length": size },
    body: body(),
    auth: false,
  });
  const checksum = String(put.res.headers.etag ?? "").replace(/[" ]/g, "");
  const stats = await c.json<{ checksum: string }>({
    method: "PUT",
    url: staging,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ staging: location, checksum, size_bytes: size }),
  });
  return stats.checksum;
}

/** Downloads an object, following the presign redirect; returns the byte count. */
async function download(
  c: RawClient,
  t: Target,
  ref: string,
  path: string,
  presign: boolean,
): Promise<number> {
  let res = await c.send({
    method: "GET",
    url: c.url(objectsPath(t, ref), presign ? { path, presign: "true" } : { path }),
  });
  if (res.statusCode === 302) {
    await readAll(res);
    res = await c.send({ method: "GET", url: new URL(String(res.headers.location)), auth: false });
  }
  if (res.statusCode !== 200)
    throw new Error(`GET ${path}: ${res.statusCode} ${(await readAll(res)).toString()}`);
  return countBytes(res);
}

interface Page {
  pagination: { has_more: boolean; next_offset: string };
  results: { path: string; path_type: string }[];
}

/** Counts listed entries; with a delimiter, walks into every common prefix (a directory walk). */
async function list(
  c: RawClient,
  t: Target,
  ref: string,
  prefix: string,
  delimiter?: string,
): Promise<number> {
  let after = "";
  let count = 0;
  for (;;) {
    const page = await c.json<Page>({
      method: "GET",
      url: c.url(`${objectsPath(t, ref)}/ls`, { prefix, delimiter, after, amount: "1000" }),
    });
    for (const item of page.results) {
      count += 1;
      if (delimiter && item.path_type === "common_prefix")
        count += await list(c, t, ref, item.path, delimiter);
    }
    if (!page.pagination.has_more) return count;
    after = page.pagination.next_offset;
  }
}

async function timed(samples: number[], fn: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  await fn();
  samples.push(performance.now() - start);
}

runSide(async (job: Job) => {
  const presign = job.presign === true;
  // One untimed round trip first, as the other sides do (see sdk.ts).
  await new RawClient(job, 1).call({ method: "GET", url: new URL(`${job.endpoint}/config`) });
  switch (job.op) {
    case "upload-big": {
      const c = new RawClient(job, 1);
      return async (): Promise<Measured> => {
        const etag = await upload(
          c,
          job,
          job.branch,
          job.path,
          job.size,
          () => payloadStream(job.size),
          presign,
        );
        return { bytes: job.size, etag };
      };
    }
    case "download-big": {
      const c = new RawClient(job, 1);
      return async () => ({ bytes: await download(c, job, job.ref, job.path, presign) });
    }
    case "upload-small": {
      const c = new RawClient(job, job.concurrency);
      return async () => {
        await pool(job.count, job.concurrency, async (i) => {
          await upload(
            c,
            job,
            job.branch,
            `${job.prefix}${i}`,
            job.size,
            () => smallObject(i, job.size),
            presign,
          );
        });
        return { count: job.count, bytes: job.count * job.size };
      };
    }
    case "download-small": {
      const c = new RawClient(job, job.concurrency);
      return async () => {
        let bytes = 0;
        await pool(job.count, job.concurrency, async (i) => {
          bytes += await download(c, job, job.ref, `${job.prefix}${i}`, presign);
        });
        return { count: job.count, bytes };
      };
    }
    case "list": {
      const c = new RawClient(job, 1);
      return async () => ({ count: await list(c, job, job.ref, job.prefix, job.delimiter) });
    }
    case "latency": {
      // One socket: every round trip below reuses the same keep-alive connection.
      const c = new RawClient(job, 1);
      const stat = (path: string) =>
        c.call({ method: "GET", url: c.url(`${objectsPath(job, job.ref)}/stat`, { path }) });
      const get = (path: string) =>
        c.call({ method: "GET", url: c.url(objectsPath(job, job.ref), { path }) });
      const health = () => c.call({ method: "GET", url: c.url("/healthcheck"), auth: false });
      for (const path of job.paths) await Promise.all([stat(path), get(path), health()]); // warm every cache
      return async () => {
        const samples = { healthcheck: [] as number[], stat: [] as number[], get: [] as number[] };
        for (let r = 0; r < job.rounds; r++) {
          for (const path of job.paths) {
            await timed(samples.healthcheck, health);
            await timed(samples.stat, () => stat(path));
            await timed(samples.get, () => get(path));
          }
        }
        return { count: job.rounds * job.paths.length, samples };
      };
    }
  }
});
