/**
 * Which commits garbage collection may treat as expired (lakeFS's `GetGarbageCollectionCommits`,
 * used by `prepare_commits`). From every branch head (hidden ones too) and every dangling commit,
 * walk the main ancestry (first parent; last parent for commits of version 0): a commit is active
 * while the commit before it on the walk was made inside the retention window of the branch (its
 * rule, else the default), so the walk keeps the first commit made before the window as well.
 * Where walks meet, the longest window wins. Every other commit of the repository is expired.
 */
import type { EngineContext } from "./context.js";
import { getGcRules } from "./gc-rules.js";
import type { Commit } from "./types.js";

export interface GcCommits {
  /** Commit ids, sorted. */
  readonly expired: readonly string[];
  readonly active: readonly string[];
}

const DAY_SECONDS = 24 * 60 * 60;

function mainParent(c: Commit): string | undefined {
  if (c.parents.length === 0) return undefined;
  return c.version >= 1 ? c.parents[0] : c.parents[c.parents.length - 1];
}

/** 404 `not found` when the repository has no GC rules (lakeFS needs them too). */
export function gcCommits(ctx: EngineContext, repo: string): GcCommits {
  const rules = getGcRules(ctx, repo);
  const retention = new Map(rules.branches.map((b) => [b.branchId, b.retentionDays]));
  const commits = new Map(ctx.store.allCommits(repo).map((c) => [c.id, c]));
  const branches = ctx.store.allBranches(repo);
  const heads = new Set(branches.map((b) => b.commitId));
  const parents = new Set([...commits.values()].map(mainParent));

  // Branch heads first, then commits that nothing continues (dangling), each in id order.
  const starts = [
    ...branches
      .map((b) => ({ branch: b.id, commitId: b.commitId }))
      .sort((a, b) =>
        a.commitId === b.commitId ? cmp(a.branch, b.branch) : cmp(a.commitId, b.commitId),
      ),
    ...[...commits.keys()]
      .filter((id) => !parents.has(id) && !heads.has(id))
      .sort(cmp)
      .map((commitId) => ({ branch: "", commitId })),
  ];

  const now = ctx.now();
  const active = new Set<string>();
  /** The window threshold a commit was last walked with (the earliest one wins). */
  const walked = new Map<string, number>();
  for (const start of starts) {
    const head = commits.get(start.commitId);
    if (!head) continue;
    const days =
      start.branch === ""
        ? rules.defaultRetentionDays
        : (retention.get(start.branch) ?? rules.defaultRetentionDays);
    const threshold = now - days * DAY_SECONDS;
    // A dangling commit is walked as the parent of a hypothetical head made when it was.
    let created = head.creationDate;
    let next: string | undefined = start.commitId;
    if (start.branch !== "") {
      active.add(head.id);
      walked.set(head.id, threshold);
      next = mainParent(head);
    }
    while (next !== undefined) {
      const before = walked.get(next);
      if (before !== undefined && before <= threshold) break;
      if (created > threshold) active.add(next);
      const commit = commits.get(next);
      walked.set(next, threshold);
      if (!commit) break;
      created = commit.creationDate;
      next = mainParent(commit);
    }
  }
  const ids = [...commits.keys()].sort(cmp);
  return {
    expired: ids.filter((id) => !active.has(id)),
    active: ids.filter((id) => active.has(id)),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
