/**
 * Ref expressions: a base (full commit id, branch, tag, or unique commit-id prefix, in that
 * order) followed by `~N` (N first parents back) and `^N` (N-th parent) modifiers, or a single
 * trailing `@` (committed state only) / `$` (staging) directly on a branch.
 */
import { badRequest, notFound } from "../core/errors.js";
import type { Store } from "./store.js";
import type { Commit, ResolvedRef } from "./types.js";
import { validateRef } from "./validate.js";

interface Modifier {
  readonly op: "~" | "^";
  readonly n: number;
}

export interface ParsedRef {
  readonly base: string;
  readonly modifiers: readonly Modifier[];
  readonly marker?: "@" | "$" | undefined;
}

const FULL_COMMIT_ID = /^[0-9a-f]{64}$/;
const COMMIT_PREFIX = /^[0-9a-f]{1,64}$/;
const invalidRef = () => badRequest("argument ref: reference: invalid value: validation error");

function parseRef(ref: string): ParsedRef {
  validateRef(ref);
  const last = ref[ref.length - 1];
  if (last === "@" || last === "$") {
    const base = ref.slice(0, -1);
    if (!base || /[~^@$]/.test(base)) throw invalidRef();
    return { base, modifiers: [], marker: last };
  }
  const m = /^([^~^]+)((?:[~^]\d*)*)$/.exec(ref);
  if (!m) throw invalidRef();
  const modifiers: Modifier[] = [];
  for (const mod of m[2]!.matchAll(/([~^])(\d*)/g)) {
    const op = mod[1] as "~" | "^";
    modifiers.push({ op, n: mod[2] ? Number(mod[2]) : 1 });
  }
  return { base: m[1]!, modifiers };
}

/** Resolves a ref expression against the repository's branches, tags and commits. */
export function resolveRef(store: Store, repo: string, ref: string): ResolvedRef {
  const parsed = parseRef(ref);
  const base = resolveBase(store, repo, parsed.base);
  if (parsed.marker && base.type !== "branch") throw invalidRef();
  let commitId = base.commitId;
  for (const mod of parsed.modifiers) commitId = applyModifier(store, repo, commitId, mod);
  const onBranch = base.type === "branch" && parsed.modifiers.length === 0;
  return {
    type: parsed.modifiers.length === 0 ? base.type : "commit",
    commitId,
    branch: onBranch ? parsed.base : undefined,
    readsStaging: onBranch && parsed.marker !== "@",
    staging: parsed.marker === "$",
  };
}

function resolveBase(
  store: Store,
  repo: string,
  base: string,
): { type: ResolvedRef["type"]; commitId: string } {
  if (FULL_COMMIT_ID.test(base) && store.getCommit(repo, base)) {
    return { type: "commit", commitId: base };
  }
  const branch = store.getBranch(repo, base);
  if (branch) return { type: "branch", commitId: branch.commitId };
  const tag = store.getTag(repo, base);
  if (tag) return { type: "tag", commitId: tag };
  if (COMMIT_PREFIX.test(base)) {
    const ids = store.commitIdsWithPrefix(repo, base);
    if (ids.length === 1) return { type: "commit", commitId: ids[0]! };
  }
  throw notFound();
}

function applyModifier(store: Store, repo: string, commitId: string, mod: Modifier): string {
  let id = commitId;
  if (mod.op === "^") {
    if (mod.n === 0) return id;
    const parent = loadCommit(store, repo, id).parents[mod.n - 1];
    if (parent === undefined) throw notFound();
    return parent;
  }
  for (let i = 0; i < mod.n; i++) {
    const parent = loadCommit(store, repo, id).parents[0];
    if (parent === undefined) throw notFound();
    id = parent;
  }
  return id;
}

/** A commit by id; 404 `commit not found`. */
export function loadCommit(store: Store, repo: string, id: string): Commit {
  const c = store.getCommit(repo, id);
  if (!c) throw notFound("commit not found");
  return c;
}
