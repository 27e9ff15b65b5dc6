/**
 * Commit (seal the staging token, build the tree on the tree worker, move the head through
 * `updateBranch`) and the commit log
 * (history order, paging, `since`/`stopAt`/`limit`, object and prefix filters).
 */

import { sameIdentity } from "../core/entry.js";
import { badRequest, forbidden, notFound, renameNotFound } from "../core/errors.js";
import { history } from "./ancestry.js";
import { updateBranch } from "./branch-update.js";
import { makeCommit } from "./commit-id.js";
import { type EngineContext, newToken, tokensOf, writable } from "./context.js";
import { isProtected } from "./protection.js";
import { hasChanges } from "./staging.js";
import type { BranchRow, RepositoryRow } from "./store.js";
import type { Commit, CommitOptions, LogOptions, Page } from "./types.js";
import { pageSize } from "./validate.js";

/** Seals the staging token and commits it. 400 `commit: no changes` unless `allowEmpty`. */
export async function commit(
  ctx: EngineContext,
  repo: string,
  branch: string,
  options: CommitOptions,
): Promise<Commit> {
  const r = ctx.repo(repo);
  ctx.branch(repo, branch);
  writable(r, options.force);
  if (isProtected(ctx.rules(repo), branch, "commit")) {
    throw forbidden("cannot commit to protected branch");
  }
  const tree = ctx.tree(r);
  // Checked before sealing: a bad value must not reach the stored commit (found by fuzzing).
  if (options.date !== undefined && !Number.isSafeInteger(options.date)) {
    throw badRequest("date: must be a whole number of seconds");
  }
  if (options.sourceMetarange !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(options.sourceMetarange)) {
      throw badRequest("source_metarange: invalid metarange id");
    }
    try {
      tree.get(options.sourceMetarange, "");
    } catch {
      throw notFound(`metarange ${options.sourceMetarange} not found`);
    }
  }
  await seal(ctx, repo, branch, (b) => {
    if (
      options.sourceMetarange !== undefined &&
      hasChanges(ctx.store, tree, ctx.commit(repo, b.commitId).metarangeId, tokensOf(b))
    ) {
      throw badRequest("cannot use source MetaRange on a branch with uncommitted changes");
    }
  });
  const treeDir = ctx.treeDir(r);
  return updateBranch(ctx, repo, branch, async (b) => {
    const head = ctx.commit(repo, b.commitId);
    let metarangeId: string;
    let changed: boolean;
    if (options.sourceMetarange !== undefined) {
      metarangeId = options.sourceMetarange;
      changed = metarangeId !== head.metarangeId;
    } else {
      const res = await ctx.treeJobs.run({
        kind: "apply-tokens",
        treeDir,
        base: head.metarangeId,
        tokens: b.sealedTokens,
      });
      metarangeId = res.metarangeId;
      changed = res.added + res.removed + res.changed > 0;
    }
    if (!changed && !options.allowEmpty) throw badRequest("commit: no changes");
    const commit = makeCommit(
      {
        committer: options.committer ?? "",
        message: options.message,
        metarangeId,
        creationDate: options.date ?? ctx.now(),
        metadata: { ...options.metadata },
        parents: [head.id],
      },
      [head.generation],
    );
    return {
      next: { ...b, commitId: commit.id, sealedTokens: [] },
      commit,
      dropTokens: b.sealedTokens,
      result: commit,
    };
  });
}

/** Commits reachable from `ref`, newest (highest generation) first. */
export function logCommits(
  ctx: EngineContext,
  repo: string,
  ref: string,
  options: LogOptions = {},
): Page<Commit> {
  const r = ctx.repo(repo);
  // lakeFS names which argument failed to resolve: `ref: not found`, `stop_at: not found`.
  const head = renameNotFound(
    () => ctx.commitOf(repo, ref),
    (m) => `ref: ${m}`,
  );
  const stopAt = options.stopAt
    ? renameNotFound(
        () => ctx.commitOf(repo, options.stopAt!).id,
        (m) => `stop_at: ${m}`,
      )
    : undefined;
  const touches = pathFilter(ctx, r, options);
  const limit = pageSize(options.amount);
  const results: Commit[] = [];
  let skipping = Boolean(options.after);
  let more = false;
  const load = (id: string) => ctx.commit(repo, id);
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

/** Moves the current staging token to the front of the sealed list (after `check`). */
async function seal(
  ctx: EngineContext,
  repo: string,
  branch: string,
  check: (b: BranchRow) => void,
): Promise<void> {
  await updateBranch(ctx, repo, branch, (b) => ({
    check: () => check(b),
    next: ctx.store.hasStaged(b.stagingToken)
      ? {
          ...b,
          stagingToken: newToken(repo, branch),
          sealedTokens: [b.stagingToken, ...b.sealedTokens],
        }
      : b,
    result: undefined,
  }));
}

/** A log filter: commits that changed one of `objects` or something under `prefixes`. */
function pathFilter(
  ctx: EngineContext,
  r: RepositoryRow,
  options: LogOptions,
): (c: Commit) => boolean {
  const objects = options.objects ?? [];
  const prefixes = options.prefixes ?? [];
  if (objects.length === 0 && prefixes.length === 0) return () => true;
  const tree = ctx.tree(r);
  return (c) => {
    const parent = c.parents[0];
    const before = parent === undefined ? "" : ctx.commit(r.id, parent).metarangeId;
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
