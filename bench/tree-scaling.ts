/**
 * Scaling of the committed tree (packages/server/src/engine/tree): builds trees of 1e3…1e6
 * entries, then times, on each, applying 1,000 changes clustered under a new prefix, 1,000
 * changes scattered over existing keys, and diff / merge of two trees that differ from a common
 * base by k = 10 scattered changes each. Change-proportional operations should stay flat as the
 * tree grows; scattered changes touch ~1,000 ranges, so they grow with range size, not tree size.
 *
 * Usage: node --conditions=development --import tsx bench/tree-scaling.ts [maxSize]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Change, Entry } from "../packages/server/src/core/entry.js";
import { createTreeStore, type TreeStore } from "../packages/server/src/engine/tree/index.js";

const ALL_SIZES = [1e3, 1e4, 1e5, 1e6];
const CHANGES = 1000;
const K = 10;
const REPEATS = 3;

const cap = Number(process.argv[2] ?? Number.POSITIVE_INFINITY);
if (!(cap >= ALL_SIZES[0]!)) {
  console.error(`usage: tree-scaling.ts [maxSize >= ${ALL_SIZES[0]}]`);
  process.exit(2);
}
const sizes = ALL_SIZES.filter((n) => n <= cap);

const key = (i: number) => `data/part-${String(i).padStart(8, "0")}.parquet`;
const entry = (i: number, version: number): Entry => ({
  address: `data/gen${version}/${i.toString(36)}`,
  addressType: "relative",
  size: 1000 + i,
  etag: `${version.toString(16).padStart(8, "0")}${i.toString(16).padStart(24, "0")}`,
  mtime: 1_700_000_000 + version,
  metadata: {},
  contentType: "application/octet-stream",
});

function* initial(n: number): Generator<Change> {
  for (let i = 0; i < n; i++) yield { key: key(i), value: entry(i, 0) };
}

/** `count` changes to existing keys spread evenly over a tree of `n`, offset by `shift`. */
function scattered(n: number, count: number, version: number, shift = 0): Change[] {
  const step = Math.max(1, Math.floor(n / count));
  const out: Change[] = [];
  for (let i = shift % step; i < n && out.length < count; i += step) {
    out.push({ key: key(i), value: entry(i, version) });
  }
  return out;
}

function clustered(count: number, version: number): Change[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `new-${version}/${String(i).padStart(6, "0")}`,
    value: entry(i, version),
  }));
}

/** Median milliseconds of `REPEATS` runs of `fn(run)`. */
function time(fn: (run: number) => void): number {
  const samples: number[] = [];
  for (let run = 1; run <= REPEATS; run++) {
    const start = performance.now();
    fn(run);
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
}

interface Row {
  size: number;
  buildMs: number;
  clusteredMs: number;
  scatteredMs: number;
  diffMs: number;
  mergeMs: number;
}

function measure(tree: TreeStore, size: number): Row {
  const start = performance.now();
  const base = tree.apply("", initial(size)).metarangeId;
  const buildMs = performance.now() - start;

  const clusteredMs = time((run) => tree.apply(base, clustered(CHANGES, run)));
  const scatteredMs = time((run) => tree.apply(base, scattered(size, CHANGES, run)));

  const left = tree.apply(base, scattered(size, K, 100, 1)).metarangeId;
  const right = tree.apply(base, scattered(size, K, 200, 2)).metarangeId;
  let diffCount = 0;
  const diffMs = time(() => {
    diffCount = 0;
    for (const _ of tree.diff(left, right)) diffCount++;
  });
  if (diffCount !== 2 * K) throw new Error(`expected ${2 * K} differences, got ${diffCount}`);
  const mergeMs = time(() => {
    const result = tree.merge(base, left, right, "none");
    if (result.conflict !== undefined) throw new Error(`unexpected conflict at ${result.conflict}`);
  });
  return { size, buildMs, clusteredMs, scatteredMs, diffMs, mergeMs };
}

const root = mkdtempSync(join(tmpdir(), "lakefs-tree-bench-"));
const rows: Row[] = [];
try {
  // An unrecorded round first, so the smallest size is not measured with cold JIT.
  measure(createTreeStore(join(root, "warm-up")), ALL_SIZES[0]!);
  for (const size of sizes) {
    rows.push(measure(createTreeStore(join(root, String(size))), size));
    const last = rows.at(-1)!;
    console.error(
      `measured ${size.toLocaleString("en-US")} entries (build ${(last.buildMs / 1000).toFixed(1)} s)`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

const columns: [string, (r: Row) => number][] = [
  [`apply ${CHANGES} clustered`, (r) => r.clusteredMs],
  [`apply ${CHANGES} scattered`, (r) => r.scatteredMs],
  [`diff k=${K}`, (r) => r.diffMs],
  [`merge k=${K}`, (r) => r.mergeMs],
];
const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
const table = [
  ["entries", "build", ...columns.map(([name]) => name)],
  ...rows.map((r) => [
    r.size.toLocaleString("en-US"),
    fmt(r.buildMs),
    ...columns.map(([, f]) => fmt(f(r))),
  ]),
];
if (rows.length > 1) {
  const first = rows[0]!;
  const last = rows.at(-1)!;
  table.push([
    "ratio largest/smallest",
    `${(last.buildMs / first.buildMs).toFixed(1)}x`,
    ...columns.map(([, f]) => `${(f(last) / f(first)).toFixed(1)}x`),
  ]);
}
console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
for (const row of table) console.log(row.map((cell, c) => cell.padStart(widths[c]!)).join("  "));
