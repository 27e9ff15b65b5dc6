/**
 * Merge-like branch updates: merge (strategies, squash), revert and cherry-pick. Each needs a
 * clean branch and lands as one new commit, atomically with moving the head.
 */

import { badRequest, conflict, MergeConflictError } from "../core/errors.js";
import { mergeBase } from "./ancestry.js";
import { makeCommit } from "./commit-id.js";
import {
  dirtyBranch,
  type EngineContext,
  lostRace,
  newToken,
  tokensOf,
  writable,
} from "./context.js";
import { hasChanges } from "./staging.js";
import type { RepositoryRow } from "./store.js";
import type { MergeStrategy, TreeStore } from "./tree/types.js";
import type { CherryPickOptions, Commit, MergeOptions, RevertOptions } from "./types.js";
import { validateRef } from "./validate.js";

export const MERGE_STRATEGY_KEY = ".lakefs.merge.strategy";

/** The best common ancestor of `source` and the destination branch head. */
export function findMergeBase(
  ctx: EngineContext,
  repo: string,
  source: string,
  destinationBranch: string,
): { baseCommitId: string; sourceCommitId: string; destinationCommitId: string } {
  ctx.repo(repo);
  const dest = ctx.branch(repo, destinationBranch);
  const src = ctx.commitOf(repo, source);
  const base = mergeBaseOf(ctx, repo, dest.commitId, src.id);
  return { baseCommitId: base.id, sourceCommitId: src.id, destinationCommitId: dest.commitId };
}

/** Merges `source` (a ref) into a branch with a new merge commit; conflicts throw `MergeConflictError`. */
export function merge(
  ctx: EngineContext,
  repo: string,
  source: string,
  destinationBranch: string,
  options: MergeOptions = {},
): Commit {
  const r = ctx.repo(repo);
  const strategy = parseStrategy(options.strategy);
  validateRef(source, "sourceRef");
  ctx.branch(repo, destinationBranch);
  writable(r, options.force);
  const tree = ctx.tree(r);
  return updateClean(ctx, r, destinationBranch, (head) => {
    const src = ctx.commitOf(repo, source);
    const base = mergeBaseOf(ctx, repo, head.id, src.id);
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
        creationDate: ctx.now(),
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
export function revert(
  ctx: EngineContext,
  repo: string,
  branch: string,
  options: RevertOptions,
): Commit {
  const mergeCommitError = () =>
    conflict("must specify 1-based parent number for reverting merge commit");
  return updateFromCommit(ctx, repo, branch, options, mergeCommitError, (on) => {
    const metarangeId = mergedTree(
      on.tree,
      on.target.metarangeId,
      on.parentTree,
      on.head.metarangeId,
      "none",
    );
    if (metarangeId === on.head.metarangeId && !options.allowEmpty) {
      throw badRequest("no changes");
    }
    return makeCommit(
      {
        committer: options.committer ?? "",
        message: options.commitOverrides?.message || `Revert ${options.ref}`,
        metarangeId,
        creationDate: ctx.now(),
        metadata: { ...options.commitOverrides?.metadata },
        parents: [on.head.id],
      },
      [on.head.generation],
    );
  });
}

/** Applies `ref`'s changes (relative to one parent) onto the branch as a new commit. */
export function cherryPick(
  ctx: EngineContext,
  repo: string,
  branch: string,
  options: CherryPickOptions,
): Commit {
  const mergeCommitError = () =>
    badRequest("must specify 1-based parent number for cherry-picking merge commit");
  return updateFromCommit(ctx, repo, branch, options, mergeCommitError, (on) => {
    const picked = on.target;
    const metarangeId = mergedTree(
      on.tree,
      on.parentTree,
      picked.metarangeId,
      on.head.metarangeId,
      "none",
    );
    return makeCommit(
      {
        committer: options.committer ?? "",
        message: options.commitOverrides?.message ?? picked.message,
        metarangeId,
        creationDate: ctx.now(),
        metadata: {
          ...(options.commitOverrides?.metadata ?? picked.metadata),
          "cherry-pick-origin": picked.id,
          "cherry-pick-committer": picked.committer,
        },
        parents: [on.head.id],
      },
      [on.head.generation],
    );
  });
}

/** What revert and cherry-pick build their commit from. */
interface CommitOnHead {
  readonly tree: TreeStore;
  readonly head: Commit;
  /** The reverted or picked commit. */
  readonly target: Commit;
  /** The metarange of `target`'s chosen parent ("" for a root commit). */
  readonly parentTree: string;
}

/**
 * Revert and cherry-pick: resolves `options.ref` on a clean branch (a merge commit needs a
 * parent number, else `mergeCommitError`) and lets `build` compute the new commit.
 */
function updateFromCommit(
  ctx: EngineContext,
  repo: string,
  branch: string,
  options: RevertOptions | CherryPickOptions,
  mergeCommitError: () => Error,
  build: (on: CommitOnHead) => Commit,
): Commit {
  const r = ctx.repo(repo);
  validateRef(options.ref);
  ctx.branch(repo, branch);
  writable(r, options.force);
  const tree = ctx.tree(r);
  return updateClean(ctx, r, branch, (head) => {
    const target = ctx.commitOf(repo, options.ref);
    if (target.parents.length > 1 && !options.parentNumber) throw mergeCommitError();
    const parentTree = parentTreeOf(ctx, repo, target, options.parentNumber);
    return build({ tree, head, target, parentTree });
  });
}

/**
 * Merge-like branch update (merge, revert, cherry-pick): the branch must be clean; `build`
 * computes the new commit from the head; the commit is stored and the head moved atomically.
 */
export function updateClean(
  ctx: EngineContext,
  r: RepositoryRow,
  branch: string,
  build: (head: Commit) => Commit,
): Commit {
  const tree = ctx.tree(r);
  return ctx.store.transaction(() => {
    const b = ctx.branch(r.id, branch);
    const head = ctx.commit(r.id, b.commitId);
    if (hasChanges(ctx.store, tree, head.metarangeId, tokensOf(b))) throw dirtyBranch();
    const commit = build(head);
    ctx.store.insertCommit(r.id, commit);
    // The tokens hold no real changes, but identity-equal values or stray tombstones would
    // become changes on top of the new head: start from a fresh token, like lakeFS's seal.
    const next = {
      ...b,
      commitId: commit.id,
      stagingToken: newToken(r.id, branch),
      sealedTokens: [],
    };
    if (!ctx.store.updateBranch(r.id, b, next)) throw lostRace();
    ctx.store.deleteTokens(tokensOf(b));
    return commit;
  });
}

/** The best common ancestor of two commits; none (unrelated histories) is a 400. */
export function mergeBaseOf(ctx: EngineContext, repo: string, left: string, right: string): Commit {
  const base = mergeBase((id) => ctx.commit(repo, id), left, right);
  if (!base) throw badRequest("no merge base");
  return base;
}

/** The tree of `commit`'s parent number `parentNumber` (1-based; 0/absent = first). */
function parentTreeOf(
  ctx: EngineContext,
  repo: string,
  commit: Commit,
  parentNumber: number | undefined,
): string {
  const n = parentNumber ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > commit.parents.length) {
    throw badRequest(`parent number ${n} out of range`);
  }
  const parent = commit.parents[Math.max(n, 1) - 1];
  return parent === undefined ? "" : ctx.commit(repo, parent).metarangeId;
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
