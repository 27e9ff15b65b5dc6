/**
 * The versioning engine facade (graveler equivalent): repositories, branches, tags, commits, ref
 * expressions, staging, log, diff, merge/revert/cherry-pick, reset, protection and import.
 * Everything is synchronous except import (which walks object sources). Errors are `EngineError`s
 * carrying lakeFS's kind and message; merge conflicts are `MergeConflictError`, `If-None-Match`
 * failures `PreconditionFailedError`.
 */
import type Database from "better-sqlite3";
import { EngineError } from "./errors.js";
import type { Entry } from "./model.js";
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
  PageOptions,
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
  readonly treeOptions?: { readonly raggedness?: number } | undefined;
  /** Clock in unix seconds (tests pin it). */
  readonly now?: (() => number) | undefined;
}

const todo = (what: string): never => {
  throw new EngineError("not_implemented", `${what} is not implemented yet`);
};

export class Engine {
  constructor(readonly deps: EngineDeps) {}

  /** Closes the database connection. */
  close(): void {
    this.deps.db.close();
  }

  // ---- repositories -------------------------------------------------------------------------

  /**
   * Creates a repository with its initial commit ("Repository created") and default branch,
   * writing `_lakefs/dummy` into the namespace. 409 `error creating repository: not unique`;
   * 400 `storage namespace already in use`.
   */
  createRepository(options: CreateRepositoryOptions): Repository {
    return todo(`createRepository ${options.id}`);
  }

  /** 404 `repository not found`. */
  getRepository(id: string): Repository {
    return todo(`getRepository ${id}`);
  }

  listRepositories(options: ListRepositoriesOptions = {}): Page<Repository> {
    return todo(`listRepositories ${options.prefix}`);
  }

  /** Deletes the metadata only; object data and trees stay in the namespace. */
  deleteRepository(id: string, options: ForceOption = {}): void {
    todo(`deleteRepository ${id} ${options.force}`);
  }

  getRepositoryMetadata(id: string): Record<string, string> {
    return todo(`getRepositoryMetadata ${id}`);
  }

  /** Adds or overwrites the given keys. */
  setRepositoryMetadata(id: string, set: Readonly<Record<string, string>>): void {
    todo(`setRepositoryMetadata ${id} ${Object.keys(set)}`);
  }

  deleteRepositoryMetadata(id: string, keys: readonly string[]): void {
    todo(`deleteRepositoryMetadata ${id} ${keys}`);
  }

  setReadOnly(id: string, readOnly: boolean): void {
    todo(`setReadOnly ${id} ${readOnly}`);
  }

  // ---- branches -----------------------------------------------------------------------------

  /** Creates a branch at the commit `source` resolves to; returns that commit id. */
  createBranch(repo: string, options: CreateBranchOptions): string {
    return todo(`createBranch ${repo} ${options.name}`);
  }

  /** 404 `branch not found`. */
  getBranch(repo: string, id: string): Branch {
    return todo(`getBranch ${repo} ${id}`);
  }

  listBranches(repo: string, options: ListBranchesOptions = {}): Page<Branch> {
    return todo(`listBranches ${repo} ${options.prefix}`);
  }

  /** 403 `cannot delete repository default branch`. */
  deleteBranch(repo: string, id: string, options: ForceOption = {}): void {
    todo(`deleteBranch ${repo} ${id} ${options.force}`);
  }

  /** Discards uncommitted changes: all, one object, or under a raw string prefix. */
  resetBranch(repo: string, branch: string, options: ResetOptions): void {
    todo(`resetBranch ${repo} ${branch} ${options.type}`);
  }

  /**
   * Moves the branch head to the commit `ref` resolves to. Refuses (400 dirty) only when sealed
   * tokens hold changes; changes in the current staging token stay on top of the new head.
   */
  hardResetBranch(repo: string, branch: string, ref: string, options: ForceOption = {}): void {
    todo(`hardResetBranch ${repo} ${branch} ${ref} ${options.force}`);
  }

  getBranchProtectionRules(repo: string): BranchProtectionRule[] {
    return todo(`getBranchProtectionRules ${repo}`);
  }

  /** Replaces the rule set. Protected branches refuse staging writes, resets and commits (403). */
  setBranchProtectionRules(repo: string, rules: readonly BranchProtectionRule[]): void {
    todo(`setBranchProtectionRules ${repo} ${rules.length}`);
  }

  // ---- tags ---------------------------------------------------------------------------------

  /** 409 `tag already exists: not unique` (force does not overwrite). */
  createTag(repo: string, options: CreateTagOptions): Tag {
    return todo(`createTag ${repo} ${options.id}`);
  }

  /** 404 `tag not found`. */
  getTag(repo: string, id: string): Tag {
    return todo(`getTag ${repo} ${id}`);
  }

  listTags(repo: string, options: ListTagsOptions = {}): Page<Tag> {
    return todo(`listTags ${repo} ${options.prefix}`);
  }

  deleteTag(repo: string, id: string, options: ForceOption = {}): void {
    todo(`deleteTag ${repo} ${id} ${options.force}`);
  }

  // ---- commits and refs ---------------------------------------------------------------------

