/**
 * Key-ordered paging shared by object listings and diffs: `prefix`, exclusive `after`, and
 * delimiter grouping that yields one common prefix per group and then jumps past the group.
 */
import { compareKeys, keyUpperBound } from "../core/entry.js";
import type { Page } from "./types.js";
import { pageSize } from "./validate.js";

export interface KeyedPageOptions {
  readonly prefix?: string | undefined;
  readonly after?: string | undefined;
  readonly delimiter?: string | undefined;
  readonly amount?: number | undefined;
}

export type Grouped<T> = { readonly item: T } | { readonly commonPrefix: string };

/**
 * Pages over a key-ordered source. `open(from)` must yield records with keys >= `from` in byte
 * order; it is called again (with the group's upper bound) after each common prefix.
 */
export function pageByKey<T>(
  open: (from: string) => Iterable<T>,
  keyOf: (record: T) => string,
  options: KeyedPageOptions,
): Page<Grouped<T>> {
  const prefix = options.prefix ?? "";
  const after = options.after ?? "";
  const delimiter = options.delimiter ?? "";
  const limit = pageSize(options.amount);
  const out: Grouped<T>[] = [];
  const keys: string[] = [];
  let from = compareKeys(after, prefix) > 0 ? after : prefix;
  let more = false;
  scan: for (;;) {
    let jumpTo: string | undefined;
    for (const record of open(from)) {
      const key = keyOf(record);
      if (!key.startsWith(prefix)) {
        if (compareKeys(key, prefix) > 0) break scan;
        continue;
      }
      if (after && compareKeys(key, after) <= 0 && !(delimiter && groupOf(key) !== undefined)) {
        continue;
      }
      const group = delimiter ? groupOf(key) : undefined;
      if (group !== undefined) {
        const upper = keyUpperBound(group);
        if (compareKeys(group, after) > 0 || !after) {
          if (out.length === limit) {
            more = true;
            break scan;
          }
          out.push({ commonPrefix: group });
          keys.push(group);
        }
        if (!upper) break scan;
        jumpTo = upper;
        break;
      }
      if (out.length === limit) {
        more = true;
        break scan;
      }
      out.push({ item: record });
      keys.push(key);
    }
    if (jumpTo === undefined) break;
    from = jumpTo;
  }
  return { results: out, hasMore: more, nextOffset: more ? keys[keys.length - 1]! : "" };

  function groupOf(key: string): string | undefined {
    const i = key.indexOf(delimiter, prefix.length);
    return i < 0 ? undefined : key.slice(0, i + delimiter.length);
  }
}
