/**
 * The committed tree of a repository: content-addressed range and metarange files in one
 * directory (`<namespace>/_lakefs`), see `types.ts` for the operations.
 */
import { applyChanges } from "./apply.js";
import { diffTrees } from "./diff.js";
import { TreeFiles } from "./files.js";
import { mergeTrees } from "./merge.js";
import { RangePolicy, type RangePolicyOptions } from "./policy.js";
import { getEntry, scanEntries } from "./read.js";
import type { TreeStore } from "./types.js";

export type { ApplyResult, DiffRecord, MergeResult, MergeStrategy, TreeStore } from "./types.js";

export interface TreeStoreOptions extends RangePolicyOptions {
  /** How many decoded ranges to keep in memory (default 128). */
  readonly cacheRanges?: number;
  /**
   * Leave new files unsynced until `settle()` (which must then follow every build before its
   * ids are used): many files then share their syncs. Off by default.
   */
  readonly deferSync?: boolean;
}

const DEFAULT_CACHE_RANGES = 128;

/**
 * Opens the tree store over `dir`. All trees of one repository must use the same range options:
 * ids stay valid either way, but reuse across commits relies on identical boundaries.
 */
export function createTreeStore(dir: string, options: TreeStoreOptions = {}): TreeStore {
  const policy = new RangePolicy(options);
  const cacheRanges = options.cacheRanges ?? DEFAULT_CACHE_RANGES;
  if (!Number.isSafeInteger(cacheRanges) || cacheRanges < 1) {
    throw new Error("cacheRanges must be a positive integer");
  }
  const files = new TreeFiles(dir, cacheRanges, options.deferSync ?? false);
  return {
    apply: (base, changes) => applyChanges(files, policy, base, changes),
    get: (metarangeId, key) => getEntry(files, metarangeId, key),
    rawFile: (kind, id) => files.raw(kind, id),
    putBlob: (bytes) => {
      const id = files.write(bytes);
      files.syncDir();
      return id;
    },
    getBlob: (id) => files.blob(id),
    settle: () => files.settle(),
    discard: () => files.discard(),
    entries: (metarangeId, from) => scanEntries(files, metarangeId, from),
    diff: (left, right, from) => diffTrees(files, left, right, from),
    merge: (base, source, dest, strategy) =>
      mergeTrees(files, policy, base, source, dest, strategy),
  };
}
