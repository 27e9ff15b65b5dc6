/**
 * Scenario: the server never freezes. On a large branch (10^6 objects; --quick 10^5), a `stat`
 * of a committed object and a 1 MiB download are each issued every 5 ms, one at a time, first
 * with nothing else running (idle), then while a 1,000-change scattered commit runs, while a
 * merge of a branch differing in 1,000 scattered keys runs, while the two-dot diff of the merged
 * main and the committed scattered branch (2,000 scattered differences) is paged through, and
 * while an import of 100,000 small
 * local files (--quick 10,000; created before timing) runs from start to completed status.
 * Target per probe and operation: p99 <= 25 ms and <= 3x the idle p99. Each operation's own
 * duration is recorded beside them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdminApi } from "../lib/api.js";
import { type BranchSpec, type ObjectSet, objectKey } from "../lib/populate.js";
import { startPopulatedServer } from "../lib/populated-server.js";
import { atMost, type BenchRecord, round } from "../lib/record.js";
import { MiB, percentile } from "../lib/stats.js";
import type { BenchContext } from "./context.js";

const REPO = "bench-freeze";
const CHANGES = 1000;
const INTERVAL_MS = 5;
const IDLE_MS = 3000;
const IMPORT_FILES_PER_DIR = 1000;
const IMPORT_POLL_MS = 100;
const PROBES = ["stat", "download-1MiB"] as const;
type Probe = (typeof PROBES)[number];

function spread(data: ObjectSet, offset: number): string[] {
  return Array.from({ length: CHANGES }, (_, j) =>
    objectKey(data, Math.floor((j + offset) * (data.count / CHANGES))),
  );
}

/** Issues `request` every INTERVAL_MS (never two at once) until `stop` resolves; latencies in ms. */
async function probe(request: () => Promise<void>, stop: Promise<unknown>): Promise<number[]> {
  let done = false;
  void stop.finally(() => {
    done = true;
  });
  const samples: number[] = [];
  while (!done) {
    const start = performance.now();
    await request();
    const ms = performance.now() - start;
    samples.push(ms);
    if (ms < INTERVAL_MS) await new Promise((r) => setTimeout(r, INTERVAL_MS - ms));
  }
  return samples;
}

/** Writes `count` small files (1,000 per directory) under a new directory; returns its path. */
function importSource(count: number): string {
  const root = mkdtempSync(join(tmpdir(), "lakefs-ts-bench-import-"));
  for (let i = 0; i < count; i++) {
    const dir = join(root, `d${String(Math.floor(i / IMPORT_FILES_PER_DIR)).padStart(4, "0")}`);
    if (i % IMPORT_FILES_PER_DIR === 0) mkdirSync(dir);
    writeFileSync(join(dir, `f${String(i).padStart(7, "0")}`), `object ${i}\n`);
  }
  return root;
}

/** Starts an import of `source` into `branch` and polls its status until it completes. */
async function runImport(api: AdminApi, branch: string, source: string): Promise<number> {
  const { id } = await api.request<{ id: string }>(
    "POST",
    `/repositories/${REPO}/branches/${branch}/import`,
    {
      json: {
        paths: [{ type: "common_prefix", path: `local://${source}/`, destination: "imported/" }],
        commit: { message: "bench import" },
      },
    },
  );
  for (;;) {
    await new Promise((r) => setTimeout(r, IMPORT_POLL_MS));
    const status = await api.request<{
      completed: boolean;
      ingested_objects?: number;
      error?: { message: string };
    }>("GET", `/repositories/${REPO}/branches/${branch}/import`, { query: { id } });
    if (status.error) throw new Error(`import failed: ${status.error.message}`);
    if (status.completed) return status.ingested_objects ?? 0;
  }
}

