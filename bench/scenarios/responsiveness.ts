/**
 * Scenario: the server never freezes. On a large branch (10^6 objects; --quick 10^5), a `stat`
 * of a committed object and a 1 MiB download are each issued every 5 ms, one at a time, first
 * with nothing else running (idle), then while a 1,000-change scattered commit runs, then while
 * a merge of a branch differing in 1,000 scattered keys runs. Target per probe and operation:
 * p99 <= 25 ms and <= 3x the idle p99.
 */
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

export async function responsiveness(ctx: BenchContext): Promise<BenchRecord[]> {
  const data: ObjectSet = { destination: "data/", count: ctx.quick ? 1e5 : 1e6 };
  const branches: BranchSpec[] = [
    { name: "scattered", source: "main", changes: spread(data, 0.5), commit: false },
    { name: "merge-src", source: "main", changes: spread(data, 0.25), commit: true },
  ];
  ctx.log(`responsiveness: populating ${data.count} objects`);
  const { server } = await startPopulatedServer(
    [{ id: REPO, objects: [data], branches }],
    (ctx.quick ? 3 : 15) * 60_000,
  );
  const api = new AdminApi(server);
  const records: BenchRecord[] = [];
  try {
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
      const samples = await Promise.all(PROBES.map((p) => probe(requests[p], running)));
      await running;
      return new Map(PROBES.map((p, i) => [p, samples[i]!]));
    };
    const idle = await during(() => new Promise((r) => setTimeout(r, IDLE_MS)));
    const operations: [string, () => Promise<unknown>][] = [
      ["commit-1000-scattered", () => api.commit(REPO, "scattered", "scattered")],
      ["merge-1000", () => api.merge(REPO, "merge-src", "main")],
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
  }
  return records;
}
