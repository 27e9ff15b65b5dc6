/**
 * Walking commit ancestry: history order for log, and the merge base (git merge-base
 * semantics: the best common ancestor, searched highest generation first).
 */
import type { Commit } from "./types.js";

/** Higher generation first; ties: newer first, then id, so the order is total and stable. */
function before(a: Commit, b: Commit): boolean {
  if (a.generation !== b.generation) return a.generation > b.generation;
  if (a.creationDate !== b.creationDate) return a.creationDate > b.creationDate;
  return a.id > b.id;
}

/** A binary max-heap of commits ordered by `before`. */
class CommitQueue {
  private readonly items: Commit[] = [];

  get size(): number {
    return this.items.length;
  }

  push(c: Commit): void {
    const a = this.items;
    a.push(c);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): Commit | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** Commits reachable from `head` (inclusive): first-parent chain, or all in generation order. */
export function* history(
  load: (id: string) => Commit,
  head: string,
  firstParent: boolean,
): Generator<Commit> {
  if (firstParent) {
    let id: string | undefined = head;
    while (id !== undefined) {
      const c = load(id);
      yield c;
      id = c.parents[0];
    }
    return;
  }
  const seen = new Set<string>([head]);
  const queue = new CommitQueue();
  queue.push(load(head));
  while (queue.size > 0) {
    const c = queue.pop()!;
    yield c;
    for (const p of c.parents) {
      if (seen.has(p)) continue;
      seen.add(p);
      queue.push(load(p));
    }
  }
}

const LEFT = 1;
const RIGHT = 2;

/** The best common ancestor of two commits, or undefined when they share no history. */
export function mergeBase(
  load: (id: string) => Commit,
  left: string,
  right: string,
): Commit | undefined {
  if (left === right) return load(left);
  const flags = new Map<string, number>([
    [left, LEFT],
    [right, RIGHT],
  ]);
  const queue = new CommitQueue();
  queue.push(load(left));
  queue.push(load(right));
  while (queue.size > 0) {
    const c = queue.pop()!;
    const f = flags.get(c.id)!;
    if (f === (LEFT | RIGHT)) return c;
    for (const p of c.parents) {
      const pf = flags.get(p);
      if (pf === undefined) {
        flags.set(p, f);
        queue.push(load(p));
      } else if ((pf | f) !== pf) {
        flags.set(p, pf | f);
      }
    }
  }
  return undefined;
}
