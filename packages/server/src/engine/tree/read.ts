/** Point lookups and ordered scans of one tree. */
import { compareKeys, type Entry } from "../model.js";
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
  let pos = from === undefined ? 0 : -1;
  for (let r = from === undefined ? 0 : rangeIndexFor(refs, from); r < refs.length; r++) {
    const range = files.range(refs[r]!.id);
    for (let i = pos < 0 ? range.lowerBound(from!) : 0; i < range.keys.length; i++) {
      yield [range.keys[i]!, range.entry(i)];
    }
    pos = 0;
  }
}
