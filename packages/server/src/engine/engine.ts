/**
 * The versioning engine facade (graveler equivalent): repositories, branches, tags, commits, ref
 * expressions, staging, log, diff, merge/revert/cherry-pick, reset, protection and import. The
 * work is done by one module per area; this class is the contract the HTTP layer codes against.
 * Every method is async (returns a Promise), so callers never depend on where the work runs.
 * Errors are `EngineError`s carrying lakeFS's kind and message; merge conflicts are
 * `MergeConflictError`, `If-None-Match` failures `PreconditionFailedError`.
 */

import type { Entry } from "../core/entry.js";
import { badRequest, notFound, renameNotFound } from "../core/errors.js";
import {
  createBranch as createBranchOp,
  deleteBranch as deleteBranchOp,
  hardResetBranch as hardResetBranchOp,
  listBranches as listBranchesOp,
  resetBranch as resetBranchOp,
  setBranchProtectionRules as setBranchProtectionRulesOp,
  toBranch,
} from "./branches.js";
import { commit as commitOp, logCommits as logCommitsOp } from "./commit-ops.js";
import { createCommitRecord as createCommitRecordOp } from "./commit-records.js";
import { EngineContext } from "./context.js";
import type { EngineDeps } from "./deps.js";
import { diffBranch as diffBranchOp, diffRefs as diffRefsOp } from "./diff-ops.js";
import { type GcCommits, gcCommits as gcCommitsOp } from "./gc-commits.js";
import {
  deleteGcRules as deleteGcRulesOp,
  type GcRules,
  getGcRules as getGcRulesOp,
  setGcRules as setGcRulesOp,
} from "./gc-rules.js";
import {
  type UncommittedAddress,
  uncommittedAddresses as uncommittedAddressesOp,
} from "./gc-uncommitted.js";
import { startImport as startImportOp } from "./import.js";
import { Imports } from "./import-jobs.js";
import {
  cherryPick as cherryPickOp,
  findMergeBase as findMergeBaseOp,
  merge as mergeOp,
  revert as revertOp,
} from "./merge.js";
import {
  checkStageable as checkStageableOp,
  deleteEntries as deleteEntriesOp,
  deleteEntry as deleteEntryOp,
  getEntry as getEntryOp,
  listEntries as listEntriesOp,
  stageEntry as stageEntryOp,
  updateUserMetadata as updateUserMetadataOp,
} from "./objects.js";
import {
  createPullRequest as createPullRequestOp,
  getPullRequest as getPullRequestOp,
  listPullRequests as listPullRequestsOp,
  markMerged as markMergedOp,
  openPullRequest as openPullRequestOp,
  updatePullRequest as updatePullRequestOp,
} from "./pull-requests.js";
import { resolveRef } from "./refs.js";
import {
  dumpRefs as dumpRefsOp,
  type RefsDumpIds,
  type RefsTaskStatus,
  restoreRefs as restoreRefsOp,
  submitDump as submitDumpOp,
  submitRestore as submitRestoreOp,
  taskStatus as taskStatusOp,
} from "./refs-dump.js";
import {
  createRepository as createRepositoryOp,
  deleteRepositoryMetadata as deleteRepositoryMetadataOp,
  deleteRepository as deleteRepositoryOp,
  listRepositories as listRepositoriesOp,
  setRepositoryMetadata as setRepositoryMetadataOp,
} from "./repositories.js";
import { StagingSweeper } from "./staging-sweeper.js";
import { openDatabase, Store } from "./store.js";
import {
  createTag as createTagOp,
  deleteTag as deleteTagOp,
  getTag as getTagOp,
  listTags as listTagsOp,
} from "./tags.js";
import { runTask as runTaskOp, type TaskStatus, taskStatus as taskStatusOfKind } from "./tasks.js";
import { TreeWorkerClient } from "./tree-worker-client.js";
import type {
  Branch,
  BranchProtectionRule,
  CherryPickOptions,
  Commit,
  CommitOptions,
  CreateBranchOptions,
  CreatePullRequestOptions,
  CreateRepositoryOptions,
  CreateTagOptions,
  DeleteEntryResult,
  DiffBranchOptions,
  DiffEntry,
  DiffOptions,
  ForceOption,
  ImportOptions,
  ImportStatus,
  ImportWalker,
  ListBranchesOptions,
  ListEntriesOptions,
  ListedEntry,
  ListPullRequestsOptions,
  ListRepositoriesOptions,
  ListTagsOptions,
  LogOptions,
  MergeOptions,
  Page,
  PullRequest,
  Repository,
  ResetOptions,
  ResolvedRef,
  RevertOptions,
  StageEntryOptions,
  Tag,
  UpdatePullRequestOptions,
} from "./types.js";
import { WalCheckpointer } from "./wal-checkpoint.js";
import { WriteBatcher } from "./write-batch.js";

