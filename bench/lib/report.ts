/** Writes a run's figures: bench/results/latest.json, latest.md and the engine-scaling SVG. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scalingChart } from "./chart.js";
import { ROOT } from "./processes.js";
import type { BenchRecord, ScalingSeries } from "./record.js";

export interface RunInfo {
  readonly date: string;
  readonly mode: "quick" | "full";
  readonly only?: readonly string[];
  readonly commit: string;
  readonly node: string;
  readonly cpus: number;
  readonly seconds: number;
  readonly notes: readonly string[];
}

const RESULTS = join(ROOT, "bench/results");
const CHART = "engine-scaling.svg";

function markdown(info: RunInfo, records: readonly BenchRecord[], chart: boolean): string {
  const lines = [
    "# lakefs-ts benchmark results",
    "",
    `${info.mode} run${info.only ? ` (only ${info.only.join(", ")})` : ""}, ${info.date}, commit ${info.commit}, ` +
      `Node ${info.node}, ${info.cpus} cores, ${Math.round(info.seconds)} s. How to read this: docs/bench.md.`,
    "",
    ...info.notes.map((n) => `- ${n}`),
    ...(info.notes.length ? [""] : []),
    "| figure | value | unit | ratio | relative to | target | result |",
    "| --- | ---: | --- | ---: | --- | --- | --- |",
  ];
  for (const r of records) {
    const note = r.note ? ` (${r.note})` : "";
    lines.push(
      `| ${r.name}${note} | ${r.value} | ${r.unit} | ${r.ratio?.value ?? ""} | ${r.ratio?.relativeTo ?? ""} | ` +
        `${r.target?.text ?? ""} | ${r.target ? (r.target.pass ? "PASS" : "**FAIL**") : ""} |`,
    );
  }
  if (chart) lines.push("", "## Engine scaling", "", `![engine scaling](${CHART})`);
  return `${lines.join("\n")}\n`;
}

export function writeResults(
  info: RunInfo,
  records: readonly BenchRecord[],
  scaling: readonly ScalingSeries[],
) {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(RESULTS, "latest.json"),
    `${JSON.stringify({ run: info, records }, null, 2)}\n`,
  );
  if (scaling.length) writeFileSync(join(RESULTS, CHART), scalingChart(scaling));
  writeFileSync(join(RESULTS, "latest.md"), markdown(info, records, scaling.length > 0));
}
