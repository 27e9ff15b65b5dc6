/** Options shared by directory uploads and downloads, and their validation. */
import { InvalidArgumentError } from "../../errors.js";
import { checkConcurrency } from "../../io/parts.js";
import type { CompareMode } from "./compare.js";
import { type KeyFilter, type KeyFilterOptions, keyFilter } from "./filter.js";
import { checkSymlinkPolicy, type SymlinkPolicy } from "./local-tree.js";
import type { ProgressOptions } from "./progress.js";

export interface DirectoryTransferOptions extends KeyFilterOptions, ProgressOptions {
  /** Files transferred at once (at most 4 of them 8 MiB or larger); default 8. */
  readonly concurrency?: number;
  /** Force (true) or avoid (false) presigned URLs; default: whatever the server supports. */
  readonly preSign?: boolean;
  /** Also delete destination files that the source does not have (within the filters). */
  readonly deleteExtraneous?: boolean;
  /** Symbolic links: `follow` (default), `skip` or `preserve`. */
  readonly symlinks?: SymlinkPolicy;
  /** How unchanged files are recognised; default `checksum` (size + mtime, else MD5). */
  readonly compare?: CompareMode;
  /** Do not descend into local directories whose name starts with `.`; default false. */
  readonly skipHiddenDirectories?: boolean;
  /** Plan and report changes (`onChange`) without transferring or deleting anything. */
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
}

/** Files in flight by default: enough to hide per-request latency, few enough for 2 cores. */
export const DEFAULT_FILE_CONCURRENCY = 8;

export interface CheckedTransferOptions {
  readonly concurrency: number;
  readonly preSign: boolean | undefined;
  readonly deleteExtraneous: boolean;
  readonly symlinks: SymlinkPolicy;
  readonly compare: CompareMode;
  readonly skipHiddenDirectories: boolean;
  readonly dryRun: boolean;
  readonly filter: KeyFilter;
  readonly signal: AbortSignal | undefined;
}

/** Validates the options; throws InvalidArgumentError. */
export function checkTransferOptions(options: DirectoryTransferOptions): CheckedTransferOptions {
  const compare = options.compare ?? "checksum";
  if (compare !== "mtime" && compare !== "checksum") {
    throw new InvalidArgumentError("compare must be mtime or checksum");
  }
  for (const name of ["onProgress", "onChange"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") {
      throw new InvalidArgumentError(`${name} must be a function`);
    }
  }
  return {
    concurrency: checkConcurrency(options.concurrency ?? DEFAULT_FILE_CONCURRENCY),
    preSign: options.preSign,
    deleteExtraneous: options.deleteExtraneous ?? false,
    symlinks: checkSymlinkPolicy(options.symlinks ?? "follow"),
    compare,
    skipHiddenDirectories: options.skipHiddenDirectories ?? false,
    dryRun: options.dryRun ?? false,
    filter: keyFilter(options),
    signal: options.signal,
  };
}
