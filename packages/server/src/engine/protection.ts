/**
 * Branch protection: glob patterns over branch ids. A protected branch refuses staging writes,
 * resets and deletion (`cannot write to protected branch`) and commits (`cannot commit to
 * protected branch`); merges are allowed, since protected branches change through merges.
 */
import { badRequest } from "../core/errors.js";
import type { BranchProtectionRule, ProtectedAction } from "./types.js";

/** `*` matches any run of characters, `?` one character; everything else is literal. */
function globToRegExp(pattern: string): RegExp {
  let re = "^";
  for (const ch of pattern) {
    if (ch === "*") re += ".*";
    else if (ch === "?") re += ".";
    else re += ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(`${re}$`, "s");
}

/** True when a rule matching `branch` blocks `action`. */
export function isProtected(
  rules: readonly BranchProtectionRule[],
  branch: string,
  action: ProtectedAction,
): boolean {
  return rules.some(
    (r) =>
      (r.blockedActions === undefined || r.blockedActions.includes(action)) &&
      globToRegExp(r.pattern).test(branch),
  );
}

/** Validates a rule set (non-empty patterns, no duplicates). */
export function validateRules(rules: readonly BranchProtectionRule[]): BranchProtectionRule[] {
  const seen = new Set<string>();
  for (const r of rules) {
    if (typeof r?.pattern !== "string" || r.pattern === "") {
      throw badRequest("argument pattern: required value: validation error");
    }
    if (seen.has(r.pattern)) throw badRequest(`rule for pattern ${r.pattern} already exists`);
    seen.add(r.pattern);
  }
  return rules.map((r) =>
    r.blockedActions
      ? { pattern: r.pattern, blockedActions: r.blockedActions }
      : { pattern: r.pattern },
  );
}

/** Settings key of the rule set. */
export const PROTECTION_KEY = "branch_protection";
