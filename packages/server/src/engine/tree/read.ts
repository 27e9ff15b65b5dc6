/** Point lookups and ordered scans of one tree. */
import { compareKeys, type Entry } from "../../core/entry.js";
import type { TreeFiles } from "./files.js";
import { rangeIndexFor } from "./format.js";

/** Binary search in the metarange, then in the (cached) range. */
export function getEntry(files: TreeFiles, metarangeId: string, key: string): Entry | undefined {
  const refs = files.metarange(metarangeId);
  const ref = refs[rangeIndexFor(refs, key)];
  if (ref === undefined || compareKeys(key, ref.minKey) < 0) return undefined;
  const range = files.range(ref.id);
  const i = range.lowerBound(key);
  return range.keys[i] === key ? range.entry(i) : undefined;
}

/** Entries in key order from the first key >= `from`; ranges are loaded as the scan reaches them. */
export function* scanEntries(
  files: TreeFiles,
  metarangeId: string,
  from?: string,
): Generator<readonly [string, Entry]> {
  const refs = files.metarange(metarangeId);
  const first = from === undefined ? 0 : rangeIndexFor(refs, from);
  for (let r = first; r < refs.length; r++) {
    const range = files.range(refs[r]!.id);
    const start = r === first && from !== undefined ? range.lowerBound(from) : 0;
    for (let i = start; i < range.keys.length; i++) yield [range.keys[i]!, range.entry(i)];
  }
}
