/**
 * Scenario 2, listing: 100,000 committed objects listed flat, and the same number walked with a
 * delimiter over 1,000 prefixes (a directory walk: list the top with "/", then each prefix).
 * Also the server's time per page of 1,000 deep inside the 100,000-object listing against a
 * listing of only 1,000 objects: a page must not cost more because the repository is larger.
 */

import { AdminApi } from "../lib/api.js";
import type { ObjectSet } from "../lib/populate.js";
import { startPopulatedServer } from "../lib/populated-server.js";
import { atLeast, atMost, type BenchRecord, clientCpuRecord, round } from "../lib/record.js";
import { runJob, type SideName } from "../lib/sides.js";
import { median } from "../lib/stats.js";
import type { JobResult } from "../sides/protocol.js";
import { type BenchContext, rotate } from "./context.js";

const REPO = "bench-listing";

export async function listing(ctx: BenchContext): Promise<BenchRecord[]> {
  const count = ctx.quick ? 10_000 : 100_000;
  const reps = ctx.quick ? 1 : 3;
  const flat: ObjectSet = { destination: "flat/", count };
  const tree: ObjectSet = { destination: "tree/", count, perPrefix: count / 1000 };
  const small: ObjectSet = { destination: "small/", count: PAGE };
  ctx.log(`listing: populating ${2 * count + PAGE} objects`);
  const { server } = await startPopulatedServer(
    [{ id: REPO, objects: [flat, tree, small], branches: [] }],
    10 * 60_000,
  );
  const results = new Map<string, JobResult[]>();
  const expected = { flat: count, delimited: count + 1000 };
  let pageCost: { small: number; large: number } | undefined;
  try {
    // One untimed listing first, so no side meets a cold server (JIT, range caches).
    const warm = {
      ...server,
      repo: REPO,
      op: "list",
      ref: "main",
      prefix: flat.destination,
    } as const;
    await runJob("raw-http", warm, ctx.log);
    for (let rep = 0; rep < reps; rep++) {
      for (const kind of ["flat", "delimited"] as const) {
        for (const side of rotate(ctx.sides, rep)) {
          ctx.log(`listing rep ${rep + 1}/${reps}: ${kind} via ${side}`);
          const r = await runJob(
            side,
            {
              ...server,
              repo: REPO,
              op: "list",
              ref: "main",
              ...(kind === "flat"
                ? { prefix: flat.destination }
                : { prefix: tree.destination, delimiter: "/" }),
            },
            ctx.log,
          );
          if (r.count !== expected[kind]) {
            throw new Error(
              `${side} listed ${r.count} entries (${kind}), expected ${expected[kind]}`,
            );
          }
          const key = `${kind}/${side}`;
          results.set(key, [...(results.get(key) ?? []), r]);
        }
      }
    }
    pageCost = await pageTimes(new AdminApi(server), count, small.destination, flat.destination);
  } finally {
    await server.stop();
  }
  const records: BenchRecord[] = [
    { name: `listing.page-ms.n=${PAGE}`, value: round(pageCost.small), unit: "ms" },
    { name: `listing.page-ms.n=${count}`, value: round(pageCost.large), unit: "ms" },
    {
      name: `listing.page-ms.n=${count}-vs-n=${PAGE}`,
      value: round(pageCost.large / pageCost.small),
      unit: "x",
      ratio: {
        value: round(pageCost.large / pageCost.small),
        relativeTo: `listing.page-ms.n=${PAGE}`,
      },
      target: atMost(pageCost.large / pageCost.small, 1.5),
    },
  ];
  for (const kind of ["flat", "delimited"] as const) {
    const runs = (side: SideName) => results.get(`${kind}/${side}`)!;
    const rate = (side: SideName) => count / median(runs(side).map((r) => r.seconds));
    const name = (side: SideName) => `listing.${kind}-${count}.${side}`;
    for (const side of ctx.sides) {
      records.push({ name: name(side), value: round(rate(side)), unit: "objects/s" });
      records.push(
        clientCpuRecord(
          name(side),
          runs(side).map((r) => r.cpuSeconds),
        ),
      );
    }
    for (const other of ctx.sides.filter((s) => s !== "lakefs-ts")) {
      const ratio = rate("lakefs-ts") / rate(other);
      records.push({
        name: `listing.${kind}-${count}.lakefs-ts-vs-${other}`,
        value: round(ratio),
        unit: "x",
        ratio: { value: round(ratio), relativeTo: name(other) },
        ...(other === "python" ? { target: atLeast(ratio, 2) } : {}),
      });
    }
  }
  return records;
}

const PAGE = 1000;

/**
 * Median milliseconds per page of 1,000 (one request each, on one keep-alive connection): every
 * page of the large flat listing, against as many repeats of the single page of a 1,000-object
 * listing, interleaved so machine noise hits both alike.
 */
async function pageTimes(
  api: AdminApi,
  count: number,
  smallPrefix: string,
  largePrefix: string,
): Promise<{ small: number; large: number }> {
  type Page = { pagination: { has_more: boolean; next_offset: string } };
  const page = async (prefix: string, after: string) => {
    const start = performance.now();
    const res = await api.request<Page>("GET", `/repositories/${REPO}/refs/main/objects/ls`, {
      query: { prefix, after, amount: String(PAGE) },
    });
    return { ms: performance.now() - start, next: res.pagination };
  };
  await page(smallPrefix, ""); // warm caches on both sides
  await page(largePrefix, "");
  const small: number[] = [];
  const large: number[] = [];
  let after = "";
  for (let i = 0; i < count / PAGE; i++) {
    small.push((await page(smallPrefix, "")).ms);
    const p = await page(largePrefix, after);
    large.push(p.ms);
    if (!p.next.has_more) break;
    after = p.next.next_offset;
  }
  return { small: median(small), large: median(large) };
}
