/**
 * The versioning engine facade (graveler equivalent): repositories, branches, tags, commits, ref
 * expressions, staging, log, diff, merge/revert/cherry-pick, reset, protection and import.
 * Everything is synchronous except import (which walks object sources). Errors are `EngineError`s
 * carrying lakeFS's kind and message; merge conflicts are `MergeConflictError`, `If-None-Match`
 * failures `PreconditionFailedError`.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { history, mergeBase } from "./ancestry.js";
import { makeCommit } from "./commits.js";
import { mergePreview, streamDiff, toDiffPage, treeDiff } from "./diff.js";
import {
  badRequest,
  conflict,
  EngineError,
  forbidden,
  MergeConflictError,
  notFound,
  PreconditionFailedError,
  STATUS_OF_KIND,
} from "./errors.js";
import { Imports } from "./import.js";
import { type Change, compareKeys, type Entry, sameIdentity } from "./model.js";
import { pageByKey } from "./paging.js";
import { isProtected, validateRules } from "./protection.js";
import { loadCommit, resolveRef } from "./refs.js";
import {
  effectiveChanges,
  hasChanges,
  lookupStaged,
  mergeByKey,
  overlayEntries,
  stagedChanges,
} from "./staging.js";
import {
  type BranchRow,
  openDatabase,
  type RepositoryRow,
  Store,
  tooManyAttempts,
} from "./store.js";
import { createTreeStore, type TreeStoreOptions } from "./tree/index.js";
import type { MergeStrategy, TreeStore } from "./tree/types.js";
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
import {
  pageSize,
  validateBranchId,
  validatePath,
  validateRef,
  validateRepositoryId,
  validateTagId,
} from "./validate.js";

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

const MAX_DELETE_PATHS = 1000;
const COMMIT_ATTEMPTS = 10;
const MERGE_STRATEGY_KEY = ".lakefs.merge.strategy";
const DUMMY_CONTENT = "this is dummy data - created by lakeFS to check accessibility";

const dirtyBranch = () => badRequest("uncommitted changes (dirty branch)");
const lostRace = () => conflict();

export class Engine {
  private readonly store: Store;
  private readonly trees = new Map<string, TreeStore>();
  private readonly imports: Imports;

  constructor(readonly deps: EngineDeps) {
    this.store = new Store(deps.db);
    this.imports = new Imports(this.store, () => this.now());
  }

  /** Cancels running imports and closes the database connection. */
  close(): void {
    this.imports.cancelAll();
    this.deps.db.close();
  }

  // ---- repositories -------------------------------------------------------------------------

  /**
   * Creates a repository with its initial commit ("Repository created") and default branch,
   * writing `_lakefs/dummy` into the namespace. 409 `error creating repository: not unique`;
   * 400 `storage namespace already in use`.
   */
  createRepository(options: CreateRepositoryOptions): Repository {
    validateRepositoryId(options.id, "name");
    const defaultBranch = options.defaultBranch || "main";
    validateBranchId(defaultBranch, "default_branch");
    if (!options.storageNamespace) {
      throw badRequest("argument storage_namespace: required value: validation error");
    }
    if (this.store.getRepository(options.id)) {
      throw conflict("error creating repository: not unique");
    }
    const dir = this.deps.namespaceDir(options.storageNamespace);
    if (!options.bare && !options.readOnly) claimNamespace(dir);
    const row: RepositoryRow = {
      id: options.id,
      storageNamespace: options.storageNamespace,
      defaultBranch,
      creationDate: this.now(),
      readOnly: options.readOnly ?? false,
    };
    this.store.transaction(() => {
      if (!options.bare) {
        const initial = makeCommit(
          {
            committer: "",
            message: "Repository created",
            metarangeId: "",
            creationDate: row.creationDate,
            metadata: {},
            parents: [],
          },
          [],
        );
        this.store.insertCommit(row.id, initial);
        this.store.insertBranch(row.id, {
          id: defaultBranch,
          commitId: initial.id,
          stagingToken: newToken(row.id, defaultBranch),
          sealedTokens: [],
          hidden: false,
        });
      }
      this.store.insertRepository(row);
    });
    return row;
  }

  /** 404 `repository not found`. */
  getRepository(id: string): Repository {
    return this.repo(id);
  }

  listRepositories(options: ListRepositoriesOptions = {}): Page<Repository> {
    const limit = pageSize(options.amount);
    const range = { prefix: options.prefix ?? "", after: options.after ?? "", limit: limit + 1 };
    const rows = options.search
      ? this.store
          .listRepositories({ ...range, limit: Number.MAX_SAFE_INTEGER })
          .filter((r) => r.id.includes(options.search!))
          .slice(0, limit + 1)
      : this.store.listRepositories(range);
    return pageOf(rows, limit, (r) => r.id);
  }

  /** Deletes the metadata only; object data and trees stay in the namespace. */
  deleteRepository(id: string, options: ForceOption = {}): void {
    const r = this.repo(id);
    writable(r, options.force);
    this.imports.cancelRepository(id);
    this.store.transaction(() => this.store.deleteRepository(id));
  }

  getRepositoryMetadata(id: string): Record<string, string> {
    this.repo(id);
    return this.store.getRepoMetadata(id);
  }

  /** Adds or overwrites the given keys. */
  setRepositoryMetadata(id: string, set: Readonly<Record<string, string>>): void {
    this.repo(id);
    this.store.transaction(() => {
      for (const [k, v] of Object.entries(set)) {
        if (!k) throw badRequest("argument metadata: required value: validation error");
        this.store.setRepoMetadata(id, k, String(v));
      }
    });
  }

  deleteRepositoryMetadata(id: string, keys: readonly string[]): void {
    this.repo(id);
    this.store.transaction(() => {
      for (const k of keys) this.store.deleteRepoMetadata(id, k);
    });
  }

  setReadOnly(id: string, readOnly: boolean): void {
    this.repo(id);
    this.store.setReadOnly(id, readOnly);
  }

  // ---- branches -----------------------------------------------------------------------------

  /** Creates a branch at the commit `source` resolves to; returns that commit id. */
  createBranch(repo: string, options: CreateBranchOptions): string {
    const r = this.repo(repo);
    validateBranchId(options.name, "name");
    validateRef(options.source, "source");
    writable(r, options.force);
    return this.store.transaction(() => {
      if (this.store.getBranch(repo, options.name)) {
        throw conflict("branch already exists: not unique");
      }
      if (this.store.getTag(repo, options.name) || this.store.getCommit(repo, options.name)) {
        throw conflict();
      }
      const target = this.commitOf(repo, options.source);
      this.store.insertBranch(repo, {
        id: options.name,
        commitId: target.id,
        stagingToken: newToken(repo, options.name),
        sealedTokens: [],
        hidden: options.hidden ?? false,
      });
      return target.id;
    });
  }

  /** 404 `branch not found`. */
  getBranch(repo: string, id: string): Branch {
    this.repo(repo);
    return toBranch(this.branch(repo, id));
  }

  listBranches(repo: string, options: ListBranchesOptions = {}): Page<Branch> {
    this.repo(repo);
    const limit = pageSize(options.amount);
    const rows = this.store.listBranches(
      repo,
      { prefix: options.prefix ?? "", after: options.after ?? "", limit: limit + 1 },
      options.showHidden ?? false,
    );
    return pageOf(rows.map(toBranch), limit, (b) => b.id);
  }

  /** 403 `cannot delete repository default branch`. */
  deleteBranch(repo: string, id: string, options: ForceOption = {}): void {
    const r = this.repo(repo);
    const b = this.branch(repo, id);
    if (id === r.defaultBranch) throw forbidden("cannot delete repository default branch");
    this.guardWrite(r, id, options.force);
    this.store.transaction(() => {
      this.store.deleteBranch(repo, id);
      this.store.deleteTokens([b.stagingToken, ...b.sealedTokens]);
    });
  }

  /** Discards uncommitted changes: all, one object, or under a raw string prefix. */
  resetBranch(repo: string, branch: string, options: ResetOptions): void {
    const r = this.repo(repo);
    this.branch(repo, branch);
    this.guardWrite(r, branch, options.force);
    const tree = this.tree(r);
    this.store.transaction(() => {
      const b = this.branch(repo, branch);
      const tokens = tokensOf(b);
      const metarangeId = this.commit_(repo, b.commitId).metarangeId;
      switch (options.type) {
        case "reset": {
          const next = { ...b, stagingToken: newToken(repo, branch), sealedTokens: [] };
          if (!this.store.updateBranch(repo, b, next)) throw lostRace();
          this.store.deleteTokens(tokens);
          return;
        }
        case "object": {
          const path = options.path ?? "";
          validatePath(path);
          if (lookupStaged(this.store, tokens, path) === undefined) return;
          this.store.putStaged(b.stagingToken, path, tree.get(metarangeId, path) ?? null);
          return;
        }
        case "common_prefix": {
          // Shadow every staged key under the prefix with its committed value (or a tombstone)
          // in the current token: reads then see the committed state, as after a reset.
          const prefix = options.path ?? "";
          for (const c of stagedChanges(this.store, tokens, prefix)) {
            if (!c.key.startsWith(prefix)) break;
            this.store.putStaged(b.stagingToken, c.key, tree.get(metarangeId, c.key) ?? null);
          }
          return;
        }
        default:
          throw badRequest("argument type: invalid value: validation error");
      }
    });
  }

  /**
   * Moves the branch head to the commit `ref` resolves to. Refuses (400 dirty) only when sealed
   * tokens hold changes; changes in the current staging token stay on top of the new head.
   */
  hardResetBranch(repo: string, branch: string, ref: string, options: ForceOption = {}): void {
    const r = this.repo(repo);
    validateRef(ref);
    this.branch(repo, branch);
    this.guardWrite(r, branch, options.force);
    const tree = this.tree(r);
    this.store.transaction(() => {
      const b = this.branch(repo, branch);
      const target = this.commitOf(repo, ref);
      const head = this.commit_(repo, b.commitId);
      if (hasChanges(this.store, tree, head.metarangeId, b.sealedTokens)) throw dirtyBranch();
      // Every token stays: their values (even identity-equal ones) now layer on the new head.
      if (!this.store.updateBranch(repo, b, { ...b, commitId: target.id })) throw lostRace();
    });
  }

  getBranchProtectionRules(repo: string): BranchProtectionRule[] {
    this.repo(repo);
    return this.rules(repo);
  }

  /** Replaces the rule set. Protected branches refuse staging writes, resets and commits (403). */
  setBranchProtectionRules(repo: string, rules: readonly BranchProtectionRule[]): void {
    this.repo(repo);
    this.store.setSetting(repo, PROTECTION_KEY, JSON.stringify(validateRules(rules)));
  }

  // ---- tags ---------------------------------------------------------------------------------

  /** 409 `tag already exists: not unique` (force does not overwrite). */
  createTag(repo: string, options: CreateTagOptions): Tag {
    const r = this.repo(repo);
    validateTagId(options.id, "id");
    validateRef(options.ref);
    writable(r, options.force);
    return this.store.transaction(() => {
      if (this.store.getTag(repo, options.id)) throw conflict("tag already exists: not unique");
      if (this.store.getBranch(repo, options.id) || this.store.getCommit(repo, options.id)) {
        throw conflict();
      }
      const target = this.commitOf(repo, options.ref);
      this.store.insertTag(repo, options.id, target.id);
      return { id: options.id, commitId: target.id };
    });
  }

  /** 404 `tag not found`. */
  getTag(repo: string, id: string): Tag {
    this.repo(repo);
    validateTagId(id);
    const commitId = this.store.getTag(repo, id);
    if (commitId === undefined) throw notFound("tag not found");
    return { id, commitId };
  }

  listTags(repo: string, options: ListTagsOptions = {}): Page<Tag> {
    this.repo(repo);
    const limit = pageSize(options.amount);
    const rows = this.store.listTags(repo, {
      prefix: options.prefix ?? "",
      after: options.after ?? "",
      limit: limit + 1,
    });
    return pageOf(rows, limit, (t) => t.id);
  }

  deleteTag(repo: string, id: string, options: ForceOption = {}): void {
    const r = this.repo(repo);
    this.getTag(repo, id);
    writable(r, options.force);
    this.store.deleteTag(repo, id);
  }

  // ---- commits and refs ---------------------------------------------------------------------

  /** Seals the staging token and commits it. 400 `commit: no changes` unless `allowEmpty`. */
  commit(repo: string, branch: string, options: CommitOptions): Commit {
    const r = this.repo(repo);
    this.branch(repo, branch);
    writable(r, options.force);
    if (isProtected(this.rules(repo), branch)) {
      throw forbidden("cannot commit to protected branch");
    }
    const tree = this.tree(r);
    this.seal(repo, branch, (b) => {
      if (
        options.sourceMetarange !== undefined &&
        hasChanges(this.store, tree, this.commit_(repo, b.commitId).metarangeId, tokensOf(b))
      ) {
        throw badRequest("cannot use source MetaRange on a branch with uncommitted changes");
      }
    });
    for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
      const b = this.branch(repo, branch);
      const head = this.commit_(repo, b.commitId);
      let metarangeId: string;
      let changed: boolean;
      if (options.sourceMetarange !== undefined) {
        metarangeId = options.sourceMetarange;
        changed = metarangeId !== head.metarangeId;
      } else {
        const res = tree.apply(head.metarangeId, stagedChanges(this.store, b.sealedTokens));
        metarangeId = res.metarangeId;
        changed = res.added + res.removed + res.changed > 0;
      }
      if (!changed && !options.allowEmpty) throw badRequest("commit: no changes");
      const commit = makeCommit(
        {
          committer: options.committer ?? "",
          message: options.message,
          metarangeId,
          creationDate: options.date ?? this.now(),
          metadata: { ...options.metadata },
          parents: [head.id],
        },
        [head.generation],
      );
      const swapped = this.store.transaction(() => {
        if (!this.store.updateBranch(repo, b, { ...b, commitId: commit.id, sealedTokens: [] })) {
          return false;
        }
        this.store.insertCommit(repo, commit);
        this.store.deleteTokens(b.sealedTokens);
        return true;
      });
      if (swapped) return commit;
    }
    throw tooManyAttempts();
  }

  /** The commit a ref expression resolves to. */
  getCommit(repo: string, ref: string): Commit {
    this.repo(repo);
    return this.commitOf(repo, ref);
  }

  /** Commits reachable from `ref`, newest (highest generation) first. */
  logCommits(repo: string, ref: string, options: LogOptions = {}): Page<Commit> {
    const r = this.repo(repo);
    const head = this.commitOf(repo, ref);
    const stopAt = options.stopAt ? this.commitOf(repo, options.stopAt).id : undefined;
    const touches = this.pathFilter(r, options);
    const limit = pageSize(options.amount);
    const results: Commit[] = [];
    let skipping = Boolean(options.after);
    let more = false;
    const load = (id: string) => this.commit_(repo, id);
    for (const c of history(load, head.id, options.firstParent ?? false)) {
      if (options.since !== undefined && c.creationDate < options.since) break;
      if (skipping) {
        if (c.id === options.after) skipping = false;
      } else if (touches(c)) {
        if (results.length === limit) {
          more = true;
          break;
        }
        results.push(c);
        if (options.limit && results.length === limit) break;
      }
      if (c.id === stopAt) break;
    }
    return { results, hasMore: more, nextOffset: more ? results[results.length - 1]!.id : "" };
  }

  /** Parses and resolves a ref expression (`main`, `main@`, `main$`, tag, id, prefix, `~N`, `^N`). */
  resolveRef(repo: string, ref: string): ResolvedRef {
    this.repo(repo);
    return resolveRef(this.store, repo, ref);
  }

  // ---- diff and merge -----------------------------------------------------------------------

  /** Committed diff; `three_dot` (default) diffs the merge base against `right`, with conflicts. */
  diffRefs(repo: string, left: string, right: string, options: DiffOptions = {}): Page<DiffEntry> {
    const r = this.repo(repo);
    const tree = this.tree(r);
    const type = options.type ?? "three_dot";
    const leftCommit = this.commitOf(repo, left);
    if (type === "two_dot") {
      const rightRef = resolveRef(this.store, repo, right);
      const rightCommit = this.commit_(repo, rightRef.commitId);
      if (rightRef.staging) {
        const tokens = tokensOf(this.branch(repo, rightRef.branch!));
        return toDiffPage(
          (from) =>
            streamDiff(
              treeView(tree, leftCommit.metarangeId, from),
              overlayEntries(
                tree.entries(rightCommit.metarangeId, from),
                stagedChanges(this.store, tokens, from),
              ),
            ),
          options,
        );
      }
      return toDiffPage(
        (from) => treeDiff(tree, leftCommit.metarangeId, rightCommit.metarangeId, from),
        options,
      );
    }
    if (type !== "three_dot") throw badRequest("argument type: invalid value: validation error");
    const rightCommit = this.commitOf(repo, right);
    const base = this.mergeBaseOf(repo, leftCommit.id, rightCommit.id);
    return toDiffPage(
      (from) =>
        mergePreview(tree, base.metarangeId, rightCommit.metarangeId, leftCommit.metarangeId, from),
      options,
    );
  }

  /** Uncommitted changes of a branch against its head commit. */
  diffBranch(repo: string, branch: string, options: DiffBranchOptions = {}): Page<DiffEntry> {
    const r = this.repo(repo);
    const b = this.branch(repo, branch);
    const tree = this.tree(r);
    const metarangeId = this.commit_(repo, b.commitId).metarangeId;
    const tokens = tokensOf(b);
    const store = this.store;
    return toDiffPage(function* (from) {
      for (const c of effectiveChanges(tree, metarangeId, stagedChanges(store, tokens, from))) {
        const type = c.left === undefined ? "added" : c.right === null ? "removed" : "changed";
        yield { key: c.key, type, left: c.left, right: c.right ?? undefined } as const;
      }
    }, options);
  }

  /** The best common ancestor of `source` and the destination branch head. */
  findMergeBase(
    repo: string,
    source: string,
    destinationBranch: string,
  ): { baseCommitId: string; sourceCommitId: string; destinationCommitId: string } {
    this.repo(repo);
    const dest = this.branch(repo, destinationBranch);
    const src = this.commitOf(repo, source);
    const base = this.mergeBaseOf(repo, dest.commitId, src.id);
    return { baseCommitId: base.id, sourceCommitId: src.id, destinationCommitId: dest.commitId };
  }

  /** Merges `source` (a ref) into a branch with a new merge commit; conflicts throw `MergeConflictError`. */
  merge(
    repo: string,
    source: string,
    destinationBranch: string,
    options: MergeOptions = {},
  ): Commit {
    const r = this.repo(repo);
    const strategy = parseStrategy(options.strategy);
    validateRef(source, "sourceRef");
    this.branch(repo, destinationBranch);
    writable(r, options.force);
    const tree = this.tree(r);
    return this.updateClean(r, destinationBranch, (head) => {
      const src = this.commitOf(repo, source);
      const base = this.mergeBaseOf(repo, head.id, src.id);
      if (base.metarangeId === src.metarangeId && !options.allowEmpty && !options.force) {
        throw badRequest(`update branch ${destinationBranch}: no changes`);
      }
      const metarangeId =
        base.metarangeId === head.metarangeId
          ? src.metarangeId
          : mergedTree(tree, base.metarangeId, src.metarangeId, head.metarangeId, strategy);
      const parents = options.squashMerge ? [head.id] : [head.id, src.id];
      return makeCommit(
        {
          committer: options.committer ?? "",
          message: options.message || `Merge '${source}' into '${destinationBranch}'`,
          metarangeId,
          creationDate: this.now(),
          metadata: {
            ...options.metadata,
            [MERGE_STRATEGY_KEY]: strategy === "none" ? "default" : strategy,
          },
          parents,
        },
        [head.generation, src.generation],
      );
    });
  }

  /** Commits the inverse of `ref`'s changes (relative to one parent) onto the branch. */
  revert(repo: string, branch: string, options: RevertOptions): Commit {
    const r = this.repo(repo);
    validateRef(options.ref);
    this.branch(repo, branch);
    writable(r, options.force);
    const tree = this.tree(r);
    return this.updateClean(r, branch, (head) => {
      const target = this.commitOf(repo, options.ref);
      if (target.parents.length > 1 && !options.parentNumber) {
        throw conflict("must specify 1-based parent number for reverting merge commit");
      }
      const parentTree = this.parentTree(repo, target, options.parentNumber);
      const metarangeId = mergedTree(
        tree,
        target.metarangeId,
        parentTree,
        head.metarangeId,
        "none",
      );
      if (metarangeId === head.metarangeId && !options.allowEmpty) {
        throw badRequest("no changes");
      }
      return makeCommit(
        {
          committer: options.committer ?? "",
          message: options.commitOverrides?.message || `Revert ${options.ref}`,
          metarangeId,
          creationDate: this.now(),
          metadata: { ...options.commitOverrides?.metadata },
          parents: [head.id],
        },
        [head.generation],
      );
    });
  }

  /** Applies `ref`'s changes (relative to one parent) onto the branch as a new commit. */
  cherryPick(repo: string, branch: string, options: CherryPickOptions): Commit {
    const r = this.repo(repo);
    validateRef(options.ref);
    this.branch(repo, branch);
    writable(r, options.force);
    const tree = this.tree(r);
    return this.updateClean(r, branch, (head) => {
      const picked = this.commitOf(repo, options.ref);
      if (picked.parents.length > 1 && !options.parentNumber) {
        throw badRequest("must specify 1-based parent number for cherry-picking merge commit");
      }
      const parentTree = this.parentTree(repo, picked, options.parentNumber);
      const metarangeId = mergedTree(
        tree,
        parentTree,
        picked.metarangeId,
        head.metarangeId,
        "none",
      );
      return makeCommit(
        {
          committer: options.committer ?? "",
          message: options.commitOverrides?.message ?? picked.message,
          metarangeId,
          creationDate: this.now(),
          metadata: {
            ...(options.commitOverrides?.metadata ?? picked.metadata),
            "cherry-pick-origin": picked.id,
            "cherry-pick-committer": picked.committer,
          },
          parents: [head.id],
        },
        [head.generation],
      );
    });
  }

  // ---- objects ------------------------------------------------------------------------------

  /** The entry at `path`; a branch name reads through staging. 404 `not found`. */
  getEntry(repo: string, ref: string, path: string): Entry {
    const r = this.repo(repo);
    validatePath(path);
    const view = this.view(r, ref);
    const value = view.tokens ? lookupStaged(this.store, view.tokens, path) : undefined;
    const entry = value === undefined ? this.tree(r).get(view.metarangeId, path) : value;
    if (!entry) throw notFound();
    return entry;
  }

  /** Objects and common prefixes in UTF-8 byte order. */
  listEntries(repo: string, ref: string, options: ListEntriesOptions = {}): Page<ListedEntry> {
    const r = this.repo(repo);
    const view = this.view(r, ref);
    const tree = this.tree(r);
    const store = this.store;
    const open = (from: string) =>
      view.tokens
        ? overlayEntries(
            tree.entries(view.metarangeId, from),
            stagedChanges(store, view.tokens, from),
          )
        : treeView(tree, view.metarangeId, from);
    const page = pageByKey(open, (e) => e.key, options);
    return {
      ...page,
      results: page.results.map(
        (g): ListedEntry =>
          "commonPrefix" in g
            ? { path: g.commonPrefix, commonPrefix: true }
            : { path: g.item.key, entry: g.item.value },
      ),
    };
  }

  /** Stages a value; `ifNoneMatch` throws `PreconditionFailedError` when the path has one. */
  stageEntry(
    repo: string,
    branch: string,
    path: string,
    entry: Entry,
    options: StageEntryOptions = {},
  ): void {
    const r = this.repo(repo);
    validatePath(path);
    this.branch(repo, branch);
    this.guardWrite(r, branch, options.force);
    const value = normaliseEntry(entry);
    this.store.transaction(() => {
      const b = this.branch(repo, branch);
      if (options.ifNoneMatch && this.current(r, b, path) !== undefined) {
        throw new PreconditionFailedError();
      }
      this.store.putStaged(b.stagingToken, path, value);
    });
  }

  /** Deletes a path (silently succeeds when it does not exist). */
  deleteEntry(repo: string, branch: string, path: string, options: ForceOption = {}): void {
    const r = this.repo(repo);
    validatePath(path);
    this.branch(repo, branch);
    this.guardWrite(r, branch, options.force);
    this.store.transaction(() => this.deleteOne(r, this.branch(repo, branch), path));
  }

  /** Batch delete (≤ 1000 paths); per-path failures are returned, not thrown. */
  deleteEntries(
    repo: string,
    branch: string,
    paths: readonly string[],
    options: ForceOption = {},
  ): DeleteEntryResult[] {
    if (paths.length > MAX_DELETE_PATHS) {
      throw badRequest(`request size exceeded, max paths is set to ${MAX_DELETE_PATHS}`);
    }
    const r = this.repo(repo);
    this.branch(repo, branch);
    const errors: DeleteEntryResult[] = [];
    this.store.transaction(() => {
      const b = this.branch(repo, branch);
      for (const path of paths) {
        try {
          validatePath(path);
          this.guardWrite(r, branch, options.force);
          this.deleteOne(r, b, path);
        } catch (err) {
          if (!(err instanceof EngineError)) throw err;
          errors.push({ path, statusCode: STATUS_OF_KIND[err.kind], message: err.message });
        }
      }
    });
    return errors;
  }

  /** Replaces the user metadata of an existing object on a branch. */
  updateUserMetadata(
    repo: string,
    branch: string,
    path: string,
    metadata: Readonly<Record<string, string>>,
  ): void {
    const r = this.repo(repo);
    validatePath(path);
    this.branch(repo, branch);
    this.guardWrite(r, branch, false);
    this.store.transaction(() => {
      const b = this.branch(repo, branch);
      const existing = this.current(r, b, path);
      if (!existing) throw notFound();
      this.store.putStaged(b.stagingToken, path, normaliseEntry({ ...existing, metadata }));
    });
  }

  // ---- import -------------------------------------------------------------------------------

  /** Starts a background import; returns its id. Each destination prefix is replaced. */
  startImport(
    repo: string,
    branch: string,
    options: ImportOptions,
    walker: ImportWalker | undefined = this.deps.importSource,
  ): string {
    const r = this.repo(repo);
    const b = this.branch(repo, branch);
    writable(r, options.force);
    if (!walker) throw forbidden("import is not supported for this storage");
    if (options.sources.length === 0) {
      throw badRequest("argument paths: required value: validation error");
    }
    for (const s of options.sources) {
      if (s.type !== "common_prefix" && s.type !== "object") {
        throw badRequest("argument type: invalid value: validation error");
      }
      if (s.type === "object") validatePath(s.destination, "destination");
    }
    const tree = this.tree(r);
    if (hasChanges(this.store, tree, this.commit_(repo, b.commitId).metarangeId, tokensOf(b))) {
      throw dirtyBranch();
    }
    return this.imports.start(repo, branch, options.sources, walker, (token) =>
      this.commitImport(r, branch, token, options),
    );
  }

  importStatus(repo: string, branch: string, id: string): ImportStatus {
    this.repo(repo);
    this.branch(repo, branch);
    return this.imports.status(repo, branch, id);
  }

  /** 409 `conflict found` when already completed. */
  cancelImport(repo: string, branch: string, id: string): void {
    this.repo(repo);
    this.branch(repo, branch);
    this.imports.cancel(repo, branch, id);
  }

  // ---- internals ----------------------------------------------------------------------------

  private now(): number {
    return this.deps.now?.() ?? Math.floor(Date.now() / 1000);
  }

  private repo(id: string): RepositoryRow {
    validateRepositoryId(id);
    const r = this.store.getRepository(id);
    if (!r) throw notFound("repository not found");
    return r;
  }

  private branch(repo: string, id: string): BranchRow {
    validateBranchId(id);
    const b = this.store.getBranch(repo, id);
    if (!b) throw notFound("branch not found");
    return b;
  }

  private commit_(repo: string, id: string): Commit {
    return loadCommit(this.store, repo, id);
  }

  /** The commit a ref resolves to; `branch$` is refused. */
  private commitOf(repo: string, ref: string): Commit {
    const res = resolveRef(this.store, repo, ref);
    if (res.staging) throw badRequest("reference to staging area with $ is not a commit");
    return this.commit_(repo, res.commitId);
  }

  private tree(r: RepositoryRow): TreeStore {
    let t = this.trees.get(r.storageNamespace);
    if (!t) {
      const dir = join(this.deps.namespaceDir(r.storageNamespace), "_lakefs");
      t = createTreeStore(dir, this.deps.treeOptions);
      this.trees.set(r.storageNamespace, t);
    }
    return t;
  }

  private rules(repo: string): BranchProtectionRule[] {
    const raw = this.store.getSetting(repo, PROTECTION_KEY);
    return raw ? (JSON.parse(raw) as BranchProtectionRule[]) : [];
  }

  /** Read-only repository and branch protection checks for staging writes and resets. */
  private guardWrite(r: RepositoryRow, branch: string, force: boolean | undefined): void {
    writable(r, force);
    if (isProtected(this.rules(r.id), branch)) {
      throw forbidden("cannot write to protected branch");
    }
  }

  /** What a ref reads: a tree, plus staging tokens when it reads through a branch's staging. */
  private view(
    r: RepositoryRow,
    ref: string,
  ): { metarangeId: string; tokens?: readonly string[] | undefined } {
    const res = resolveRef(this.store, r.id, ref);
    if (res.readsStaging) {
      const b = this.branch(r.id, res.branch!);
      return { metarangeId: this.commit_(r.id, b.commitId).metarangeId, tokens: tokensOf(b) };
    }
    return { metarangeId: this.commit_(r.id, res.commitId).metarangeId };
  }

  /** The current value of `path` on a branch (staging, then sealed tokens, then head). */
  private current(r: RepositoryRow, b: BranchRow, path: string): Entry | undefined {
    const staged = lookupStaged(this.store, tokensOf(b), path);
    if (staged !== undefined) return staged ?? undefined;
    return this.tree(r).get(this.commit_(r.id, b.commitId).metarangeId, path);
  }

  /** Writes a tombstone only where one is needed to hide a value. */
  private deleteOne(r: RepositoryRow, b: BranchRow, path: string): void {
    const needed =
      this.store.getStaged(b.stagingToken, path) !== undefined ||
      this.tree(r).get(this.commit_(r.id, b.commitId).metarangeId, path) !== undefined ||
      Boolean(lookupStaged(this.store, b.sealedTokens, path));
    if (needed) this.store.putStaged(b.stagingToken, path, null);
  }

  /** Moves the current staging token to the front of the sealed list (after `check`). */
  private seal(repo: string, branch: string, check: (b: BranchRow) => void): void {
    this.store.transaction(() => {
      const b = this.branch(repo, branch);
      check(b);
      if (!this.store.hasStaged(b.stagingToken)) return;
      const next = {
        ...b,
        stagingToken: newToken(repo, branch),
        sealedTokens: [b.stagingToken, ...b.sealedTokens],
      };
      if (!this.store.updateBranch(repo, b, next)) throw lostRace();
    });
  }

  /**
   * Merge-like branch update (merge, revert, cherry-pick): the branch must be clean; `build`
   * computes the new commit from the head; the commit is stored and the head moved atomically.
   */
  private updateClean(r: RepositoryRow, branch: string, build: (head: Commit) => Commit): Commit {
    const tree = this.tree(r);
    return this.store.transaction(() => {
      const b = this.branch(r.id, branch);
      const head = this.commit_(r.id, b.commitId);
      if (hasChanges(this.store, tree, head.metarangeId, tokensOf(b))) throw dirtyBranch();
      const commit = build(head);
      this.store.insertCommit(r.id, commit);
      // The tokens hold no real changes, but identity-equal values or stray tombstones would
      // become changes on top of the new head: start from a fresh token, like lakeFS's seal.
      const next = {
        ...b,
        commitId: commit.id,
        stagingToken: newToken(r.id, branch),
        sealedTokens: [],
      };
      if (!this.store.updateBranch(r.id, b, next)) throw lostRace();
      this.store.deleteTokens(tokensOf(b));
      return commit;
    });
  }

  private mergeBaseOf(repo: string, left: string, right: string): Commit {
    const base = mergeBase((id) => this.commit_(repo, id), left, right);
    if (!base) throw badRequest("no merge base");
    return base;
  }

  /** The tree of `commit`'s parent number `parentNumber` (1-based; 0/absent = first). */
  private parentTree(repo: string, commit: Commit, parentNumber: number | undefined): string {
    const n = parentNumber ?? 0;
    if (!Number.isInteger(n) || n < 0 || (n > 0 && n > commit.parents.length)) {
      throw badRequest(`parent number ${n} out of range`);
    }
    const parent = commit.parents[Math.max(n, 1) - 1];
    return parent === undefined ? "" : this.commit_(repo, parent).metarangeId;
  }

  /** A log filter: commits that changed one of `objects` or something under `prefixes`. */
  private pathFilter(r: RepositoryRow, options: LogOptions): (c: Commit) => boolean {
    const objects = options.objects ?? [];
    const prefixes = options.prefixes ?? [];
    if (objects.length === 0 && prefixes.length === 0) return () => true;
    const tree = this.tree(r);
    return (c) => {
      const parent = c.parents[0];
      const before = parent === undefined ? "" : this.commit_(r.id, parent).metarangeId;
      if (before === c.metarangeId) return false;
      for (const o of objects) {
        const a = tree.get(before, o);
        const b = tree.get(c.metarangeId, o);
        if (a === undefined ? b !== undefined : b === undefined || !sameIdentity(a, b)) {
          return true;
        }
      }
      for (const p of prefixes) {
        for (const d of tree.diff(before, c.metarangeId, p)) {
          if (d.key.startsWith(p)) return true;
          break;
        }
      }
      return false;
    };
  }

  /** Builds the import commit: each destination replaced by the imported entries in `token`. */
  private commitImport(
    r: RepositoryRow,
    branch: string,
    token: string,
    options: ImportOptions,
  ): Commit {
    const tree = this.tree(r);
    const commit = this.updateClean(r, branch, (head) => {
      // Tombstones for everything under the destination prefixes; imported entries win.
      const removed = new Set<string>();
      for (const s of options.sources) {
        if (s.type === "object") continue;
        for (const [key] of tree.entries(head.metarangeId, s.destination)) {
          if (!key.startsWith(s.destination)) break;
          removed.add(key);
        }
      }
      const tombstones = [...removed]
        .sort(compareKeys)
        .map((key): Change => ({ key, value: null }));
      const changes = mergeByKey<Change>([this.store.scanStaged(token), tombstones]);
      const { metarangeId } = tree.apply(head.metarangeId, changes);
      return makeCommit(
        {
          committer: options.committer ?? "",
          message: options.commit.message || "Import objects",
          metarangeId,
          creationDate: this.now(),
          metadata: { ...options.commit.metadata, [MERGE_STRATEGY_KEY]: "source-wins" },
          parents: [head.id],
        },
        [head.generation],
      );
    });
    this.store.setRepoMetadata(r.id, ".lakefs.last.import.timestamp", String(commit.creationDate));
    return commit;
  }
}

