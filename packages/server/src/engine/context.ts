/**
 * What every engine operation shares: the store, the per-namespace tree stores, the clock, and
 * the lookups with lakeFS's errors (repository/branch/commit/ref), plus the write guards.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Entry } from "../core/entry.js";
import { badRequest, forbidden, notFound } from "../core/errors.js";
import type { EngineDeps } from "./deps.js";
import type { Imports } from "./import-jobs.js";
import { isProtected, PROTECTION_KEY } from "./protection.js";
import { loadCommit, resolveRef } from "./refs.js";
import { lookupStaged } from "./staging.js";
import type { BranchRow, RepositoryRow, Store } from "./store.js";
import { createTreeStore } from "./tree/index.js";
import type { TreeStore } from "./tree/types.js";
import type { TreeJobRunner } from "./tree-jobs.js";
import type { BranchProtectionRule, Commit, Page } from "./types.js";
import { validateBranchId, validateRepositoryId } from "./validate.js";

export class EngineContext {
  private readonly trees = new Map<string, TreeStore>();

  constructor(
    readonly deps: EngineDeps,
    readonly store: Store,
    readonly imports: Imports,
    /** Long tree work (commit, merge, import trees), off the calling thread. */
    readonly treeJobs: TreeJobRunner,
  ) {}

  /** Unix seconds. */
  now(): number {
    return this.deps.now?.() ?? Math.floor(Date.now() / 1000);
  }

  /** 400 on a malformed id, 404 `repository not found`. */
  repo(id: string): RepositoryRow {
    validateRepositoryId(id);
    const r = this.store.getRepository(id);
    if (!r) throw notFound("repository not found");
    return r;
  }

  /** 400 on a malformed id, 404 `branch not found`. */
  branch(repo: string, id: string): BranchRow {
    validateBranchId(id);
    const b = this.store.getBranch(repo, id);
    if (!b) throw notFound("branch not found");
    return b;
  }

  /** A commit by id; 404 `commit not found`. */
  commit(repo: string, id: string): Commit {
    return loadCommit(this.store, repo, id);
  }

  /** The commit a ref resolves to; `branch$` is refused. */
  commitOf(repo: string, ref: string): Commit {
    const res = resolveRef(this.store, repo, ref);
    if (res.staging) throw badRequest("reference to staging area with $ is not a commit");
    return this.commit(repo, res.commitId);
  }

  /** The directory of the repository's tree files (`<namespace dir>/_lakefs`). */
  treeDir(r: RepositoryRow): string {
    return join(this.deps.namespaceDir(r.storageNamespace), "_lakefs");
  }

  /** The repository's tree store, opened once per namespace. */
  tree(r: RepositoryRow): TreeStore {
    let t = this.trees.get(r.storageNamespace);
    if (!t) {
      t = createTreeStore(this.treeDir(r), this.deps.treeOptions);
      this.trees.set(r.storageNamespace, t);
    }
    return t;
  }

  rules(repo: string): BranchProtectionRule[] {
    const raw = this.store.getSetting(repo, PROTECTION_KEY);
    return raw ? (JSON.parse(raw) as BranchProtectionRule[]) : [];
  }

  /** Read-only repository and branch protection checks for staging writes and resets. */
  guardWrite(r: RepositoryRow, branch: string, force: boolean | undefined): void {
    writable(r, force);
    if (isProtected(this.rules(r.id), branch, "staging_write")) {
      throw forbidden("cannot write to protected branch");
    }
  }

  /** What a ref reads: a tree, plus staging tokens when it reads through a branch's staging. */
  view(r: RepositoryRow, ref: string): { metarangeId: string; tokens?: readonly string[] } {
    const res = resolveRef(this.store, r.id, ref);
    if (res.readsStaging) {
      const b = this.branch(r.id, res.branch!);
      return { metarangeId: this.commit(r.id, b.commitId).metarangeId, tokens: tokensOf(b) };
    }
    return { metarangeId: this.commit(r.id, res.commitId).metarangeId };
  }

  /** The current value of `path` on a branch (staging, then sealed tokens, then head). */
  current(r: RepositoryRow, b: BranchRow, path: string): Entry | undefined {
    const staged = lookupStaged(this.store, tokensOf(b), path);
    if (staged !== undefined) return staged ?? undefined;
    return this.tree(r).get(this.commit(r.id, b.commitId).metarangeId, path);
  }
}

/** 403 `read-only repository` unless forced. */
export function writable(r: RepositoryRow, force: boolean | undefined): void {
  if (r.readOnly && !force) throw forbidden("read-only repository");
}

/** A fresh staging token (`<repo>-<branch>:<uuid>`, lakeFS's format). */
export function newToken(repo: string, branch: string): string {
  return `${repo}-${branch}:${randomUUID()}`;
}

/** A branch's staging tokens, newest first. */
export function tokensOf(b: BranchRow): string[] {
  return [b.stagingToken, ...b.sealedTokens];
}

/** A page from `limit + 1` rows: the extra row only tells that there is more. */
export function pageOf<T>(rows: T[], limit: number, idOf: (row: T) => string): Page<T> {
  const hasMore = rows.length > limit;
  const results = hasMore ? rows.slice(0, limit) : rows;
  return { results, hasMore, nextOffset: hasMore ? idOf(results[results.length - 1]!) : "" };
}

export const dirtyBranch = () => badRequest("uncommitted changes (dirty branch)");
