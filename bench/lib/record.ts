import { median } from "./stats.js";

/** The figures a bench run produces (one `BenchRecord` per figure) and how targets are judged. */

export interface BenchRecord {
  /** Dotted figure name, e.g. `data.presign-off.upload-1GiB.lakefs-ts`. */
  readonly name: string;
  readonly value: number;
  /** `MB/s` (10^6 bytes), `objects/s`, `ms`, `MiB`. */
  readonly unit: string;
  /** This figure relative to another: `value / other` (or largest/smallest for scaling). */
  readonly ratio?: { readonly value: number; readonly relativeTo: string };
  /** A target from the benchmark issue and whether this run met it. */
  readonly target?: { readonly text: string; readonly pass: boolean };
  readonly note?: string;
}

/** Series for the engine-scaling chart: milliseconds per operation at each branch size. */
export interface ScalingSeries {
  readonly operation: string;
  readonly points: readonly { readonly size: number; readonly ms: number }[];
}

export interface ScenarioOutput {
  readonly records: BenchRecord[];
  readonly scaling?: ScalingSeries[];
}

/** `value >= min` as a target (`unit` only labels it). */
export function atLeast(value: number, min: number, unit = "x"): { text: string; pass: boolean } {
  return { text: `>= ${min}${unit}`, pass: value >= min };
}

/** `value <= max` (or `< max` when `strict`) as a target. */
export function atMost(value: number, max: number, unit = "x", strict = false) {
  return {
    text: `${strict ? "<" : "<="} ${max}${unit}`,
    pass: strict ? value < max : value <= max,
  };
}

/** Rounds a figure for display and storage (3 significant digits, integers kept whole). */
export function round(value: number): number {
  if (!Number.isFinite(value) || Math.abs(value) >= 1000) return Math.round(value);
  return Number(value.toPrecision(3));
}

/** The median CPU seconds a side's process spent on a job: the client's own cost, which a busy
 * machine distorts far less than wall time. */
export function clientCpuRecord(name: string, cpuSeconds: readonly number[]): BenchRecord {
  return { name: `${name}.client-cpu`, value: round(median(cpuSeconds)), unit: "s" };
}