const PROTECTION_KEY = "branch_protection";

/** Opens (creating if needed) `<dataDir>/metadata.db` and an engine over it. */
export function openEngine(dataDir: string, deps: Omit<EngineDeps, "db">): Engine {
  return new Engine({ ...deps, db: openDatabase(dataDir) });
}

function writable(r: RepositoryRow, force: boolean | undefined): void {
  if (r.readOnly && !force) throw forbidden("read-only repository");
}

function newToken(repo: string, branch: string): string {
  return `${repo}-${branch}:${randomUUID()}`;
}

function tokensOf(b: BranchRow): string[] {
  return [b.stagingToken, ...b.sealedTokens];
}

function toBranch(b: BranchRow): Branch {
  return { id: b.id, commitId: b.commitId, hidden: b.hidden };
}

/** A page from `limit + 1` rows: the extra row only tells that there is more. */
function pageOf<T>(rows: T[], limit: number, idOf: (row: T) => string): Page<T> {
  const hasMore = rows.length > limit;
  const results = hasMore ? rows.slice(0, limit) : rows;
  return { results, hasMore, nextOffset: hasMore ? idOf(results[results.length - 1]!) : "" };
}

function* treeView(tree: TreeStore, metarangeId: string, from: string) {
  for (const [key, value] of tree.entries(metarangeId, from)) yield { key, value };
}

