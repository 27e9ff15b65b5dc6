/**
 * Branches: creation at any commit (O(1): one record), listing (hidden ones on request),
 * deletion, resets of uncommitted changes, hard reset of the head, and protection rules.
 */

import { badRequest, conflict, forbidden, renameNotFound } from "../core/errors.js";
import { updateBranch } from "./branch-update.js";
import {
  dirtyBranch,
  type EngineContext,
  newToken,
  pageOf,
  tokensOf,
  writable,
} from "./context.js";
import { PROTECTION_KEY, validateRules } from "./protection.js";
import { hasChanges, lookupStaged, stagedChanges } from "./staging.js";
import type { BranchRow } from "./store.js";
import type {
  Branch,
  BranchProtectionRule,
  CreateBranchOptions,
  ForceOption,
  ListBranchesOptions,
  Page,
  ResetOptions,
} from "./types.js";
import { pageSize, validateBranchId, validatePath, validateRef } from "./validate.js";

/** Creates a branch at the commit `source` resolves to; returns that commit id. */
export function createBranch(
  ctx: EngineContext,
  repo: string,
  options: CreateBranchOptions,
): string {
  const r = ctx.repo(repo);
  validateBranchId(options.name, "name");
  validateRef(options.source, "source");
  writable(r, options.force);
  return ctx.store.transaction(() => {
    // lakeFS resolves the source first and names it in the error.
    const target = renameNotFound(
      () => ctx.commitOf(repo, options.source),
      (m) => `source reference '${options.source}': ${m}`,
    );
    if (ctx.store.getBranch(repo, options.name)) {
      throw conflict("branch already exists: not unique");
    }
    if (ctx.store.getTag(repo, options.name) || ctx.store.getCommit(repo, options.name)) {
      throw conflict();
    }
    ctx.store.insertBranch(repo, {
      id: options.name,
      commitId: target.id,
      stagingToken: newToken(repo, options.name),
      sealedTokens: [],
      hidden: options.hidden ?? false,
    });
    return target.id;
  });
}

export function listBranches(
  ctx: EngineContext,
  repo: string,
  options: ListBranchesOptions = {},
): Page<Branch> {
  ctx.repo(repo);
  const limit = pageSize(options.amount);
  const rows = ctx.store.listBranches(
    repo,
    { prefix: options.prefix ?? "", after: options.after ?? "", limit: limit + 1 },
    options.showHidden ?? false,
  );
  return pageOf(rows.map(toBranch), limit, (b) => b.id);
}

/** 403 `cannot delete repository default branch`. */
export function deleteBranch(
  ctx: EngineContext,
  repo: string,
  id: string,
  options: ForceOption = {},
): void {
  const r = ctx.repo(repo);
  const b = ctx.branch(repo, id);
  if (id === r.defaultBranch) throw forbidden("cannot delete repository default branch");
  ctx.guardWrite(r, id, options.force);
  ctx.store.transaction(() => {
    ctx.store.deleteBranch(repo, id);
    ctx.store.dropTokens([b.stagingToken, ...b.sealedTokens]);
  });
}

/** Discards uncommitted changes: all, one object, or under a raw string prefix. */
export async function resetBranch(
  ctx: EngineContext,
  repo: string,
  branch: string,
  options: ResetOptions,
): Promise<void> {
  const r = ctx.repo(repo);
  ctx.branch(repo, branch);
  ctx.guardWrite(r, branch, options.force);
  const tree = ctx.tree(r);
  if (options.type === "reset") {
    await updateBranch(ctx, repo, branch, (b) => ({
      next: { ...b, stagingToken: newToken(repo, branch), sealedTokens: [] },
      dropTokens: tokensOf(b),
      result: undefined,
    }));
    return;
  }
  // Object and prefix resets only stage values; the branch record does not change.
  ctx.store.transaction(() => {
    const b = ctx.branch(repo, branch);
    const tokens = tokensOf(b);
    const metarangeId = ctx.commit(repo, b.commitId).metarangeId;
    switch (options.type) {
      case "object": {
        const path = options.path ?? "";
        validatePath(path);
        if (lookupStaged(ctx.store, tokens, path) === undefined) return;
        ctx.store.putStaged(b.stagingToken, path, tree.get(metarangeId, path) ?? null);
        return;
      }
      case "common_prefix": {
        // Shadow every staged key under the prefix with its committed value (or a tombstone)
        // in the current token: reads then see the committed state, as after a reset.
        const prefix = options.path ?? "";
        for (const c of stagedChanges(ctx.store, tokens, prefix)) {
          if (!c.key.startsWith(prefix)) break;
          ctx.store.putStaged(b.stagingToken, c.key, tree.get(metarangeId, c.key) ?? null);
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
export async function hardResetBranch(
  ctx: EngineContext,
  repo: string,
  branch: string,
  ref: string,
  options: ForceOption = {},
): Promise<void> {
  const r = ctx.repo(repo);
  validateRef(ref);
  ctx.branch(repo, branch);
  ctx.guardWrite(r, branch, options.force);
  const tree = ctx.tree(r);
  const target = ctx.commitOf(repo, ref);
  const requireCleanSealed = (b: BranchRow) => {
    const head = ctx.commit(repo, b.commitId);
    if (hasChanges(ctx.store, tree, head.metarangeId, b.sealedTokens)) throw dirtyBranch();
  };
  await updateBranch(ctx, repo, branch, (b) => {
    requireCleanSealed(b);
    // Every token stays: their values (even identity-equal ones) now layer on the new head.
    return {
      check: () => requireCleanSealed(b),
      next: { ...b, commitId: target.id },
      result: undefined,
    };
  });
}

export function setBranchProtectionRules(
  ctx: EngineContext,
  repo: string,
  rules: readonly BranchProtectionRule[],
): void {
  ctx.repo(repo);
  ctx.store.setSetting(repo, PROTECTION_KEY, JSON.stringify(validateRules(rules)));
}

export function toBranch(b: BranchRow): Branch {
  return { id: b.id, commitId: b.commitId, hidden: b.hidden };
}
