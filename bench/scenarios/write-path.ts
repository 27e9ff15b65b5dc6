/**
 * Scenario: the server's write path against real lakeFS's figures on this machine, with fsync
 * kept: 2,000 x 4 KiB uploads with 16 in flight (>= 1,100 objects/s), a 256 MiB upload
 * (>= 190 MB/s) and download (>= 400 MB/s), all through the SDK. Beside each, the same work
 * against the floor (floor-server-main.ts: a minimal Node server that only streams the bytes to
 * an fsynced file), driven from the runner with plain fetch: the ratio says how much of the
 * disk's and Node's speed the server keeps.
 */
import { Readable } from "node:stream";
import { AdminApi } from "../lib/api.js";
import { pool, timedSeconds } from "../lib/concurrency.js";
import { payloadChunks, smallObject } from "../lib/payload.js";
import { exited, nodeArgs, spawnUntil } from "../lib/processes.js";
import { atLeast, type BenchRecord, round } from "../lib/record.js";
import { startBenchServer } from "../lib/server.js";
import { runJob } from "../lib/sides.js";
import { MiB, median } from "../lib/stats.js";
import type { Target } from "../sides/protocol.js";
import type { BenchContext } from "./context.js";

const SMALL_SIZE = 4096;
const CONCURRENCY = 16;

interface Sizes {
  readonly small: number;
  readonly big: number;
  readonly reps: number;
}

/** The floor's three figures (seconds), measured from this process with fetch. */
async function floorSeconds(url: string, s: Sizes, rep: number) {
  const put = async (name: string, body: BodyInit) => {
    const res = await fetch(`${url}/${name}`, {
      method: "PUT",
      body,
      duplex: "half",
    } as RequestInit);
    if (res.status !== 201) throw new Error(`floor PUT ${name}: ${res.status}`);
    await res.arrayBuffer();
  };
  const small = await timedSeconds(() =>
    pool(s.small, CONCURRENCY, (i) => put(`s${rep}-${i}`, smallObject(i, SMALL_SIZE))),
  );
  const big = await timedSeconds(() =>
    put(`big${rep}`, Readable.toWeb(Readable.from(payloadChunks(s.big))) as ReadableStream),
  );
  const down = await timedSeconds(async () => {
    const res = await fetch(`${url}/big${rep}`);
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
    }
    if (bytes !== s.big) throw new Error(`floor GET: ${bytes} bytes`);
  });
  return { small, big, down };
}

export async function writePath(ctx: BenchContext): Promise<BenchRecord[]> {
  const s: Sizes = ctx.quick
    ? { small: 300, big: 32 * MiB, reps: 1 }
    : { small: 2000, big: 256 * MiB, reps: 3 };
  const server = await startBenchServer();
  const floor = spawnUntil(
    process.execPath,
    nodeArgs("bench/lib/floor-server-main.ts"),
    "READY ",
    "floor",
  );
  const ours = { small: [] as number[], big: [] as number[], down: [] as number[] };
  const theirs = { small: [] as number[], big: [] as number[], down: [] as number[] };
  try {
    const floorUrl = await floor.line;
    const target: Target = { ...server, repo: "bench-write" };
    await new AdminApi(server).createRepo(target.repo);
    const job = (op: "upload-small" | "upload-big" | "download-big", rep: number | "warm") => {
      const base = { ...target, presign: false };
      if (op === "upload-small") {
        const count = rep === "warm" ? 200 : s.small;
        const prefix = `small/${rep}/`;
        return {
          ...base,
          op,
          branch: "main",
          prefix,
          count,
          size: SMALL_SIZE,
          concurrency: CONCURRENCY,
        } as const;
      }
      const path = `big/${rep}`;
      if (op === "upload-big")
        return {
          ...base,
          op,
          branch: "main",
          path,
          size: rep === "warm" ? 16 * MiB : s.big,
        } as const;
      return { ...base, op, ref: "main", path } as const;
    };
    // Untimed warm-up of both servers (JIT, caches, first directories).
    for (const op of ["upload-small", "upload-big", "download-big"] as const) {
      await runJob("lakefs-ts", job(op, "warm"), ctx.log);
    }
    await floorSeconds(floorUrl, { small: 200, big: 16 * MiB, reps: 1 }, -1);
    for (let rep = 0; rep < s.reps; rep++) {
      ctx.log(`write path rep ${rep + 1}/${s.reps}`);
      ours.small.push((await runJob("lakefs-ts", job("upload-small", rep), ctx.log)).seconds);
      ours.big.push((await runJob("lakefs-ts", job("upload-big", rep), ctx.log)).seconds);
      ours.down.push((await runJob("lakefs-ts", job("download-big", rep), ctx.log)).seconds);
      const f = await floorSeconds(floorUrl, s, rep);
      theirs.small.push(f.small);
      theirs.big.push(f.big);
      theirs.down.push(f.down);
    }
  } finally {
    floor.child.kill("SIGTERM");
    await exited(floor.child);
    await server.stop();
  }
  const bigLabel = `${s.big / MiB}MiB`;
  const figures = [
    { key: "small", label: `upload-${s.small}x4KiB`, unit: "objects/s", per: s.small, min: 1100 },
    { key: "big", label: `upload-${bigLabel}`, unit: "MB/s", per: s.big / 1e6, min: 190 },
    { key: "down", label: `download-${bigLabel}`, unit: "MB/s", per: s.big / 1e6, min: 400 },
  ] as const;
  const records: BenchRecord[] = [];
  for (const f of figures) {
    const value = f.per / median(ours[f.key]);
    const floorValue = f.per / median(theirs[f.key]);
    const name = `write.${f.label}.lakefs-ts`;
    records.push({
      name,
      value: round(value),
      unit: f.unit,
      target: atLeast(value, f.min, ` ${f.unit}`),
      ...(ctx.quick ? { note: "quick sizes: the target is set for the full sizes" } : {}),
    });
    records.push({ name: `write.${f.label}.node-floor`, value: round(floorValue), unit: f.unit });
    records.push({
      name: `write.${f.label}.lakefs-ts-vs-node-floor`,
      value: round(value / floorValue),
      unit: "x",
      ratio: { value: round(value / floorValue), relativeTo: `write.${f.label}.node-floor` },
    });
  }
  return records;
}
