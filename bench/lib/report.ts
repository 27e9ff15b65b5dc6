/**
 * Writes a run's figures: bench/results/<name>.json, <name>.md and <name>-scaling.svg (the
 * engine-scaling chart); `name` is "latest" unless the run was given `--out`.
 */
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

function markdown(info: RunInfo, records: readonly BenchRecord[], chart?: string): string {
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
  if (chart) lines.push("", "## Engine scaling", "", `![engine scaling](${chart})`);
  return `${lines.join("\n")}\n`;
}

export function writeResults(
  info: RunInfo,
  records: readonly BenchRecord[],
  scaling: readonly ScalingSeries[],
  name = "latest",
): string[] {
  mkdirSync(RESULTS, { recursive: true });
  const files = [`${name}.json`, `${name}.md`];
  writeFileSync(join(RESULTS, files[0]!), `${JSON.stringify({ run: info, records }, null, 2)}\n`);
  const chart = scaling.length ? `${name}-scaling.svg` : undefined;
  if (chart) {
    writeFileSync(join(RESULTS, chart), scalingChart(scaling));
    files.push(chart);
  }
  writeFileSync(join(RESULTS, files[1]!), markdown(info, records, chart));
  return files.map((f) => `bench/results/${f}`);
}