export type { EngineDeps } from "./deps.js";
export type * from "./types.js";

export class Engine {
  private readonly ctx: EngineContext;
  private readonly writes: WriteBatcher;
  private readonly checkpoints: WalCheckpointer;
  /** Deletes dropped staging tokens' rows in the background. */
  readonly sweeper: StagingSweeper;

  constructor(readonly deps: EngineDeps) {
    const store = new Store(deps.db);
    const imports = new Imports(store, () => this.ctx.now());
    const treeJobs = new TreeWorkerClient(deps.db.name, deps.treeOptions);
    this.ctx = new EngineContext(deps, store, imports, treeJobs);
    this.writes = new WriteBatcher(store);
    this.sweeper = new StagingSweeper(store);
    store.onTokensDropped = () => this.sweeper.wake();
    this.sweeper.wake(); // a sweep a crash or close cut short
    // Checkpoints run on the tree worker (wal-checkpoint.ts), not inside our commits.
    deps.db.pragma("wal_autocheckpoint = 0");
    this.checkpoints = new WalCheckpointer(`${deps.db.name}-wal`, () =>
      treeJobs.run({ kind: "checkpoint" }),
    );
    this.checkpoints.start();
  }

  /** Cancels running imports, stops the tree worker and closes the database connection. */
  async close(): Promise<void> {
    this.ctx.imports.cancelAll();
    this.checkpoints.stop();
    await this.sweeper.stop();
    await this.ctx.treeJobs.close();
    this.deps.db.close();
  }

  // ---- repositories ------------------------------------------------------------------------------

  /**
   * Creates a repository with its initial commit ("Repository created") and default branch,
   * writing `_lakefs/dummy` into the namespace. 409 `error creating repository: not unique`;
   * 400 `storage namespace already in use`.
   */
  async createRepository(options: CreateRepositoryOptions): Promise<Repository> {
    return createRepositoryOp(this.ctx, options);
  }

  /** 404 `repository not found`. */
  async getRepository(id: string): Promise<Repository> {
    return this.ctx.repo(id);
  }

  /**
   * The bytes of one of the repository's range or metarange files (our own format, not lakeFS's
   * SSTables). 400 for an id that is not 64 hex digits, 404 `not found` when there is none.
   */
  async getMetadataObject(repo: string, kind: "range" | "metarange", id: string): Promise<Buffer> {
    const r = this.ctx.repo(repo);
    if (!/^[0-9a-f]{64}$/.test(id)) throw badRequest("argument object_id: invalid value");
    const bytes = this.ctx.tree(r).rawFile(kind, id);
    if (!bytes) throw notFound();
    return bytes;
  }

  // ---- GC rules, refs dump and restore ---------------------------------------------------------

  /** 404 `not found` when none are set. */
  async getGcRules(repo: string): Promise<GcRules> {
    return getGcRulesOp(this.ctx, repo);
  }

  async setGcRules(repo: string, rules: GcRules): Promise<void> {
    setGcRulesOp(this.ctx, repo, rules);
  }

  async deleteGcRules(repo: string): Promise<void> {
    deleteGcRulesOp(this.ctx, repo);
  }

  /** Writes the commits, branches and tags into the namespace; returns the documents' ids. */
  async dumpRefs(repo: string): Promise<RefsDumpIds> {
    return dumpRefsOp(this.ctx, repo);
  }

  /** Loads a dump into a bare repository (400 `can only restore into a bare repository`). */
  async restoreRefs(repo: string, ids: RefsDumpIds, options: ForceOption = {}): Promise<void> {
    restoreRefsOp(this.ctx, repo, ids, options.force);
  }

  /** `dumpRefs` as a task: returns its id at once; see `refsTaskStatus`. */
  async submitDump(repo: string): Promise<string> {
    return submitDumpOp(this.ctx, repo);
  }

  /** `restoreRefs` as a task, after the bare-repository check. */
  async submitRestore(repo: string, ids: RefsDumpIds, options: ForceOption = {}): Promise<string> {
    return submitRestoreOp(this.ctx, repo, ids, options.force);
  }

