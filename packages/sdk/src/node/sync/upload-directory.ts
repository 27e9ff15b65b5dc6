/**
 * `uploadDirectory`: makes a branch prefix hold a local directory's files, transferring only
 * what differs. Each upload records the file's mtime in `::lakefs::client-mtime` (as lakectl
 * does), so a second run, or `lakectl local status`, sees those files as unchanged.
 */
import { stat } from "node:fs/promises";
import { InvalidArgumentError } from "../../errors.js";
import type { BaseBranch, Reference } from "../../reference.js";
import { uploadFile } from "../streams.js";
import { pairUp } from "./changes.js";
import { CLIENT_MTIME_KEY, SYMLINK_TARGET_KEY, sameFile } from "./compare.js";
import { isInternalName } from "./internal-names.js";
import { directoryPrefix } from "./keys.js";
import { type LocalFile, walkLocal } from "./local-tree.js";
import {
  type CheckedTransferOptions,
  checkTransferOptions,
  type DirectoryTransferOptions,
} from "./options.js";
import { type DirectorySummary, type ProgressOptions, TransferLedger } from "./progress.js";
import { listRemote } from "./remote-tree.js";
import { type FileTask, runTasks } from "./runner.js";

/**
 * Files below this size report progress once, when done: asking the SDK for byte progress makes
 * it stream the body through a counter instead of sending the file as one sized body.
 */
const BYTE_PROGRESS_MIN = 1024 * 1024;

/** Paths per batch delete request (the server's limit). */
const DELETE_BATCH = 1000;

/**
 * Uploads the files under `dir` to `prefix` on `branch`, in parallel, skipping files the branch
 * already holds unchanged; with `deleteExtraneous`, deletes objects under the prefix that `dir`
 * does not have. Run again after an interruption, it uploads only what is still missing.
 */
export async function uploadDirectory(
  dir: string,
  branch: BaseBranch,
  prefix: string,
  options: DirectoryTransferOptions = {},
): Promise<DirectorySummary> {
  const checked = checkTransferOptions(options);
  await requireDirectory(dir);
  return syncUp(dir, branch, directoryPrefix(prefix), branch, checked, options);
}

/**
 * Uploads what differs between `dir` and the prefix as `baseline` has it (the branch itself,
 * or the commit a checkout reflects), and deletes (with `deleteExtraneous`) what `dir` lacks.
 */
export async function syncUp(
  dir: string,
  branch: BaseBranch,
  base: string,
  baseline: Reference,
  checked: CheckedTransferOptions,
  progress: ProgressOptions,
): Promise<DirectorySummary> {
  const ledger = new TransferLedger(progress);
  const deletions = new DeleteBatcher(branch, base);
  const plan = uploadPlan(dir, branch, base, baseline, checked, ledger, deletions);
  await runTasks(plan, ledger, checked);
  if (!checked.dryRun) await deletions.flush(checked.signal);
  return ledger.summary();
}

/** Fails with InvalidArgumentError unless `dir` is an existing directory. */
export async function requireDirectory(dir: string): Promise<void> {
  const stats = await stat(dir).catch(() => undefined);
  if (!stats?.isDirectory()) throw new InvalidArgumentError(`not a directory: ${dir}`);
}

async function* uploadPlan(
  dir: string,
  branch: BaseBranch,
  base: string,
  baseline: Reference,
  options: CheckedTransferOptions,
  ledger: TransferLedger,
  deletions: DeleteBatcher,
): AsyncGenerator<FileTask> {
  const locals = walkLocal(dir, {
    filter: options.filter,
    symlinks: options.symlinks,
    skipHiddenDirectories: options.skipHiddenDirectories,
    ignoreName: isInternalName,
    signal: options.signal,
  });
  const remotes = listRemote(baseline, base, options.filter, options.signal);
  for await (const { key, local, remote } of pairUp(locals, remotes)) {
    if (local === undefined) {
      if (options.deleteExtraneous && remote !== undefined) {
        yield {
          key,
          bytes: 0,
          change: { key, action: "deleted", sizeBytes: remote.info.sizeBytes ?? 0 },
          run: (_, signal) => deletions.add(key, signal),
        };
      }
    } else if (remote !== undefined && (await sameFile(local, remote.info, options.compare))) {
      ledger.unchanged += 1;
    } else {
      yield uploadTask(branch, base + key, local, options);
    }
  }
}

/** Uploads one file (or a preserved link), recording its mtime as lakectl does. */
export function uploadTask(
  branch: BaseBranch,
  path: string,
  local: LocalFile,
  options: Pick<CheckedTransferOptions, "preSign">,
): FileTask {
  return {
    key: local.key,
    bytes: local.size,
    change: { key: local.key, action: "uploaded", sizeBytes: local.size },
    async run(loaded, signal) {
      const object = branch.object(path);
      const metadata: Record<string, string> = { [CLIENT_MTIME_KEY]: String(local.mtimeSeconds) };
      if (local.symlinkTarget !== undefined) {
        metadata[SYMLINK_TARGET_KEY] = local.symlinkTarget;
        await object.upload("", { metadata, preSign: options.preSign, signal });
        return;
      }
      await uploadFile(object, local.path, {
        metadata,
        preSign: options.preSign,
        signal,
        onProgress: local.size >= BYTE_PROGRESS_MIN ? (p) => loaded(p.loadedBytes) : undefined,
      });
    },
  };
}

/** Collects object deletions into batch requests. */
export class DeleteBatcher {
  #pending: string[] = [];

  constructor(
    private readonly branch: BaseBranch,
    private readonly base: string,
  ) {}

  async add(key: string, signal: AbortSignal): Promise<void> {
    this.#pending.push(this.base + key);
    if (this.#pending.length >= DELETE_BATCH) await this.flush(signal);
  }

  async flush(signal: AbortSignal | undefined): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, DELETE_BATCH);
      await this.branch.deleteObjects(batch, { signal });
    }
  }
}
