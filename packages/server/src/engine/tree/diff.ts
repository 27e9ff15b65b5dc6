/**
 * Two-tree diff. Ranges with equal ids are skipped unread; everything else is compared record by
 * record (by key, then identity), so the cost is proportional to the ranges that differ.
 */
import { compareKeys, sameIdentity } from "../../core/entry.js";
import { TreeCursor } from "./cursor.js";
import type { TreeFiles } from "./files.js";
import type { DiffRecord } from "./types.js";

export function* diffTrees(
  files: TreeFiles,
  left: string,
  right: string,
  from?: string,
): Generator<DiffRecord> {
  if (left === right) return;
  const l = new TreeCursor(files, left);
  const r = new TreeCursor(files, right);
  if (from !== undefined) {
    l.seek(from);
    r.seek(from);
  }
  for (;;) {
    const lk = l.peekKey();
    const rk = r.peekKey();
    if (lk === undefined && rk === undefined) return;
    if (lk !== undefined && rk !== undefined) {
      if (!l.descended && !r.descended && l.ref.id === r.ref.id) {
        l.skipRange();
        r.skipRange();
        continue;
      }
      if (l.sharesRangePosition(r)) {
        l.skipRange();
        r.skipRange();
        continue;
      }
    }
    const order = lk === undefined ? 1 : rk === undefined ? -1 : compareKeys(lk, rk);
    // Only the side(s) holding the smallest key need their range loaded.
    if (order <= 0 && !l.descended) l.descend();
    if (order >= 0 && !r.descended) r.descend();
    if (order < 0) {
      yield { key: l.key(), type: "removed", left: l.entry() };
      l.next();
    } else if (order > 0) {
      yield { key: r.key(), type: "added", right: r.entry() };
      r.next();
    } else {
      if (!l.raw().equals(r.raw()) && !sameIdentity(l.entry(), r.entry())) {
        yield { key: l.key(), type: "changed", left: l.entry(), right: r.entry() };
      }
      l.next();
      r.next();
    }
  }
}