  /** A dump or restore task's status; 404 `not found` for an unknown id. */
  async refsTaskStatus(repo: string, id: string): Promise<RefsTaskStatus> {
    return taskStatusOp(this.ctx, repo, id);
  }

  async listRepositories(options: ListRepositoriesOptions = {}): Promise<Page<Repository>> {
    return listRepositoriesOp(this.ctx, options);
  }

  /** Deletes the metadata only; object data and trees stay in the namespace. */
  async deleteRepository(id: string, options: ForceOption = {}): Promise<void> {
    await deleteRepositoryOp(this.ctx, id, options);
  }

  async getRepositoryMetadata(id: string): Promise<Record<string, string>> {
    this.ctx.repo(id);
    return this.ctx.store.getRepoMetadata(id);
  }

  /** Adds or overwrites the given keys. */
  async setRepositoryMetadata(id: string, set: Readonly<Record<string, string>>): Promise<void> {
    await setRepositoryMetadataOp(this.ctx, id, set);
  }

  async deleteRepositoryMetadata(id: string, keys: readonly string[]): Promise<void> {
    await deleteRepositoryMetadataOp(this.ctx, id, keys);
  }

  async setReadOnly(id: string, readOnly: boolean): Promise<void> {
    this.ctx.repo(id);
    this.ctx.store.setReadOnly(id, readOnly);
  }

  /** Expired and active commits under the repository's GC rules (404 `not found` without). */
  async gcCommits(repo: string): Promise<GcCommits> {
    return gcCommitsOp(this.ctx, repo);
  }

  /** Namespace-relative addresses the branches' staging still references (for GC). */
  async uncommittedAddresses(repo: string): Promise<UncommittedAddress[]> {
    return uncommittedAddressesOp(this.ctx, repo);
  }

  /**
   * Runs `work` as a background task of `kind` after the current request; returns the task id.
   * Its status (`taskStatus`) is kept with the repository.
   */
  async runTask<R>(repo: string, kind: string, work: () => R | Promise<R>): Promise<string> {
    this.ctx.repo(repo);
    return runTaskOp(this.ctx, repo, kind, work);
  }

  /** 404 `not found` for an unknown task id (or one of another kind). */
  async taskStatus<R>(repo: string, kind: string, id: string): Promise<TaskStatus<R>> {
    return taskStatusOfKind(this.ctx, repo, kind, id);
  }

  // ---- branches ----------------------------------------------------------------------------------

  /** Creates a branch at the commit `source` resolves to; returns that commit id. */
  async createBranch(repo: string, options: CreateBranchOptions): Promise<string> {
    return createBranchOp(this.ctx, repo, options);
  }

  /** 404 `branch not found`. */
  async getBranch(repo: string, id: string): Promise<Branch> {
    this.ctx.repo(repo);
    return toBranch(this.ctx.branch(repo, id));
  }

  async listBranches(repo: string, options: ListBranchesOptions = {}): Promise<Page<Branch>> {
    return listBranchesOp(this.ctx, repo, options);
  }

  /** 403 `cannot delete repository default branch`. */
  async deleteBranch(repo: string, id: string, options: ForceOption = {}): Promise<void> {
    await deleteBranchOp(this.ctx, repo, id, options);
  }

  /** Discards uncommitted changes: all, one object, or under a raw string prefix. */
  async resetBranch(repo: string, branch: string, options: ResetOptions): Promise<void> {
    await resetBranchOp(this.ctx, repo, branch, options);
  }

  /**
   * Moves the branch head to the commit `ref` resolves to. Refuses (400 dirty) only when sealed
   * tokens hold changes; changes in the current staging token stay on top of the new head.
   */
  async hardResetBranch(
    repo: string,
    branch: string,
    ref: string,
    options: ForceOption = {},
  ): Promise<void> {
    await hardResetBranchOp(this.ctx, repo, branch, ref, options);
  }

  async getBranchProtectionRules(repo: string): Promise<BranchProtectionRule[]> {
    this.ctx.repo(repo);
    return this.ctx.rules(repo);
  }

  /** Replaces the rule set. Protected branches refuse staging writes, resets and commits (403). */
  async setBranchProtectionRules(
    repo: string,
    rules: readonly BranchProtectionRule[],
  ): Promise<void> {
    await setBranchProtectionRulesOp(this.ctx, repo, rules);
  }

  // ---- tags --------------------------------------------------------------------------------------

  /** 409 `tag already exists: not unique` (force does not overwrite). */
  async createTag(repo: string, options: CreateTagOptions): Promise<Tag> {
    return createTagOp(this.ctx, repo, options);
  }

