/**
 * The one way a branch record changes (lakeFS's `BranchUpdate`): commit, merge, revert,
 * cherry-pick, import, reset and hard reset all go through `updateBranch`.
 *
 * Policy: read the branch, compute the update from that snapshot outside any database lock
 * (tree work may take seconds and runs on the tree worker), then in one short transaction
 * re-run the update's own check, compare-and-set the record (head, staging token, sealed
 * tokens must be unchanged) and store the new commit / drop the replaced tokens with it. A lost
 * race recomputes from the new snapshot, at most `BRANCH_UPDATE_ATTEMPTS` times, then fails
 * with 429 `Too many attempts, try again later`. Staging a write does not change the record, so
 * uploads never make a commit retry; updates that must see a clean branch re-check it inside
 * the transaction (`check`), so a write staged during the computation is never dropped.
 *
 * Branch creation is the same compare-and-set with "absent" as the expected state: one
 * transaction that inserts only when no branch, tag or commit has the name (branches.ts).
 */
import type { EngineContext } from "./context.js";
import { type BranchRow, tooManyAttempts } from "./store.js";
import type { Commit } from "./types.js";

export const BRANCH_UPDATE_ATTEMPTS = 10;

export interface BranchUpdate<T> {
  /** The record to store in place of the snapshot. */
  readonly next: BranchRow;
  /** A commit to store with the move (the new head). */
  readonly commit?: Commit | undefined;
  /** Staging tokens whose rows the update discards (deleted in the background). */
  readonly dropTokens?: readonly string[] | undefined;
  /** Runs inside the transaction before the swap; throws to refuse the update. */
  readonly check?: (() => void) | undefined;
  readonly result: T;
}

/** Moves `branch` by `compute(snapshot)` with compare-and-set and bounded retries. */
export async function updateBranch<T>(
  ctx: EngineContext,
  repo: string,
  branch: string,
  compute: (b: BranchRow) => BranchUpdate<T> | Promise<BranchUpdate<T>>,
): Promise<T> {
  for (let attempt = 0; attempt < BRANCH_UPDATE_ATTEMPTS; attempt++) {
    const b = ctx.branch(repo, branch);
    const update = await compute(b);
    // Durable before it resolves; the WAL sync runs off the HTTP thread.
    const swapped = await ctx.store.durableTransaction(() => {
      update.check?.();
      if (!ctx.store.updateBranch(repo, b, update.next)) return false;
      if (update.commit) ctx.store.insertCommit(repo, update.commit);
      if (update.dropTokens?.length) ctx.store.dropTokens(update.dropTokens);
      return true;
    });
    if (swapped) return update.result;
  }
  throw tooManyAttempts();
}