function parseStrategy(strategy: string | undefined): MergeStrategy {
  if (!strategy) return "none";
  if (strategy === "dest-wins" || strategy === "source-wins") return strategy;
  throw badRequest("argument strategy: invalid value: validation error");
}

function mergedTree(
  tree: TreeStore,
  base: string,
  source: string,
  dest: string,
  strategy: MergeStrategy,
): string {
  const res = tree.merge(base, source, dest, strategy);
  if (res.conflict !== undefined) throw new MergeConflictError(res.conflict);
  return res.metarangeId;
}

/** Keeps exactly the entry fields (no stray properties end up in stored JSON). */
function normaliseEntry(e: Entry): Entry {
  return {
    address: e.address,
    addressType: e.addressType,
    size: e.size,
    etag: e.etag,
    mtime: e.mtime,
    metadata: { ...e.metadata },
    ...(e.contentType ? { contentType: e.contentType } : {}),
  };
}

/** Rejects a namespace already used by a repository, then marks it with `_lakefs/dummy`. */
function claimNamespace(dir: string): void {
  if (existsSync(join(dir, "dummy")) || existsSync(join(dir, "_lakefs", "dummy"))) {
    throw badRequest("storage namespace already in use");
  }
  try {
    mkdirSync(join(dir, "_lakefs"), { recursive: true });
    writeFileSync(join(dir, "_lakefs", "dummy"), DUMMY_CONTENT);
  } catch (err) {
    throw badRequest(`failed to create repository: ${(err as Error).message}`);
  }
}
