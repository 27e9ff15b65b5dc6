/**
 * The versioning engine facade (graveler equivalent): repositories, branches, tags, commits, ref
 * expressions, staging, log, diff, merge/revert/cherry-pick, reset, protection and import. The
 * work is done by one module per area; this class is the contract the HTTP layer codes against.
 * Everything is synchronous except import (which walks object sources in the background).
 * Errors are `EngineError`s carrying lakeFS's kind and message; merge conflicts are
 * `MergeConflictError`, `If-None-Match` failures `PreconditionFailedError`.
 */
import type Database from "better-sqlite3";
import {
  createBranch as createBranchOp,
  deleteBranch as deleteBranchOp,
  hardResetBranch as hardResetBranchOp,
  listBranches as listBranchesOp,
  resetBranch as resetBranchOp,
  setBranchProtectionRules as setBranchProtectionRulesOp,
  toBranch,
} from "./branches.js";
import { commit as commitOp, logCommits as logCommitsOp } from "./commit.js";
import { EngineContext } from "./context.js";
import { diffBranch as diffBranchOp, diffRefs as diffRefsOp } from "./diffs.js";
import { badRequest, notFound, renameNotFound } from "./errors.js";
import { startImport as startImportOp } from "./import.js";
import { Imports } from "./import-jobs.js";
import {
  cherryPick as cherryPickOp,
  findMergeBase as findMergeBaseOp,
  merge as mergeOp,
  revert as revertOp,
} from "./merge.js";
import type { Entry } from "./model.js";
import {
  deleteEntries as deleteEntriesOp,
  deleteEntry as deleteEntryOp,
  getEntry as getEntryOp,
  listEntries as listEntriesOp,
  stageEntry as stageEntryOp,
  updateUserMetadata as updateUserMetadataOp,
} from "./objects.js";
import { resolveRef } from "./refs.js";
import {
  createRepository as createRepositoryOp,
  deleteRepositoryMetadata as deleteRepositoryMetadataOp,
  deleteRepository as deleteRepositoryOp,
  listRepositories as listRepositoriesOp,
  setRepositoryMetadata as setRepositoryMetadataOp,
} from "./repositories.js";
import { openDatabase, Store } from "./store.js";
import {
  createTag as createTagOp,
  deleteTag as deleteTagOp,
  getTag as getTagOp,
  listTags as listTagsOp,
} from "./tags.js";
import type { TreeStoreOptions } from "./tree/index.js";
import type {
  Branch,
  BranchProtectionRule,
  CherryPickOptions,
  Commit,
  CommitOptions,
  CreateBranchOptions,
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
  ListRepositoriesOptions,
  ListTagsOptions,
  LogOptions,
  MergeOptions,
  Page,
  Repository,
  ResetOptions,
  ResolvedRef,
  RevertOptions,
  StageEntryOptions,
  Tag,
} from "./types.js";

export type * from "./types.js";

export interface EngineDeps {
  /** An open better-sqlite3 connection; the engine creates/migrates its schema. */
  readonly db: Database.Database;
  /** Absolute directory of a storage namespace; trees live in `<dir>/_lakefs`. */
  namespaceDir(storageNamespace: string): string;
  /** Default walker for `startImport` when the call does not pass one. */
  readonly importSource?: ImportWalker | undefined;
  /** Passed to `createTreeStore` (e.g. a small `raggedness` in tests for many ranges). */
  readonly treeOptions?: TreeStoreOptions | undefined;
  /** Clock in unix seconds (tests pin it). */
  readonly now?: (() => number) | undefined;
}

export class Engine {
  private readonly ctx: EngineContext;

  constructor(readonly deps: EngineDeps) {
    const store = new Store(deps.db);
    const imports = new Imports(store, () => this.ctx.now());
    this.ctx = new EngineContext(deps, store, imports);
  }

  /** Cancels running imports and closes the database connection. */
  close(): void {
    this.ctx.imports.cancelAll();
    this.deps.db.close();
  }

  // ---- repositories ------------------------------------------------------------------------------

  /**
   * Creates a repository with its initial commit ("Repository created") and default branch,
   * writing `_lakefs/dummy` into the namespace. 409 `error creating repository: not unique`;
   * 400 `storage namespace already in use`.
   */
  createRepository(options: CreateRepositoryOptions): Repository {
    return createRepositoryOp(this.ctx, options);
  }

  /** 404 `repository not found`. */
  getRepository(id: string): Repository {
    return this.ctx.repo(id);
  }

