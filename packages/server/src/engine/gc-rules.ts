/**
 * Garbage-collection retention rules per repository: a default retention in days and per-branch
 * overrides (lakeFS's `GarbageCollectionRules`). Only stored and served: this server never
 * deletes committed data, so the rules are there for external GC tooling and the UI. Kept in the
 * settings table (lakeFS keeps them in the namespace under `_lakefs/retention/gc/rules/`).
 */
import { notFound } from "../core/errors.js";
import type { EngineContext } from "./context.js";

export interface GcRules {
  readonly defaultRetentionDays: number;
  /** One rule per branch, ordered by branch id. */
  readonly branches: readonly { readonly branchId: string; readonly retentionDays: number }[];
}

const GC_RULES_KEY = "gc_rules";

/** 404 `not found` when no rules are set (lakeFS's answer). */
export function getGcRules(ctx: EngineContext, repo: string): GcRules {
  ctx.repo(repo);
  const raw = ctx.store.getSetting(repo, GC_RULES_KEY);
  if (raw === undefined) throw notFound();
  return JSON.parse(raw) as GcRules;
}

/** Replaces the rules; a branch named twice keeps its last rule, as lakeFS's map does. */
export function setGcRules(ctx: EngineContext, repo: string, rules: GcRules): void {
  ctx.repo(repo);
  const byBranch = new Map(rules.branches.map((b) => [b.branchId, b.retentionDays]));
  const stored: GcRules = {
    defaultRetentionDays: rules.defaultRetentionDays,
    branches: [...byBranch.keys()]
      .sort()
      .map((branchId) => ({ branchId, retentionDays: byBranch.get(branchId)! })),
  };
  ctx.store.setSetting(repo, GC_RULES_KEY, JSON.stringify(stored));
}

export function deleteGcRules(ctx: EngineContext, repo: string): void {
  ctx.repo(repo);
  ctx.store.deleteSetting(repo, GC_RULES_KEY);
}
