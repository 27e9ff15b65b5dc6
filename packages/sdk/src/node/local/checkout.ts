/**
 * Local checkouts compatible with `lakectl local`: a directory bound to a branch prefix through
 * `.lakefs_ref.yaml`, so a directory cloned by lakectl can be pulled / committed here and the
 * other way round. Files compare by lakectl's rule (size, and mtime against
 * `::lakefs::client-mtime`); hidden directories and the marker are not part of the data.
 */
import { mkdir, readdir } from "node:fs/promises";
import { resolve } from "node:path";
import { type Client, defaultClient } from "../../client.js";
import { InvalidArgumentError, LakeFSError } from "../../errors.js";
import type { Metadata } from "../../models.js";
import { Repository } from "../../repository.js";
import { pairUp } from "../sync/changes.js";
import { sameFile } from "../sync/compare.js";
import { syncDown } from "../sync/download-directory.js";
import { isInternalName } from "../sync/internal-names.js";
import { directoryPrefix } from "../sync/keys.js";
import { walkLocal } from "../sync/local-tree.js";
import { type CheckedTransferOptions, checkTransferOptions } from "../sync/options.js";
import type { DirectorySummary, ProgressOptions } from "../sync/progress.js";
import { listRemote } from "../sync/remote-tree.js";
import { syncUp } from "../sync/upload-directory.js";
import { formatLakeFSUri, parseRefUri } from "../uri.js";
import { type FoundMarker, findMarker, writeMarker } from "./marker.js";

/** Why a checkout operation refused to run. */
export type CheckoutErrorReason =
  | "not_a_checkout"
  | "already_a_checkout"
  | "directory_not_empty"
  | "local_changes"
  | "remote_changed";