export async function responsiveness(ctx: BenchContext): Promise<BenchRecord[]> {
  const data: ObjectSet = { destination: "data/", count: ctx.quick ? 1e5 : 1e6 };
  const branches: BranchSpec[] = [
    { name: "scattered", source: "main", changes: spread(data, 0.5), commit: false },
    { name: "merge-src", source: "main", changes: spread(data, 0.25), commit: true },
  ];
  const importCount = ctx.quick ? 1e4 : 1e5;
  ctx.log(`responsiveness: writing ${importCount} import source files`);
  const source = importSource(importCount);
  ctx.log(`responsiveness: populating ${data.count} objects`);
  let server: Awaited<ReturnType<typeof startPopulatedServer>>["server"];
  try {
    ({ server } = await startPopulatedServer(
      [{ id: REPO, objects: [data], branches }],
      (ctx.quick ? 3 : 15) * 60_000,
      { importRoots: [source] },
    ));
  } catch (err) {
    rmSync(source, { recursive: true, force: true });
    throw err;
  }
  const api = new AdminApi(server);
  const records: BenchRecord[] = [];
  try {
    await api.createBranch(REPO, "import-dst", "main");
    const big = new Uint8Array(MiB);
    big.fill(7);
    await api.upload(REPO, "main", "probe/1mib", big);
    await api.commit(REPO, "main", "probe object");
    const statPath = objectKey(data, 1);
    const requests: Record<Probe, () => Promise<void>> = {
      stat: async () => {
        await api.request("GET", `/repositories/${REPO}/refs/main/objects/stat`, {
          query: { path: statPath },
        });
      },
      "download-1MiB": async () => {
        const bytes = await api.request<string>("GET", `/repositories/${REPO}/refs/main/objects`, {
          query: { path: "probe/1mib" },
        });
        if (bytes.length !== MiB) throw new Error(`downloaded ${bytes.length} bytes`);
      },
    };
    const during = async (work: () => Promise<unknown>) => {
      const running = work();
      // A failure surfaces at `await running` below, not as an unhandled rejection meanwhile.
      running.catch(() => {});
      const samples = await Promise.all(PROBES.map((p) => probe(requests[p], running)));
      await running;
      return new Map(PROBES.map((p, i) => [p, samples[i]!]));
    };
    const idle = await during(() => new Promise((r) => setTimeout(r, IDLE_MS)));
    const operations: [string, () => Promise<unknown>][] = [
      ["commit-1000-scattered", () => api.commit(REPO, "scattered", "scattered")],
      ["merge-1000", () => api.merge(REPO, "merge-src", "main")],
      // main (merged) against the committed scattered branch: 2,000 scattered differences,
      // paged 1,000 at a time.
      [
        "diff-2000-scattered",
        async () => {
          // ... plus the probe object, committed on main after `scattered` branched.
          const n = await api.diffCount(REPO, "main", "scattered", "two_dot");
          if (n !== 2 * CHANGES + 1) throw new Error(`diff counted ${n} of ${2 * CHANGES + 1}`);
        },
      ],
      [
        `import-${importCount}`,
        async () => {
          const ingested = await runImport(api, "import-dst", source);
          if (ingested !== importCount) throw new Error(`imported ${ingested} of ${importCount}`);
        },
      ],
    ];
    for (const p of PROBES) {
      records.push({
        name: `freeze.${p}.idle.p99`,
        value: round(percentile(idle.get(p)!, 99)),
        unit: "ms",
      });
    }
    for (const [op, work] of operations) {
      ctx.log(`responsiveness: probing during ${op}`);
      const start = performance.now();
      const got = await during(work);
      records.push({
        name: `freeze.${op}.seconds`,
        value: round((performance.now() - start) / 1000),
        unit: "s",
      });
      for (const p of PROBES) {
        const p99 = percentile(got.get(p)!, 99);
        const idleP99 = percentile(idle.get(p)!, 99);
        const ratio = p99 / idleP99;
        records.push({
          name: `freeze.${p}.during-${op}.p99`,
          value: round(p99),
          unit: "ms",
          ratio: { value: round(ratio), relativeTo: `freeze.${p}.idle.p99` },
          target: {
            text: "<= 25 ms and <= 3x idle",
            pass: atMost(p99, 25).pass && atMost(ratio, 3).pass,
          },
          note: `${got.get(p)!.length} samples, max ${round(Math.max(...got.get(p)!))} ms`,
        });
      }
    }
  } finally {
    await server.stop();
    rmSync(source, { recursive: true, force: true });
  }
  return records;
}