  /**
   * The bytes of one of the repository's range or metarange files (our own format, not lakeFS's
   * SSTables). 400 for an id that is not 64 hex digits, 404 `not found` when there is none.
   */
  getMetadataObject(repo: string, kind: "range" | "metarange", id: string): Buffer {
    const r = this.ctx.repo(repo);
    if (!/^[0-9a-f]{64}$/.test(id)) throw badRequest("argument object_id: invalid value");
    const bytes = this.ctx.tree(r).rawFile(kind, id);
    if (!bytes) throw notFound();
    return bytes;
  }

  listRepositories(options: ListRepositoriesOptions = {}): Page<Repository> {
    return listRepositoriesOp(this.ctx, options);
  }

  /** Deletes the metadata only; object data and trees stay in the namespace. */
  deleteRepository(id: string, options: ForceOption = {}): void {
    deleteRepositoryOp(this.ctx, id, options);
  }

  getRepositoryMetadata(id: string): Record<string, string> {
    this.ctx.repo(id);
    return this.ctx.store.getRepoMetadata(id);
  }

  /** Adds or overwrites the given keys. */
  setRepositoryMetadata(id: string, set: Readonly<Record<string, string>>): void {
    setRepositoryMetadataOp(this.ctx, id, set);
  }

  deleteRepositoryMetadata(id: string, keys: readonly string[]): void {
    deleteRepositoryMetadataOp(this.ctx, id, keys);
  }

  setReadOnly(id: string, readOnly: boolean): void {
    this.ctx.repo(id);
    this.ctx.store.setReadOnly(id, readOnly);
  }

  // ---- branches ----------------------------------------------------------------------------------

  /** Creates a branch at the commit `source` resolves to; returns that commit id. */
  createBranch(repo: string, options: CreateBranchOptions): string {
    return createBranchOp(this.ctx, repo, options);
  }

  /** 404 `branch not found`. */
  getBranch(repo: string, id: string): Branch {
    this.ctx.repo(repo);
    return toBranch(this.ctx.branch(repo, id));
  }

  listBranches(repo: string, options: ListBranchesOptions = {}): Page<Branch> {
    return listBranchesOp(this.ctx, repo, options);
  }

  /** 403 `cannot delete repository default branch`. */
  deleteBranch(repo: string, id: string, options: ForceOption = {}): void {
    deleteBranchOp(this.ctx, repo, id, options);
  }

  /** Discards uncommitted changes: all, one object, or under a raw string prefix. */
  resetBranch(repo: string, branch: string, options: ResetOptions): void {
    resetBranchOp(this.ctx, repo, branch, options);
  }

  /**
   * Moves the branch head to the commit `ref` resolves to. Refuses (400 dirty) only when sealed
   * tokens hold changes; changes in the current staging token stay on top of the new head.
   */
  hardResetBranch(repo: string, branch: string, ref: string, options: ForceOption = {}): void {
    hardResetBranchOp(this.ctx, repo, branch, ref, options);
  }

  getBranchProtectionRules(repo: string): BranchProtectionRule[] {
    this.ctx.repo(repo);
    return this.ctx.rules(repo);
  }

  /** Replaces the rule set. Protected branches refuse staging writes, resets and commits (403). */
  setBranchProtectionRules(repo: string, rules: readonly BranchProtectionRule[]): void {
    setBranchProtectionRulesOp(this.ctx, repo, rules);
  }

  // ---- tags --------------------------------------------------------------------------------------

  /** 409 `tag already exists: not unique` (force does not overwrite). */
  createTag(repo: string, options: CreateTagOptions): Tag {
    return createTagOp(this.ctx, repo, options);
  }

  /** 404 `tag not found`. */
  getTag(repo: string, id: string): Tag {
    return getTagOp(this.ctx, repo, id);
  }

  listTags(repo: string, options: ListTagsOptions = {}): Page<Tag> {
    return listTagsOp(this.ctx, repo, options);
  }

  deleteTag(repo: string, id: string, options: ForceOption = {}): void {
    deleteTagOp(this.ctx, repo, id, options);
  }

  // ---- commits and refs --------------------------------------------------------------------------

  /** Seals the staging token and commits it. 400 `commit: no changes` unless `allowEmpty`. */
  commit(repo: string, branch: string, options: CommitOptions): Commit {
    return commitOp(this.ctx, repo, branch, options);
  }

  /** The commit a ref expression resolves to; 404 `commit not found` for any unknown ref. */
  getCommit(repo: string, ref: string): Commit {
    this.ctx.repo(repo);
    return renameNotFound(
      () => this.ctx.commitOf(repo, ref),
      () => "commit not found",
    );
  }

  /** Commits reachable from `ref`, newest (highest generation) first. */
  logCommits(repo: string, ref: string, options: LogOptions = {}): Page<Commit> {
    return logCommitsOp(this.ctx, repo, ref, options);
  }