  /** Seals the staging token and commits it. 400 `commit: no changes` unless `allowEmpty`. */
  commit(repo: string, branch: string, options: CommitOptions): Commit {
    return todo(`commit ${repo} ${branch} ${options.message}`);
  }

  /** The commit a ref expression resolves to. */
  getCommit(repo: string, ref: string): Commit {
    return todo(`getCommit ${repo} ${ref}`);
  }

  /** Commits reachable from `ref`, newest (highest generation) first. */
  logCommits(repo: string, ref: string, options: LogOptions = {}): Page<Commit> {
    return todo(`logCommits ${repo} ${ref} ${options.amount}`);
  }

  /** Parses and resolves a ref expression (`main`, `main@`, `main$`, tag, id, prefix, `~N`, `^N`). */
  resolveRef(repo: string, ref: string): ResolvedRef {
    return todo(`resolveRef ${repo} ${ref}`);
  }

  // ---- diff and merge -----------------------------------------------------------------------

  /** Committed diff; `three_dot` (default) diffs the merge base against `right`, with conflicts. */
  diffRefs(repo: string, left: string, right: string, options: DiffOptions = {}): Page<DiffEntry> {
    return todo(`diffRefs ${repo} ${left} ${right} ${options.type}`);
  }

  /** Uncommitted changes of a branch against its head commit. */
  diffBranch(repo: string, branch: string, options: DiffBranchOptions = {}): Page<DiffEntry> {
    return todo(`diffBranch ${repo} ${branch} ${options.prefix}`);
  }

  /** The best common ancestor of `source` and the destination branch head. */
  findMergeBase(
    repo: string,
    source: string,
    destinationBranch: string,
  ): { baseCommitId: string; sourceCommitId: string; destinationCommitId: string } {
    return todo(`findMergeBase ${repo} ${source} ${destinationBranch}`);
  }

  /** Merges `source` (a ref) into a branch with a new merge commit; conflicts throw `MergeConflictError`. */
  merge(
    repo: string,
    source: string,
    destinationBranch: string,
    options: MergeOptions = {},
  ): Commit {
    return todo(`merge ${repo} ${source} ${destinationBranch} ${options.strategy}`);
  }

  revert(repo: string, branch: string, options: RevertOptions): Commit {
    return todo(`revert ${repo} ${branch} ${options.ref}`);
  }

  cherryPick(repo: string, branch: string, options: CherryPickOptions): Commit {
    return todo(`cherryPick ${repo} ${branch} ${options.ref}`);
  }

  // ---- objects ------------------------------------------------------------------------------

  /** The entry at `path`; a branch name reads through staging. 404 `not found`. */
  getEntry(repo: string, ref: string, path: string): Entry {
    return todo(`getEntry ${repo} ${ref} ${path}`);
  }

  /** Objects and common prefixes in UTF-8 byte order. */
  listEntries(repo: string, ref: string, options: ListEntriesOptions = {}): Page<ListedEntry> {
    return todo(`listEntries ${repo} ${ref} ${options.prefix}`);
  }

  /** Stages a value; `ifNoneMatch` throws `PreconditionFailedError` when the path has one. */
  stageEntry(
    repo: string,
    branch: string,
    path: string,
    entry: Entry,
    options: StageEntryOptions = {},
  ): void {
    todo(`stageEntry ${repo} ${branch} ${path} ${entry.address} ${options.force}`);
  }

  /** Deletes a path (silently succeeds when it does not exist). */
  deleteEntry(repo: string, branch: string, path: string, options: ForceOption = {}): void {
    todo(`deleteEntry ${repo} ${branch} ${path} ${options.force}`);
  }

  /** Batch delete (≤ 1000 paths); per-path failures are returned, not thrown. */
  deleteEntries(
    repo: string,
    branch: string,
    paths: readonly string[],
    options: ForceOption = {},
  ): DeleteEntryResult[] {
    return todo(`deleteEntries ${repo} ${branch} ${paths.length} ${options.force}`);
  }

  /** Replaces the user metadata of an existing object on a branch. */
  updateUserMetadata(
    repo: string,
    branch: string,
    path: string,
    metadata: Readonly<Record<string, string>>,
  ): void {
    todo(`updateUserMetadata ${repo} ${branch} ${path} ${Object.keys(metadata)}`);
  }

  // ---- import -------------------------------------------------------------------------------

  /** Starts a background import; returns its id. Each destination prefix is replaced. */
  startImport(repo: string, branch: string, options: ImportOptions, walker?: ImportWalker): string {
    return todo(`startImport ${repo} ${branch} ${options.sources.length} ${walker}`);
  }

  importStatus(repo: string, branch: string, id: string): ImportStatus {
    return todo(`importStatus ${repo} ${branch} ${id}`);
  }

  /** 409 `conflict found` when already completed. */
  cancelImport(repo: string, branch: string, id: string): void {
    todo(`cancelImport ${repo} ${branch} ${id}`);
  }
}

/** Opens (creating if needed) `<dataDir>/metadata.db` and an engine over it. */
export function openEngine(dataDir: string, deps: Omit<EngineDeps, "db">): Engine {
  return todo(`openEngine ${dataDir} ${deps}`);
}

export type { PageOptions };
