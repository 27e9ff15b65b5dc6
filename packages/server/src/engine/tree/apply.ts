/**
 * The committer: applies sorted changes to a tree. Base ranges that no change falls into are
 * passed to the writer whole (unread); only ranges containing a change are rewritten record by
 * record. Cost: changes + touched ranges + metarange size.
 */
import { type Change, compareKeys, sameIdentity } from "../../core/entry.js";
import { TreeCursor } from "./cursor.js";
import { encodeEntry } from "./entry-codec.js";
import type { TreeFiles } from "./files.js";
import type { RangePolicy } from "./policy.js";
import type { ApplyResult } from "./types.js";
import { TreeWriter } from "./writer.js";

/** Lone surrogates cannot be stored as UTF-8, so such keys would not round-trip. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Yields `changes` after checking each key is a valid string strictly after the previous one. */
function* checkedChanges(changes: Iterable<Change>): Generator<Change> {
  let prev: string | undefined;
  for (const change of changes) {
    const key = change?.key;
    if (typeof key !== "string") throw new Error("change key must be a string");
    if (LONE_SURROGATE.test(key))
      throw new Error(`change key ${JSON.stringify(key)} is not valid Unicode`);
    if (prev !== undefined && compareKeys(prev, key) >= 0) {
      throw new Error(
        `changes must be sorted with unique keys: ${JSON.stringify(key)} follows ${JSON.stringify(prev)}`,
      );
    }
    prev = key;
    yield change;
  }
}

export function applyChanges(
  files: TreeFiles,
  policy: RangePolicy,
  base: string,
  changes: Iterable<Change>,
): ApplyResult {
  const cursor = new TreeCursor(files, base);
  const writer = new TreeWriter(files, policy);
  const pending = checkedChanges(changes);
  let added = 0;
  let removed = 0;
  let changed = 0;
  let change = pending.next().value as Change | undefined;

  /** Writes `change` as a key the base does not have. */
  const insert = (c: Change) => {
    if (c.value === null) return;
    writer.addRecord(c.key, encodeEntry(c.key, c.value));
    added++;
  };

  for (;;) {
    if (cursor.done) {
      if (change === undefined) break;
      insert(change);
      change = pending.next().value;
      continue;
    }
    if (!cursor.descended) {
      const ref = cursor.ref;
      if (change === undefined || compareKeys(ref.maxKey, change.key) < 0) {
        writer.addRange(ref);
        cursor.skipRange();
        continue;
      }
      if (compareKeys(change.key, ref.minKey) < 0) {
        insert(change);
        change = pending.next().value;
        continue;
      }
      cursor.descend();
    }
    const key = cursor.key();
    const order = change === undefined ? -1 : compareKeys(key, change.key);
    if (order < 0) {
      writer.addRecord(key, cursor.raw());
      cursor.next();
      continue;
    }
    const c = change!;
    change = pending.next().value;
    if (order > 0) {
      insert(c);
      continue;
    }
    if (c.value === null) {
      removed++;
    } else {
      const encoded = encodeEntry(key, c.value); // validates c.value before comparing it
      if (sameIdentity(cursor.entry(), c.value)) {
        // Keeping the base record keeps its physical address: re-uploading equal content is no change.
        writer.addRecord(key, cursor.raw());
      } else {
        writer.addRecord(key, encoded);
        changed++;
      }
    }
    cursor.next();
  }
  return { metarangeId: writer.finish(), added, removed, changed };
}