  /** Parses and resolves a ref expression (`main`, `main@`, `main$`, tag, id, prefix, `~N`, `^N`). */
  resolveRef(repo: string, ref: string): ResolvedRef {
    this.ctx.repo(repo);
    return resolveRef(this.ctx.store, repo, ref);
  }

  // ---- diff and merge ----------------------------------------------------------------------------

  /** Committed diff; `three_dot` (default) diffs the merge base against `right`, with conflicts. */
  diffRefs(repo: string, left: string, right: string, options: DiffOptions = {}): Page<DiffEntry> {
    return diffRefsOp(this.ctx, repo, left, right, options);
  }

  /** Uncommitted changes of a branch against its head commit. */
  diffBranch(repo: string, branch: string, options: DiffBranchOptions = {}): Page<DiffEntry> {
    return diffBranchOp(this.ctx, repo, branch, options);
  }

  /** The best common ancestor of `source` and the destination branch head. */
  findMergeBase(
    repo: string,
    source: string,
    destinationBranch: string,
  ): { baseCommitId: string; sourceCommitId: string; destinationCommitId: string } {
    return findMergeBaseOp(this.ctx, repo, source, destinationBranch);
  }

  /** Merges `source` (a ref) into a branch with a new merge commit; conflicts throw `MergeConflictError`. */
  merge(
    repo: string,
    source: string,
    destinationBranch: string,
    options: MergeOptions = {},
  ): Commit {
    return mergeOp(this.ctx, repo, source, destinationBranch, options);
  }

  /** Commits the inverse of `ref`'s changes (relative to one parent) onto the branch. */
  revert(repo: string, branch: string, options: RevertOptions): Commit {
    return revertOp(this.ctx, repo, branch, options);
  }

  /** Applies `ref`'s changes (relative to one parent) onto the branch as a new commit. */
  cherryPick(repo: string, branch: string, options: CherryPickOptions): Commit {
    return cherryPickOp(this.ctx, repo, branch, options);
  }

  // ---- objects -----------------------------------------------------------------------------------

  /** The entry at `path`; a branch name reads through staging. 404 `not found`. */
  getEntry(repo: string, ref: string, path: string): Entry {
    return getEntryOp(this.ctx, repo, ref, path);
  }

  /** Objects and common prefixes in UTF-8 byte order. */
  listEntries(repo: string, ref: string, options: ListEntriesOptions = {}): Page<ListedEntry> {
    return listEntriesOp(this.ctx, repo, ref, options);
  }

  /** Stages a value; `ifNoneMatch` throws `PreconditionFailedError` when the path has one. */
  stageEntry(
    repo: string,
    branch: string,
    path: string,
    entry: Entry,
    options: StageEntryOptions = {},
  ): void {
    stageEntryOp(this.ctx, repo, branch, path, entry, options);
  }

  /** Deletes a path (silently succeeds when it does not exist). */
  deleteEntry(repo: string, branch: string, path: string, options: ForceOption = {}): void {
    deleteEntryOp(this.ctx, repo, branch, path, options);
  }

  /** Batch delete (≤ 1000 paths); per-path failures are returned, not thrown. */
  deleteEntries(
    repo: string,
    branch: string,
    paths: readonly string[],
    options: ForceOption = {},
  ): DeleteEntryResult[] {
    return deleteEntriesOp(this.ctx, repo, branch, paths, options);
  }

  /** Replaces the user metadata of an existing object on a branch. */
  updateUserMetadata(
    repo: string,
    branch: string,
    path: string,
    metadata: Readonly<Record<string, string>>,
  ): void {
    updateUserMetadataOp(this.ctx, repo, branch, path, metadata);
  }

  // ---- import ------------------------------------------------------------------------------------

  /** Starts a background import; returns its id. Each destination prefix is replaced. */
  startImport(
    repo: string,
    branch: string,
    options: ImportOptions,
    walker: ImportWalker | undefined = this.ctx.deps.importSource,
  ): string {
    return startImportOp(this.ctx, repo, branch, options, walker);
  }

  importStatus(repo: string, branch: string, id: string): ImportStatus {
    this.ctx.repo(repo);
    this.ctx.branch(repo, branch);
    return this.ctx.imports.status(repo, branch, id);
  }

  /** 409 `conflict found` when already completed. */
  cancelImport(repo: string, branch: string, id: string): void {
    this.ctx.repo(repo);
    this.ctx.branch(repo, branch);
    this.ctx.imports.cancel(repo, branch, id);
  }
}

/** Opens (creating if needed) `<dataDir>/metadata.db` and an engine over it. */
export function openEngine(dataDir: string, deps: Omit<EngineDeps, "db">): Engine {
  return new Engine({ ...deps, db: openDatabase(dataDir) });
}