  /** 404 `tag not found`. */
  async getTag(repo: string, id: string): Promise<Tag> {
    return getTagOp(this.ctx, repo, id);
  }

  async listTags(repo: string, options: ListTagsOptions = {}): Promise<Page<Tag>> {
    return listTagsOp(this.ctx, repo, options);
  }

  async deleteTag(repo: string, id: string, options: ForceOption = {}): Promise<void> {
    await deleteTagOp(this.ctx, repo, id, options);
  }

  // ---- commits and refs --------------------------------------------------------------------------

  /** Seals the staging token and commits it. 400 `commit: no changes` unless `allowEmpty`. */
  async commit(repo: string, branch: string, options: CommitOptions): Promise<Commit> {
    return commitOp(this.ctx, repo, branch, options);
  }

  /** The commit a ref expression resolves to; 404 `commit not found` for any unknown ref. */
  async getCommit(repo: string, ref: string): Promise<Commit> {
    this.ctx.repo(repo);
    return renameNotFound(
      () => this.ctx.commitOf(repo, ref),
      () => "commit not found",
    );
  }

  /** Commits reachable from `ref`, newest (highest generation) first. */
  async logCommits(repo: string, ref: string, options: LogOptions = {}): Promise<Page<Commit>> {
    return logCommitsOp(this.ctx, repo, ref, options);
  }

  /** Parses and resolves a ref expression (`main`, `main@`, `main$`, tag, id, prefix, `~N`, `^N`). */
  async resolveRef(repo: string, ref: string): Promise<ResolvedRef> {
    this.ctx.repo(repo);
    return resolveRef(this.ctx.store, repo, ref);
  }

  // ---- diff and merge ----------------------------------------------------------------------------

  /** Committed diff; `three_dot` (default) diffs the merge base against `right`, with conflicts. */
  async diffRefs(
    repo: string,
    left: string,
    right: string,
    options: DiffOptions = {},
  ): Promise<Page<DiffEntry>> {
    return diffRefsOp(this.ctx, repo, left, right, options);
  }

  /** Uncommitted changes of a branch against its head commit. */
  async diffBranch(
    repo: string,
    branch: string,
    options: DiffBranchOptions = {},
  ): Promise<Page<DiffEntry>> {
    return diffBranchOp(this.ctx, repo, branch, options);
  }

  /** The best common ancestor of `source` and the destination branch head. */
  async findMergeBase(
    repo: string,
    source: string,
    destinationBranch: string,
  ): Promise<{ baseCommitId: string; sourceCommitId: string; destinationCommitId: string }> {
    return findMergeBaseOp(this.ctx, repo, source, destinationBranch);
  }

  /** Merges `source` (a ref) into a branch with a new merge commit; conflicts throw `MergeConflictError`. */
  /**
   * Stores a raw commit record (no branch moves): 400 when `id` is not its content address,
   * 404 `metarange not found`, 409 when the commit exists, 403 on a read-only repository.
   */
  async createCommitRecord(repo: string, record: Commit, options: ForceOption = {}): Promise<void> {
    createCommitRecordOp(this.ctx, repo, record, options);
  }

  // ---- pull requests -----------------------------------------------------------------------------

  /** An open pull request; 400 on bad branch names or title, 404 `branch not found`. */
  async createPullRequest(repo: string, options: CreatePullRequestOptions): Promise<PullRequest> {
    return createPullRequestOp(this.ctx, repo, options);
  }

  /** 404 `pull request not found`. */
  async getPullRequest(repo: string, id: string): Promise<PullRequest> {
    return getPullRequestOp(this.ctx, repo, id);
  }

  /** Newest first; `status` `closed` includes merged ones. */
  async listPullRequests(
    repo: string,
    options: ListPullRequestsOptions = {},
  ): Promise<Page<PullRequest>> {
    return listPullRequestsOp(this.ctx, repo, options);
  }

  async updatePullRequest(
    repo: string,
    id: string,
    update: UpdatePullRequestOptions,
  ): Promise<PullRequest> {
    return updatePullRequestOp(this.ctx, repo, id, update);
  }

  /** The pull request if it can be merged: 404 unknown, 400 `bad pull request status`. */
  async openPullRequest(repo: string, id: string): Promise<PullRequest> {
    return openPullRequestOp(this.ctx, repo, id);
  }

