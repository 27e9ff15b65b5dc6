/**
 * Three-way merge of `source` into `dest` relative to `base`, in key order. Whole ranges are
 * reused or dropped when the metaranges alone decide them; other ranges are merged record by
 * record with the outcome table (base/source/dest, X = absent):
 * A/A/A→A, A/B/B→B, A/A/B→B, A/B/A→B, A/X/X→X, A/A/X→X, A/X/A→X; A/B/C, A/B/X and A/X/B conflict.
 */
import { compareKeys, type Entry, sameIdentity } from "../../core/entry.js";
import { TreeCursor } from "./cursor.js";
import type { TreeFiles } from "./files.js";
import type { RangePolicy } from "./policy.js";
import type { MergeResult, MergeStrategy } from "./types.js";
import { TreeWriter } from "./writer.js";

const STRATEGIES: readonly MergeStrategy[] = ["none", "dest-wins", "source-wins"];

type Outcome = "source" | "dest" | "drop" | "conflict";

/** The outcome for one key from its values on each side (undefined = absent). */
function mergeOutcome(base?: Entry, source?: Entry, dest?: Entry): Outcome {
  if (source !== undefined && dest !== undefined) {
    if (sameIdentity(source, dest)) return "dest";
    if (base === undefined) return "conflict";
    if (sameIdentity(base, source)) return "dest";
    if (sameIdentity(base, dest)) return "source";
    return "conflict";
  }
  if (source !== undefined) {
    if (base === undefined) return "source";
    return sameIdentity(base, source) ? "drop" : "conflict";
  }
  if (dest !== undefined) {
    if (base === undefined) return "dest";
    return sameIdentity(base, dest) ? "drop" : "conflict";
  }
  return "drop";
}

/** True when `b` has no key in [min, max]; `b` must already be at or after `min`. */
function noKeysUpTo(b: TreeCursor, max: string): boolean {
  const next = b.peekKey();
  return next === undefined || compareKeys(next, max) > 0;
}

export function mergeTrees(
  files: TreeFiles,
  policy: RangePolicy,
  base: string,
  source: string,
  dest: string,
  strategy: MergeStrategy,
): MergeResult {
  if (!STRATEGIES.includes(strategy)) {
    throw new Error(`invalid merge strategy ${JSON.stringify(strategy)}`);
  }
  if (source === base || source === dest) return { metarangeId: dest };
  if (dest === base) return { metarangeId: source };

  const b = new TreeCursor(files, base);
  const s = new TreeCursor(files, source);
  const d = new TreeCursor(files, dest);
  const writer = new TreeWriter(files, policy);

  /**
   * `side` is at the header of a range that the other side has no keys in. Reused when base has
   * nothing there either (added), dropped when base has exactly that range (the other side deleted
   * it); returns false when the range must be merged record by record.
   */
  const oneSidedRange = (side: TreeCursor): boolean => {
    const ref = side.ref;
    b.seek(ref.minKey);
    if (noKeysUpTo(b, ref.maxKey)) writer.addRange(ref);
    else if (!b.atHeaderOf(ref.id)) return false;
    side.skipRange();
    return true;
  };

  for (;;) {
    const sk = s.peekKey();
    const dk = d.peekKey();
    if (sk === undefined && dk === undefined) break;

    if (sk !== undefined && dk !== undefined && !s.descended && !d.descended) {
      const rs = s.ref;
      const rd = d.ref;
      if (rs.id === rd.id) {
        writer.addRange(rs);
        s.skipRange();
        d.skipRange();
        continue;
      }
      if (rs.minKey === rd.minKey && rs.maxKey === rd.maxKey) {
        b.seek(rs.minKey);
        // Base has exactly one side's range here, so only the other side changed it.
        const unchanged = b.atHeaderOf(rs.id) ? "source" : b.atHeaderOf(rd.id) ? "dest" : undefined;
        if (unchanged !== undefined) {
          writer.addRange(unchanged === "source" ? rd : rs);
          s.skipRange();
          d.skipRange();
          continue;
        }
      }
    }
    if (
      sk !== undefined &&
      !s.descended &&
      (dk === undefined || compareKeys(s.ref.maxKey, dk) < 0)
    ) {
      if (oneSidedRange(s)) continue;
    }
    if (
      dk !== undefined &&
      !d.descended &&
      (sk === undefined || compareKeys(d.ref.maxKey, sk) < 0)
    ) {
      if (oneSidedRange(d)) continue;
    }

    // Record level at the smallest next key.
    const key = sk === undefined ? dk! : dk === undefined ? sk : compareKeys(sk, dk) <= 0 ? sk : dk;
    const inSource = sk === key;
    const inDest = dk === key;
    if (inSource && !s.descended) s.descend();
    if (inDest && !d.descended) d.descend();
    b.seek(key);
    if (b.peekKey() === key && !b.descended) b.descend();
    const inBase = b.peekKey() === key;
    let outcome: Outcome;
    // Equal bytes imply equal identity: most records of a range that differs are untouched, and
    // this decides them without decoding.
    if (inSource && inDest && s.raw().equals(d.raw())) outcome = "dest";
    else if (inBase && inSource !== inDest && b.raw().equals((inSource ? s : d).raw())) {
      outcome = "drop";
    } else {
      const baseEntry = inBase ? b.entry() : undefined;
      outcome = mergeOutcome(
        baseEntry,
        inSource ? s.entry() : undefined,
        inDest ? d.entry() : undefined,
      );
    }
    if (outcome === "conflict") {
      if (strategy === "none") return { conflict: key };
      const winner = strategy === "source-wins" ? inSource : inDest;
      outcome = winner ? (strategy === "source-wins" ? "source" : "dest") : "drop";
    }
    if (outcome === "source") writer.addRecord(key, s.raw());
    else if (outcome === "dest") writer.addRecord(key, d.raw());
    if (inSource) s.next();
    if (inDest) d.next();
  }
  return { metarangeId: writer.finish() };
}
