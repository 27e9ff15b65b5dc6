/**
 * Diff record streams in key order: two trees (two-dot), merge preview (three-dot, with
 * conflicts), a tree against an arbitrary entry stream (for `branch$`), and a branch's
 * uncommitted changes. Paging and grouping are applied by `toDiffPage`.
 */
import { compareKeys, type Entry, sameIdentity } from "../core/entry.js";
import { type KeyedPageOptions, pageByKey } from "./paging.js";
import { overlayEntries, stagedChanges, treeEntries } from "./staging.js";
import type { Store } from "./store.js";
import type { TreeStore } from "./tree/types.js";
import type { DiffEntry, DiffType, Page } from "./types.js";

export interface DiffItem {
  readonly key: string;
  readonly type: Exclude<DiffType, "prefix_changed">;
  readonly left?: Entry | undefined;
  readonly right?: Entry | undefined;
}

const same = (a: Entry | undefined, b: Entry | undefined) =>
  a === undefined ? b === undefined : b !== undefined && sameIdentity(a, b);

/** What changed from tree `left` to tree `right`. */
export function* treeDiff(tree: TreeStore, left: string, right: string, from: string) {
  for (const d of tree.diff(left, right, from)) {
    yield { key: d.key, type: d.type, left: d.left, right: d.right } satisfies DiffItem;
  }
}

/**
 * What merging `source` into `dest` would change, relative to their merge base `base`: the
 * source's changes, minus those `dest` already has, with changes `dest` made differently
 * reported as conflicts.
 */
export function* mergePreview(
  tree: TreeStore,
  base: string,
  source: string,
  dest: string,
  from: string,
): Generator<DiffItem> {
  for (const d of tree.diff(base, source, from)) {
    const destValue = tree.get(dest, d.key);
    if (same(destValue, d.left)) {
      yield { key: d.key, type: d.type, left: d.left, right: d.right };
    } else if (!same(destValue, d.right)) {
      yield { key: d.key, type: "conflict", left: destValue, right: d.right };
    }
  }
}

/** Diff of two arbitrary key-ordered entry streams (linear in their sizes). */
export function* streamDiff(
  left: Iterable<{ key: string; value: Entry }>,
  right: Iterable<{ key: string; value: Entry }>,
): Generator<DiffItem> {
  const tagged = (it: Iterable<{ key: string; value: Entry }>, side: 0 | 1) =>
    (function* () {
      for (const e of it) yield { key: e.key, side, value: e.value };
    })();
  // Both sides of a key arrive adjacent (left first); pair them with a one-record lookahead.
  let pending: { key: string; side: 0 | 1; value: Entry } | undefined;
  const all = mergeSorted(tagged(left, 0), tagged(right, 1));
  for (const rec of all) {
    if (pending && pending.key === rec.key) {
      if (!sameIdentity(pending.value, rec.value)) {
        yield { key: rec.key, type: "changed", left: pending.value, right: rec.value };
      }
      pending = undefined;
      continue;
    }
    if (pending) yield single(pending);
    pending = rec;
  }
  if (pending) yield single(pending);

  function single(r: { key: string; side: 0 | 1; value: Entry }): DiffItem {
    return r.side === 0
      ? { key: r.key, type: "removed", left: r.value }
      : { key: r.key, type: "added", right: r.value };
  }
}

/** A diff between committed trees, named by metarange ids (and staging tokens): plain data. */
export type CommittedDiff =
  | {
      /** `left` → `right`, with `rightTokens`' staged changes over `right` when given (`branch$`). */
      readonly type: "two_dot";
      readonly left: string;
      readonly right: string;
      readonly rightTokens?: readonly string[] | undefined;
    }
  | {
      /** What merging `source` into `dest` would change (see `mergePreview`). */
      readonly type: "three_dot";
      readonly base: string;
      readonly source: string;
      readonly dest: string;
    };

/** One page of a committed diff. */
export function committedDiffPage(
  store: Store,
  tree: TreeStore,
  diff: CommittedDiff,
  options: KeyedPageOptions,
): Page<DiffEntry> {
  if (diff.type === "three_dot") {
    return toDiffPage(
      (from) => mergePreview(tree, diff.base, diff.source, diff.dest, from),
      options,
    );
  }
  const tokens = diff.rightTokens;
  if (tokens === undefined) {
    return toDiffPage((from) => treeDiff(tree, diff.left, diff.right, from), options);
  }
  return toDiffPage(
    (from) =>
      streamDiff(
        treeEntries(tree, diff.left, from),
        overlayEntries(tree.entries(diff.right, from), stagedChanges(store, tokens, from)),
      ),
    options,
  );
}

/** Stable two-way merge by key: on equal keys the left input comes first. */
function* mergeSorted<T extends { key: string }>(a: Iterable<T>, b: Iterable<T>): Generator<T> {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  let x = ia.next();
  let y = ib.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && compareKeys(x.value.key, y.value.key) <= 0)) {
      yield x.value as T;
      x = ia.next();
    } else {
      yield y.value;
      y = ib.next();
    }
  }
}

/** Pages diff items and shapes them as `DiffEntry`; grouped prefixes become `prefix_changed`. */
export function toDiffPage(
  open: (from: string) => Iterable<DiffItem>,
  options: KeyedPageOptions,
): Page<DiffEntry> {
  const page = pageByKey(open, (d) => d.key, options);
  return {
    ...page,
    results: page.results.map((g): DiffEntry => {
      if ("commonPrefix" in g) {
        return { path: g.commonPrefix, type: "prefix_changed", pathType: "common_prefix" };
      }
      const d = g.item;
      return {
        path: d.key,
        type: d.type,
        pathType: "object",
        sizeBytes: (d.right ?? d.left)?.size ?? 0,
        ...(d.right ? { right: d.right } : {}),
      };
    }),
  };
}