  /** Records that the pull request was merged as `mergedCommitId`. */
  async markPullRequestMerged(
    repo: string,
    id: string,
    mergedCommitId: string,
  ): Promise<PullRequest> {
    return markMergedOp(this.ctx, repo, id, mergedCommitId);
  }

  // ---- merges ------------------------------------------------------------------------------------

  async merge(
    repo: string,
    source: string,
    destinationBranch: string,
    options: MergeOptions = {},
  ): Promise<Commit> {
    return mergeOp(this.ctx, repo, source, destinationBranch, options);
  }

  /** Commits the inverse of `ref`'s changes (relative to one parent) onto the branch. */
  async revert(repo: string, branch: string, options: RevertOptions): Promise<Commit> {
    return revertOp(this.ctx, repo, branch, options);
  }

  /** Applies `ref`'s changes (relative to one parent) onto the branch as a new commit. */
  async cherryPick(repo: string, branch: string, options: CherryPickOptions): Promise<Commit> {
    return cherryPickOp(this.ctx, repo, branch, options);
  }

  // ---- objects -----------------------------------------------------------------------------------

  /** The entry at `path`; a branch name reads through staging. 404 `not found`. */
  async getEntry(repo: string, ref: string, path: string): Promise<Entry> {
    return getEntryOp(this.ctx, repo, ref, path);
  }

  /** Objects and common prefixes in UTF-8 byte order. */
  async listEntries(
    repo: string,
    ref: string,
    options: ListEntriesOptions = {},
  ): Promise<Page<ListedEntry>> {
    return listEntriesOp(this.ctx, repo, ref, options);
  }

  /**
   * Throws what `stageEntry` with these options would throw (404s, 403 guards, `ifNoneMatch`),
   * without writing anything: writers check before they produce bytes.
   */
  async checkStageable(
    repo: string,
    branch: string,
    path: string,
    options: StageEntryOptions = {},
  ): Promise<void> {
    await checkStageableOp(this.ctx, repo, branch, path, options);
  }

  /**
   * Stages a value; `ifNoneMatch` throws `PreconditionFailedError` when the path has one.
   * Concurrent writes share one transaction (group commit, write-batch.ts); resolves once durable.
   */
  async stageEntry(
    repo: string,
    branch: string,
    path: string,
    entry: Entry,
    options: StageEntryOptions = {},
  ): Promise<void> {
    await this.writes.submit(() => stageEntryOp(this.ctx, repo, branch, path, entry, options));
  }

  /** Deletes a path (silently succeeds when it does not exist). */
  async deleteEntry(
    repo: string,
    branch: string,
    path: string,
    options: ForceOption = {},
  ): Promise<void> {
    await this.writes.submit(() => deleteEntryOp(this.ctx, repo, branch, path, options));
  }

  /** Batch delete (≤ 1000 paths); per-path failures are returned, not thrown. */
  async deleteEntries(
    repo: string,
    branch: string,
    paths: readonly string[],
    options: ForceOption = {},
  ): Promise<DeleteEntryResult[]> {
    return deleteEntriesOp(this.ctx, repo, branch, paths, options);
  }

  /** Replaces the user metadata of an existing object on a branch. */
  async updateUserMetadata(
    repo: string,
    branch: string,
    path: string,
    metadata: Readonly<Record<string, string>>,
  ): Promise<void> {
    await updateUserMetadataOp(this.ctx, repo, branch, path, metadata);
  }

  // ---- import ------------------------------------------------------------------------------------

  /** Starts a background import; returns its id. Each destination prefix is replaced. */
  async startImport(
    repo: string,
    branch: string,
    options: ImportOptions,
    walker: ImportWalker | undefined = this.ctx.deps.importSource,
  ): Promise<string> {
    return startImportOp(this.ctx, repo, branch, options, walker);
  }

  async importStatus(repo: string, branch: string, id: string): Promise<ImportStatus> {
    this.ctx.repo(repo);
    this.ctx.branch(repo, branch);
    return this.ctx.imports.status(repo, branch, id);
  }

  /** 409 `conflict found` when already completed. */
  async cancelImport(repo: string, branch: string, id: string): Promise<void> {
    this.ctx.repo(repo);
    this.ctx.branch(repo, branch);
    this.ctx.imports.cancel(repo, branch, id);
  }
}

/** Opens (creating if needed) `<dataDir>/metadata.db` and an engine over it. */
export function openEngine(dataDir: string, deps: Omit<EngineDeps, "db">): Engine {
  return new Engine({ ...deps, db: openDatabase(dataDir) });
}
