/**
 * Merge-like branch updates: merge (strategies, squash), revert and cherry-pick. Each needs a
 * clean branch and lands as one new commit, atomically with moving the head.
 */

import { badRequest, conflict, MergeConflictError } from "../core/errors.js";
import { mergeBase } from "./ancestry.js";
import { updateBranch } from "./branch-update.js";
import { makeCommit } from "./commit-id.js";
import { dirtyBranch, type EngineContext, newToken, tokensOf, writable } from "./context.js";
import { hasChanges } from "./staging.js";
import type { BranchRow, RepositoryRow } from "./store.js";
import type { MergeStrategy } from "./tree/types.js";
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
export async function merge(
  ctx: EngineContext,
  repo: string,
  source: string,
  destinationBranch: string,
  options: MergeOptions = {},
): Promise<Commit> {
  const r = ctx.repo(repo);
  const strategy = parseStrategy(options.strategy);
  validateRef(source, "sourceRef");
  ctx.branch(repo, destinationBranch);
  writable(r, options.force);
  return updateClean(ctx, r, destinationBranch, async (head) => {
    const src = ctx.commitOf(repo, source);
    const base = mergeBaseOf(ctx, repo, head.id, src.id);
    if (base.metarangeId === src.metarangeId && !options.allowEmpty && !options.force) {
      throw badRequest(`update branch ${destinationBranch}: no changes`);
    }
    const metarangeId =
      base.metarangeId === head.metarangeId
        ? src.metarangeId
        : await mergedTree(ctx, r, base.metarangeId, src.metarangeId, head.metarangeId, strategy);
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
): Promise<Commit> {
  const mergeCommitError = () =>
    conflict("must specify 1-based parent number for reverting merge commit");
  return updateFromCommit(ctx, repo, branch, options, mergeCommitError, async (on) => {
    const metarangeId = await mergedTree(
      ctx,
      on.repository,
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
): Promise<Commit> {
  const mergeCommitError = () =>
    badRequest("must specify 1-based parent number for cherry-picking merge commit");
  return updateFromCommit(ctx, repo, branch, options, mergeCommitError, async (on) => {
    const picked = on.target;
    const metarangeId = await mergedTree(
      ctx,
      on.repository,
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
  readonly repository: RepositoryRow;
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
  build: (on: CommitOnHead) => Promise<Commit>,
): Promise<Commit> {
  const r = ctx.repo(repo);
  validateRef(options.ref);
  ctx.branch(repo, branch);
  writable(r, options.force);
  return updateClean(ctx, r, branch, (head) => {
    const target = ctx.commitOf(repo, options.ref);
    if (target.parents.length > 1 && !options.parentNumber) throw mergeCommitError();
    const parentTree = parentTreeOf(ctx, repo, target, options.parentNumber);
    return build({ repository: r, head, target, parentTree });
  });
}

/**
 * Merge-like branch update (merge, revert, cherry-pick, import): the branch must be clean
 * (checked on the snapshot and again inside the swap, so nothing staged meanwhile is dropped);
 * `build` computes the new commit from the head; `updateBranch` stores it and moves the head.
 */
export function updateClean(
  ctx: EngineContext,
  r: RepositoryRow,
  branch: string,
  build: (head: Commit) => Promise<Commit>,
): Promise<Commit> {
  const tree = ctx.tree(r);
  const requireClean = (b: BranchRow) => {
    const head = ctx.commit(r.id, b.commitId);
    if (hasChanges(ctx.store, tree, head.metarangeId, tokensOf(b))) throw dirtyBranch();
  };
  return updateBranch(ctx, r.id, branch, async (b) => {
    requireClean(b);
    const commit = await build(ctx.commit(r.id, b.commitId));
    return {
      check: () => requireClean(b),
      // The tokens hold no real changes, but identity-equal values or stray tombstones would
      // become changes on top of the new head: start from a fresh token, like lakeFS's seal.
      next: { ...b, commitId: commit.id, stagingToken: newToken(r.id, branch), sealedTokens: [] },
      commit,
      dropTokens: tokensOf(b),
      result: commit,
    };
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

/** The three-way merge on the tree worker; a conflict throws `MergeConflictError`. */
async function mergedTree(
  ctx: EngineContext,
  r: RepositoryRow,
  base: string,
  source: string,
  dest: string,
  strategy: MergeStrategy,
): Promise<string> {
  const res = await ctx.treeJobs.run({
    kind: "merge",
    treeDir: ctx.treeDir(r),
    base,
    source,
    dest,
    strategy,
  });
  if (res.conflict !== undefined) throw new MergeConflictError(res.conflict);
  return res.metarangeId;
}
