/**
 * The lakefs-ts side: each job written the way the SDK's docs show it (upload from a stream,
 * `stream()` to download, `objects()` to list, `stat()` and `bytes()` for metadata round trips).
 */
import { Branch, Client, Reference } from "lakefs-ts/node";
import { payloadChunks, smallObject } from "../lib/payload.js";
import { type Measured, pool, runSide } from "./child.js";
import type { Job } from "./protocol.js";

async function countStream(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return n;
    n += value.byteLength;
  }
}

/** Counts listed entries; with a delimiter, walks into every common prefix (a directory walk). */
async function walk(ref: Reference, prefix: string, delimiter?: string): Promise<number> {
  let n = 0;
  for await (const item of ref.objects({
    prefix,
    ...(delimiter ? { delimiter } : {}),
    pageSize: 1000,
  })) {
    n += 1;
    if (delimiter && item.kind === "common_prefix") n += await walk(ref, item.path, delimiter);
  }
  return n;
}

async function timed(samples: number[], fn: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  await fn();
  samples.push(performance.now() - start);
}

runSide(async (job: Job) => {
  const client = new Client({
    endpoint: job.endpoint,
    credentials: { accessKeyId: job.accessKeyId, secretAccessKey: job.secretAccessKey },
  });
  // One untimed round trip first: the first fetch in a process loads and compiles undici, which a
  // long-lived application pays once, not per operation.
  await client.config();
  const preSign = job.presign === true;
  switch (job.op) {
    case "upload-big": {
      const object = new Branch(job.repo, job.branch, { client }).object(job.path);
      return async (): Promise<Measured> => {
        const info = await object.upload(payloadChunks(job.size), { preSign });
        return { bytes: info.sizeBytes, etag: info.checksum };
      };
    }
    case "download-big": {
      const object = new Reference(job.repo, job.ref, { client }).object(job.path);
      return async () => ({ bytes: await countStream(object.stream({ preSign })) });
    }
    case "upload-small": {
      const branch = new Branch(job.repo, job.branch, { client });
      return async () => {
        await pool(job.count, job.concurrency, async (i) => {
          await branch.object(`${job.prefix}${i}`).upload(smallObject(i, job.size), { preSign });
        });
        return { count: job.count, bytes: job.count * job.size };
      };
    }
    case "download-small": {
      const ref = new Reference(job.repo, job.ref, { client });
      return async () => {
        let bytes = 0;
        await pool(job.count, job.concurrency, async (i) => {
          bytes += (await ref.object(`${job.prefix}${i}`).bytes({ preSign })).byteLength;
        });
        return { count: job.count, bytes };
      };
    }
    case "list": {
      const ref = new Reference(job.repo, job.ref, { client });
      return async () => ({ count: await walk(ref, job.prefix, job.delimiter) });
    }
    case "latency": {
      const ref = new Reference(job.repo, job.ref, { client });
      const stat = (path: string) => ref.object(path).stat();
      const get = (path: string) => ref.object(path).bytes({ preSign: false });
      for (const path of job.paths) await Promise.all([stat(path), get(path)]); // warm every cache
      return async () => {
        const samples = { stat: [] as number[], get: [] as number[] };
        for (let r = 0; r < job.rounds; r++) {
          for (const path of job.paths) {
            await timed(samples.stat, () => stat(path));
            await timed(samples.get, () => get(path));
          }
        }
        return { count: job.rounds * job.paths.length, samples };
      };
    }
  }
});