/** A checkout operation refused to run (nothing was changed). */
export class CheckoutError extends LakeFSError {
  override name = "CheckoutError";
  constructor(
    readonly reason: CheckoutErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** Options of the checkout operations. */
export interface LocalOptions extends ProgressOptions {
  readonly client?: Client;
  /** Files transferred at once; default 8. */
  readonly concurrency?: number;
  /** Force (true) or avoid (false) presigned URLs; default: whatever the server supports. */
  readonly preSign?: boolean;
  readonly signal?: AbortSignal;
}

/** What a checkout tracks. */
export interface Checkout {
  /** The checkout's root directory (where `.lakefs_ref.yaml` is). */
  readonly root: string;
  /** The `lakefs://repo/ref/prefix/` URI it tracks. */
  readonly src: string;
  readonly repository: string;
  readonly ref: string;
  /** The tracked prefix: "" or ending in `/`. */
  readonly prefix: string;
  /** The commit the local files reflect. */
  readonly atHead: string;
  /** A pull / commit / clone that started and did not finish; "" when none. */
  readonly activeOperation: string;
}

/** A path that differs, relative to the tracked prefix. */
export interface CheckoutChange {
  readonly path: string;
  readonly type: "added" | "modified" | "removed";
}

export interface CheckoutStatus {
  readonly checkout: Checkout;
  /** Local files against the commit the checkout reflects. */
  readonly local: readonly CheckoutChange[];
  /** The ref's current commit, and what changed under the prefix since `atHead`. */
  readonly headCommit: string;
  readonly remote: readonly CheckoutChange[];
  /** Paths changed on both sides. */
  readonly conflicts: readonly string[];
}

/** Reads the checkout `dir` belongs to (its marker may be in a parent directory). */
export async function openCheckout(dir: string): Promise<Checkout> {
  const marker = await findMarker(dir);
  if (marker === undefined) {
    throw new CheckoutError(
      "not_a_checkout",
      `could not find a lakectl local reference file (.lakefs_ref.yaml) in ${resolve(dir)} or its parents`,
    );
  }
  return toCheckout(marker);
}

function toCheckout(marker: FoundMarker): Checkout {
  const uri = parseRefUri(marker.src);
  return {
    root: marker.root,
    src: marker.src,
    repository: uri.repository,
    ref: uri.ref,
    prefix: directoryPrefix(uri.path),
    atHead: marker.atHead,
    activeOperation: marker.activeOperation,
  };
}

/** Transfer settings of checkouts: lakectl's comparison rule, hidden directories left out. */
function transferOptions(options: LocalOptions, extra: { deleteExtraneous: boolean }) {
  const checked: CheckedTransferOptions = checkTransferOptions({
    concurrency: options.concurrency,
    preSign: options.preSign,
    signal: options.signal,
    compare: "mtime",
    skipHiddenDirectories: true,
    deleteExtraneous: extra.deleteExtraneous,
  });
  return checked;
}

function repositoryOf(checkout: { repository: string }, options: LocalOptions): Repository {
  return new Repository(checkout.repository, { client: options.client ?? defaultClient() });
}

/**
 * Clones `lakefs://repo/ref/prefix/` into `dir` (created if missing, else it must be empty):
 * downloads the prefix as of the ref's current commit and writes `.lakefs_ref.yaml`. An
 * interrupted clone keeps `active_operation: clone`; `localPull` completes it.
 */
export async function localClone(
  uri: string,
  dir: string,
  options: LocalOptions = {},
): Promise<{ checkout: Checkout; summary: DirectorySummary }> {
  const parsed = parseRefUri(uri);
  const prefix = directoryPrefix(parsed.path);
  const checked = transferOptions(options, { deleteExtraneous: false });
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const existing = await readdir(root);
  if (existing.length > 0) {
    const reason = existing.includes(".lakefs_ref.yaml")
      ? "already_a_checkout"
      : "directory_not_empty";
    throw new CheckoutError(reason, `directory ${root} is not empty`);
  }
  const repo = repositoryOf(parsed, options);
  const commit = await repo.ref(parsed.ref).getCommit({ signal: options.signal });
  const src = formatLakeFSUri({ repository: parsed.repository, ref: parsed.ref, path: prefix });
  await writeMarker(root, { src, atHead: commit.id, activeOperation: "clone" });
  const summary = await syncDown(repo.commit(commit.id), prefix, root, checked, options);
  await writeMarker(root, { src, atHead: commit.id, activeOperation: "" });
  return { checkout: await openCheckout(root), summary };
}

/** Local files that differ from the commit the checkout reflects, in path order. */
async function* localChanges(
  checkout: Checkout,
  repo: Repository,
  signal: AbortSignal | undefined,
): AsyncGenerator<CheckoutChange & { sizeBytes: number }> {
  const all = () => true;
  const locals = walkLocal(checkout.root, {
    filter: all,
    symlinks: "follow",
    skipHiddenDirectories: true,
    ignoreName: isInternalName,
    signal,
  });
  const remotes = listRemote(repo.commit(checkout.atHead), checkout.prefix, all, signal);
  for await (const { key, local, remote } of pairUp(locals, remotes)) {
    if (local === undefined) yield { path: key, type: "removed", sizeBytes: 0 };
    else if (remote === undefined) yield { path: key, type: "added", sizeBytes: local.size };
    else if (!(await sameFile(local, remote.info, "mtime"))) {
      yield { path: key, type: "modified", sizeBytes: local.size };
    }
  }
}

/** What changed under the prefix between the checkout's commit and `headCommit`. */
async function remoteChanges(
  checkout: Checkout,
  repo: Repository,
  headCommit: string,
  signal: AbortSignal | undefined,
): Promise<CheckoutChange[]> {
  if (headCommit === checkout.atHead) return [];
  const changes: CheckoutChange[] = [];
  const diff = repo.commit(checkout.atHead).diff(headCommit, {
    prefix: checkout.prefix,
    type: "two_dot",
    signal,
  });
  for await (const change of diff) {
    if (change.pathType !== "object") continue;
    const path = change.path.slice(checkout.prefix.length);
    if (path === "" || path.endsWith("/")) continue;
    const type = change.type === "added" || change.type === "removed" ? change.type : "modified";
    changes.push({ path, type });
  }
  return changes;
}

/** Compares the local files with the checkout's commit, and that commit with the ref's head. */
export async function localStatus(
  dir: string,
  options: Pick<LocalOptions, "client" | "signal"> = {},
): Promise<CheckoutStatus> {
  const checkout = await openCheckout(dir);
  const repo = repositoryOf(checkout, options);
  const local: CheckoutChange[] = [];
  for await (const { path, type } of localChanges(checkout, repo, options.signal)) {
    local.push({ path, type });
  }
  const head = await repo.ref(checkout.ref).getCommit({ signal: options.signal });
  const remote = await remoteChanges(checkout, repo, head.id, options.signal);
  const changedLocally = new Set(local.map((c) => c.path));
  const conflicts = remote.filter((c) => changedLocally.has(c.path)).map((c) => c.path);
  return { checkout, local, headCommit: head.id, remote, conflicts };
}

/**
 * Brings the checkout to the ref's current commit: downloads what changed, deletes what was
 * removed. Refuses when files changed locally, unless `force` (which discards those changes).
 */
export async function localPull(
  dir: string,
  options: LocalOptions & { readonly force?: boolean } = {},
): Promise<{ checkout: Checkout; summary: DirectorySummary }> {
  const checkout = await openCheckout(dir);
  const repo = repositoryOf(checkout, options);
  const checked = transferOptions(options, { deleteExtraneous: true });
  if (!options.force && checkout.activeOperation === "") {
    const changes = localChanges(checkout, repo, options.signal);
    const first = await changes.next();
    await changes.return(undefined);
    if (!first.done) {
      throw new CheckoutError(
        "local_changes",
        `local changes in ${checkout.root} (e.g. ${first.value.type} ${first.value.path}): commit them, or pull with force to discard them`,
      );
    }
  }
  const head = await repo.ref(checkout.ref).getCommit({ signal: options.signal });
  await writeMarker(checkout.root, { ...checkout, activeOperation: "pull" });
  const summary = await syncDown(
    repo.commit(head.id),
    checkout.prefix,
    checkout.root,
    checked,
    options,
  );
  await writeMarker(checkout.root, { ...checkout, atHead: head.id, activeOperation: "" });
  return { checkout: await openCheckout(checkout.root), summary };
}

/** Options of `localCommit`. */
export interface LocalCommitOptions extends LocalOptions {
  /** Commit even though the branch changed under the prefix since the checkout's commit. */
  readonly force?: boolean;
  readonly metadata?: Metadata;
  /** Create the commit even when nothing changed. */
  readonly allowEmpty?: boolean;
}

/**
 * Uploads the local changes (added and modified files, recording their mtimes; deletions) to
 * the branch and commits them. Refuses when the branch changed under the prefix since the
 * checkout's commit, unless `force`. Returns the new commit id, or undefined when there was
 * nothing to commit.
 */
export async function localCommit(
  dir: string,
  message: string,
  options: LocalCommitOptions = {},
): Promise<{ checkout: Checkout; summary: DirectorySummary; commitId: string | undefined }> {
  if (typeof message !== "string" || message === "") {
    throw new InvalidArgumentError("a commit message is required");
  }
  const checkout = await openCheckout(dir);
  const repo = repositoryOf(checkout, options);
  const branch = repo.branch(checkout.ref);
  const head = await branch.getCommit({ signal: options.signal });
  if (!options.force) {
    const moved = await remoteChanges(checkout, repo, head.id, options.signal);
    if (moved.length > 0) {
      throw new CheckoutError(
        "remote_changed",
        `${checkout.src} changed since ${checkout.atHead} (e.g. ${moved[0]?.type} ${moved[0]?.path}): pull first, or commit with force`,
      );
    }
  }
  await writeMarker(checkout.root, { ...checkout, activeOperation: "commit" });
  const checked = transferOptions(options, { deleteExtraneous: true });
  const summary = await syncUp(
    checkout.root,
    branch,
    checkout.prefix,
    repo.commit(checkout.atHead),
    checked,
    options,
  );
  let commitId: string | undefined;
  const changed = summary.transferred + summary.deleted > 0;
  if (changed || options.allowEmpty) {
    const commit = await branch.commit(message, {
      metadata: options.metadata,
      allowEmpty: options.allowEmpty,
      signal: options.signal,
    });
    commitId = commit.id;
  }
  await writeMarker(checkout.root, {
    ...checkout,
    atHead: commitId ?? checkout.atHead,
    activeOperation: "",
  });
  return { checkout: await openCheckout(checkout.root), summary, commitId };
}
