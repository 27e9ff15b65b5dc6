/**
 * `npm run bench [-- --quick] [-- --only data,listing,engine,tree,latency,s3,freeze,write,directory,data-big]`: the performance picture
 * of lakefs-ts (SDK and embedded server). Every scenario starts its own server process; every
 * client side runs each job in its own process. Writes bench/results/latest.{json,md} (or the
 * name given with --out).
 */
import { execSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { pythonWithLakefs } from "./lib/python.js";
import type { BenchRecord, ScalingSeries, ScenarioOutput } from "./lib/record.js";
import { writeResults } from "./lib/report.js";
import type { SideName } from "./lib/sides.js";
import type { BenchContext } from "./scenarios/context.js";
import { BIG_PHASES, dataPath } from "./scenarios/data-path.js";
import { directoryTransfers } from "./scenarios/directory.js";
import { engineScaling } from "./scenarios/engine-scaling.js";
import { listing } from "./scenarios/listing.js";
import { metadataLatency } from "./scenarios/metadata-latency.js";
import { responsiveness } from "./scenarios/responsiveness.js";
import { s3Gateway } from "./scenarios/s3-gateway.js";
import { treeScaling } from "./scenarios/tree.js";
import { writePath } from "./scenarios/write-path.js";

const SCENARIOS: Record<string, (ctx: BenchContext) => Promise<BenchRecord[] | ScenarioOutput>> = {
  data: async (ctx) => [...(await dataPath(ctx, false)), ...(await dataPath(ctx, true))],
  "data-big": async (ctx) => [
    ...(await dataPath(ctx, false, BIG_PHASES)),
    ...(await dataPath(ctx, true, BIG_PHASES)),
  ],
  listing,
  engine: engineScaling,
  tree: treeScaling,
  latency: metadataLatency,
  s3: s3Gateway,
  freeze: responsiveness,
  write: writePath,
  directory: directoryTransfers,
};

/** Run only when named with --only: data already covers them. */
const OPT_IN = new Set(["data-big"]);

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string", default: "latest" },
  },
});
if (!/^[\w.-]+$/.test(values.out))
  throw new Error(`--out takes a plain file name, not ${values.out}`);
const only = values.only?.split(",").map((s) => s.trim());
for (const name of only ?? []) {
  if (!SCENARIOS[name])
    throw new Error(`unknown scenario ${name}; one of ${Object.keys(SCENARIOS).join(", ")}`);
}

const started = performance.now();
const notes: string[] = [];
const sides: SideName[] = ["lakefs-ts", "raw-http", "python"];
try {
  pythonWithLakefs();
} catch (err) {
  sides.pop();
  notes.push(`Python SDK side skipped: ${err instanceof Error ? err.message : err}`);
}
const ctx: BenchContext = {
  quick: values.quick,
  sides,
  log: (m) =>
    console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}`),
};

const records: BenchRecord[] = [];
const scaling: ScalingSeries[] = [];
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  if (only ? !only.includes(name) : OPT_IN.has(name)) continue;
  try {
    const out = await scenario(ctx);
    const got = Array.isArray(out) ? { records: out } : out;
    records.push(...got.records);
    scaling.push(...(got.scaling ?? []));
  } catch (err) {
    // One broken scenario must not hide the others' figures.
    const message = err instanceof Error ? err.message : String(err);
    ctx.log(`scenario ${name} failed: ${message}`);
    notes.push(`scenario ${name} failed: ${message.split("\n")[0]}`);
  }
}

const files = writeResults(
  {
    date: new Date().toISOString(),
    mode: values.quick ? "quick" : "full",
    ...(only ? { only } : {}),
    commit: execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim(),
    node: process.versions.node,
    cpus: availableParallelism(),
    seconds: (performance.now() - started) / 1000,
    notes,
  },
  records,
  scaling,
  values.out,
);

for (const r of records) {
  const verdict = r.target ? ` ${r.target.pass ? "PASS" : "FAIL"} (target ${r.target.text})` : "";
  console.log(`${r.name.padEnd(64)} ${String(r.value).padStart(10)} ${r.unit}${verdict}`);
}
for (const n of notes) console.log(`note: ${n}`);
console.log(`results: ${files.join(", ")}`);
