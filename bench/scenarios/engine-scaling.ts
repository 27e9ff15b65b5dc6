/**
 * Scenario 3, engine scaling: how commit, diff, merge and branch creation grow with branch size.
 * Each size gets a fresh data directory populated through the engine (startPopulatedServer) and
 * a fresh server; the operations are then timed over HTTP, one at a time.
 *
 * - commit, clustered: 1,000 new objects under one new prefix (the change-proportional case)
 * - commit, scattered: 1,000 existing objects spread over the whole key space (touches the most ranges)
 * - diff (two-dot) and merge of two branches that differ by k = 10 objects (5 changed on each)
 * - branch creation from main
 */
import { AdminApi } from "../lib/api.js";
import { type BranchSpec, type ObjectSet, objectKey } from "../lib/populate.js";
import { startPopulatedServer } from "../lib/populated-server.js";
import {
  atMost,
  type BenchRecord,
  round,
  type ScalingSeries,
  type ScenarioOutput,
} from "../lib/record.js";
import { median } from "../lib/stats.js";
import type { BenchContext } from "./context.js";

const REPO = "bench-scale";
const CHANGES = 1000;
const K = 10;
const BRANCH_CREATES = 5;

type Operation =
  | "commit-1000-clustered"
  | "commit-1000-scattered"
  | "diff-k10"
  | "merge-k10"
  | "create-branch";
/** Operations whose largest/smallest ratio has a target (≤ 2×) in the benchmark issue. */
const TARGETED = new Set<Operation>(["commit-1000-clustered", "diff-k10", "merge-k10"]);

function branches(data: ObjectSet, reps: number): BranchSpec[] {
  const n = data.count;
  const spread = (count: number, offset: number, slots: number) =>
    Array.from({ length: count }, (_, j) =>
      objectKey(data, Math.floor(((slots / count) * j + offset) * (n / slots))),
    );
  const specs: BranchSpec[] = [
    {
      name: "commit-clustered",
      source: "main",
      changes: Array.from({ length: CHANGES }, (_, j) => `new/o${String(j).padStart(7, "0")}`),
      commit: false,
    },
    {
      name: "commit-scattered",
      source: "main",
      changes: spread(CHANGES, 0, CHANGES),
      commit: false,
    },
  ];
  // The "warm" branches are operated on once, untimed, so the server's JIT and caches are warm
  // before the first timed operation at every size.
  specs.push({
    name: "commit-warm",
    source: "main",
    changes: ["warm/o0", "warm/o1"],
    commit: false,
  });
  for (const r of ["warm", ...Array.from({ length: reps }, (_, i) => String(i))]) {
    // Disjoint keys on each side, so the merge is a real three-way merge without conflicts.
    specs.push({ name: `left-${r}`, source: "main", changes: spread(K / 2, 0, K), commit: true });
    specs.push({ name: `right-${r}`, source: "main", changes: spread(K / 2, 1, K), commit: true });
  }
  return specs;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Times every operation at one size; milliseconds (median where repeated). */
async function measureSize(
  ctx: BenchContext,
  n: number,
  reps: number,
): Promise<Map<Operation, number>> {
  const data: ObjectSet = { destination: "data/", count: n };
  ctx.log(`engine scaling: populating ${n} objects`);
  const { server, populateSeconds } = await startPopulatedServer(
    [{ id: REPO, objects: [data], branches: branches(data, reps) }],
    (ctx.quick ? 3 : 15) * 60_000,
  );
  ctx.log(`engine scaling: populated ${n} in ${populateSeconds.toFixed(1)} s; timing`);
  const api = new AdminApi(server);
  const ms = new Map<Operation, number>();
  try {
    await api.commit(REPO, "commit-warm", "warm-up");
    await api.diffCount(REPO, "left-warm", "right-warm", "two_dot");
    await api.merge(REPO, "right-warm", "left-warm");
    await api.createBranch(REPO, "created-warm", "main");
    ms.set(
      "commit-1000-clustered",
      await time(() => api.commit(REPO, "commit-clustered", "clustered")),
    );
    ms.set(
      "commit-1000-scattered",
      await time(() => api.commit(REPO, "commit-scattered", "scattered")),
    );
    const diffs: number[] = [];
    const merges: number[] = [];
    for (let r = 0; r < reps; r++) {
      let count = 0;
      diffs.push(
        await time(
          async () => (count = await api.diffCount(REPO, `left-${r}`, `right-${r}`, "two_dot")),
        ),
      );
      if (count !== K)
        throw new Error(`diff of left-${r} and right-${r} has ${count} entries, expected ${K}`);
      merges.push(await time(() => api.merge(REPO, `right-${r}`, `left-${r}`)));
    }
    ms.set("diff-k10", median(diffs));
    ms.set("merge-k10", median(merges));
    const creates: number[] = [];
    for (let i = 0; i < BRANCH_CREATES; i++) {
      creates.push(await time(() => api.createBranch(REPO, `created-${i}`, "main")));
    }
    ms.set("create-branch", median(creates));
  } finally {
    await server.stop();
  }
  return ms;
}

export async function engineScaling(ctx: BenchContext): Promise<ScenarioOutput> {
  const sizes = ctx.quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
  const reps = ctx.quick ? 2 : 3;
  const bySize = new Map<number, Map<Operation, number>>();
  const records: BenchRecord[] = [];
  for (const n of sizes) {
    try {
      bySize.set(n, await measureSize(ctx, n, reps));
    } catch (err) {
      // Report what finished: a size that fails or times out ends the series.
      const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
      ctx.log(`engine scaling stopped at ${n}: ${reason}`);
      records.push({ name: `engine.unfinished.n=${n}`, value: n, unit: "objects", note: reason });
      break;
    }
  }
  const done = [...bySize.keys()];
  if (done.length === 0) return { records };
  const smallest = done[0]!;
  const largest = done.at(-1)!;
  const scaling: ScalingSeries[] = [];
  for (const op of bySize.get(smallest)!.keys()) {
    const points = done.map((size) => ({ size, ms: bySize.get(size)!.get(op)! }));
    scaling.push({ operation: op, points });
    for (const p of points)
      records.push({ name: `engine.${op}.n=${p.size}`, value: round(p.ms), unit: "ms" });
    if (done.length > 1) {
      const ratio = points.at(-1)!.ms / points[0]!.ms;
      records.push({
        name: `engine.${op}.n=${largest}-vs-n=${smallest}`,
        value: round(ratio),
        unit: "x",
        ratio: { value: round(ratio), relativeTo: `engine.${op}.n=${smallest}` },
        ...(TARGETED.has(op) ? { target: atMost(ratio, 2) } : {}),
        ...(largest < sizes.at(-1)! ? { note: `largest size that finished: ${largest}` } : {}),
      });
    }
  }
  return { records, scaling };
}
