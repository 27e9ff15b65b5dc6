/** What every scenario gets from the runner. */
import type { SideName } from "../lib/sides.js";

export interface BenchContext {
  /** Reduced sizes (`--quick`): every scenario in a few minutes. */
  readonly quick: boolean;
  /** Sides that can run here (Python is dropped, with a note, when its venv cannot be made). */
  readonly sides: readonly SideName[];
  log(message: string): void;
}

/** `sides` rotated by `rep`, so no side always runs first (or last) on a noisy machine. */
export function rotate<T>(items: readonly T[], rep: number): T[] {
  const k = rep % Math.max(1, items.length);
  return [...items.slice(k), ...items.slice(0, k)];
}
