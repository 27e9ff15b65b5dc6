/** Include / exclude globs over keys (picomatch syntax; dot files match like any other). */
import picomatch from "picomatch";
import { InvalidArgumentError } from "../../errors.js";

export interface KeyFilterOptions {
  /** Only keys matching one of these globs (default: every key). */
  readonly include?: readonly string[];
  /** Leave out keys matching one of these globs (applied after `include`). */
  readonly exclude?: readonly string[];
}

export type KeyFilter = (key: string) => boolean;

function matcher(name: string, globs: readonly string[] | undefined) {
  if (globs === undefined) return undefined;
  if (!Array.isArray(globs) || globs.some((g) => typeof g !== "string" || g === "")) {
    throw new InvalidArgumentError(`${name} must be an array of non-empty glob strings`);
  }
  if (globs.length === 0) return undefined;
  return picomatch(globs as string[], { dot: true });
}

/** A predicate keeping the keys `include` admits and `exclude` does not name. */
export function keyFilter(options: KeyFilterOptions): KeyFilter {
  const include = matcher("include", options.include);
  const exclude = matcher("exclude", options.exclude);
  return (key) => (include === undefined || include(key)) && !exclude?.(key);
}
