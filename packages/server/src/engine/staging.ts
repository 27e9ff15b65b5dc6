/**
 * Reads through a branch's staging area: its current token, then its sealed tokens (newest
 * first), then the committed tree. A tombstone (`null`) in a newer token hides older values.
 */
import { type Change, compareKeys, type Entry, sameIdentity } from "../core/entry.js";
import type { Store } from "./store.js";
import type { TreeStore } from "./tree/types.js";

/** The staged value of `key` across `tokens` (newest first): undefined = not staged. */
export function lookupStaged(
  store: Store,
  tokens: readonly string[],
  key: string,
): Entry | null | undefined {
  for (const t of tokens) {
    const v = store.getStaged(t, key);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * Merges sorted iterators by key; for equal keys the iterator listed first wins. Each input must
 * be sorted by `compareKeys` with unique keys.
 */
export function* mergeByKey<T extends { readonly key: string }>(
  sources: readonly Iterable<T>[],
): Generator<T> {
  const its = sources.map((s) => s[Symbol.iterator]());
  const heads: (T | undefined)[] = its.map((it) => {
    const n = it.next();
    return n.done ? undefined : n.value;
  });
  for (;;) {
    let min = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h !== undefined && (min < 0 || compareKeys(h.key, heads[min]!.key) < 0)) min = i;
    }
    if (min < 0) return;
    const winner = heads[min]!;
    for (let i = 0; i < heads.length; i++) {
      if (heads[i] !== undefined && heads[i]!.key === winner.key) {
        const n = its[i]!.next();
        heads[i] = n.done ? undefined : n.value;
      }
    }
    yield winner;
  }
}

/** Staged changes of all `tokens` (newest first) merged into one stream, newest value per key. */
export function stagedChanges(
  store: Store,
  tokens: readonly string[],
  from = "",
): Generator<Change> {
  return mergeByKey(tokens.map((t) => store.scanStaged(t, from)));
}

/** The branch view: committed entries overlaid with staged changes, tombstones removed. */
export function* overlayEntries(
  committed: Iterable<readonly [string, Entry]>,
  staged: Iterable<Change>,
): Generator<{ key: string; value: Entry }> {
  const fromTree = (function* () {
    for (const [key, value] of committed) yield { key, value: value as Entry | null };
  })();
  for (const c of mergeByKey<Change>([staged, fromTree])) {
    if (c.value !== null) yield { key: c.key, value: c.value };
  }
}

/**
 * Staged changes that really change the committed tree: a value equal in identity to the
 * committed one, or a tombstone for a key that was never committed, is not a change.
 */
export function* effectiveChanges(
  tree: TreeStore,
  metarangeId: string,
  staged: Iterable<Change>,
): Generator<{ key: string; left: Entry | undefined; right: Entry | null }> {
  for (const c of staged) {
    const committed = tree.get(metarangeId, c.key);
    if (c.value === null) {
      if (committed !== undefined) yield { key: c.key, left: committed, right: null };
    } else if (committed === undefined || !sameIdentity(committed, c.value)) {
      yield { key: c.key, left: committed, right: c.value };
    }
  }
}

/** True when `tokens` hold at least one real change against the committed tree. */
export function hasChanges(
  store: Store,
  tree: TreeStore,
  metarangeId: string,
  tokens: readonly string[],
): boolean {
  for (const _ of effectiveChanges(tree, metarangeId, stagedChanges(store, tokens))) return true;
  return false;
}

/** Committed entries of a tree as `{ key, value }` records, from the first key >= `from`. */
export function* treeEntries(
  tree: TreeStore,
  metarangeId: string,
  from: string,
): Generator<{ key: string; value: Entry }> {
  for (const [key, value] of tree.entries(metarangeId, from)) yield { key, value };
}
