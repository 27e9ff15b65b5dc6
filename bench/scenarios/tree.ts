/**
 * The committed tree alone (no SQLite, no HTTP): runs the tree engineer's bench/tree-scaling.ts
 * in its own process and turns its table into figures, so the engine-scaling figures can be
 * read against what the tree itself costs.
 */
import { nodeArgs, runToEnd } from "../lib/processes.js";
import { type BenchRecord, round, type ScalingSeries, type ScenarioOutput } from "../lib/record.js";
import type { BenchContext } from "./context.js";

/** Parses tree-scaling.ts's table: a header row, one row per size ("1,000  3.1 ms  …"), a ratio row. */
function parseTable(lines: readonly string[]): { columns: string[]; rows: Map<number, number[]> } {
  const cells = (line: string) => line.trim().split(/\s{2,}/);
  const header = lines.find((l) => cells(l)[0] === "entries");
  if (!header) throw new Error(`tree-scaling.ts printed no table:\n${lines.join("\n")}`);
  const columns = cells(header).slice(1);
  const rows = new Map<number, number[]>();
  for (const line of lines) {
    const [size, ...values] = cells(line);
    if (!size || !/^[\d,]+$/.test(size)) continue;
    const ms = values.map((v) => Number(v.replace(/ ms$/, "")));
    if (ms.length !== columns.length || ms.some(Number.isNaN))
      throw new Error(`unreadable row: ${line}`);
    rows.set(Number(size.replace(/,/g, "")), ms);
  }
  return { columns, rows };
}

export async function treeScaling(ctx: BenchContext): Promise<ScenarioOutput> {
  const max = ctx.quick ? 1e5 : 1e6;
  ctx.log(`tree scaling up to ${max} entries (bench/tree-scaling.ts)`);
  const stdout = await runToEnd(
    process.execPath,
    nodeArgs("bench/tree-scaling.ts", String(max)),
    "tree",
  );
  const { columns, rows } = parseTable(stdout.split("\n"));
  const sizes = [...rows.keys()];
  const records: BenchRecord[] = [];
  const scaling: ScalingSeries[] = [];
  columns.forEach((column, c) => {
    const op = column.replace(/[^\w=]+/g, "-");
    const points = sizes.map((size) => ({ size, ms: rows.get(size)![c]! }));
    for (const p of points)
      records.push({ name: `tree.${op}.n=${p.size}`, value: round(p.ms), unit: "ms" });
    if (points.length > 1) {
      const ratio = points.at(-1)!.ms / points[0]!.ms;
      records.push({
        name: `tree.${op}.n=${sizes.at(-1)}-vs-n=${sizes[0]}`,
        value: round(ratio),
        unit: "x",
        ratio: { value: round(ratio), relativeTo: `tree.${op}.n=${sizes[0]}` },
      });
    }
    if (column !== "build") scaling.push({ operation: `tree: ${column}`, points });
  });
  return { records, scaling };
}
