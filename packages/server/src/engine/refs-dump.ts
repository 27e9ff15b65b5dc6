/**
 * Refs dump and restore (lakeFS's `refs-dump` / `refs-restore`): a repository's commits,
 * branches and tags written as three content-addressed documents next to its trees (our JSON,
 * where lakeFS writes metaranges), and loaded back into a bare repository on the same storage
 * namespace. Also the task form (`POST …/dump`, `POST …/restore`): submitted, run after the
 * request returns, status kept in the settings table.
 */
import { badRequest, conflict, notFound } from "../core/errors.js";
import { commitId } from "./commit-id.js";
import { type EngineContext, newToken, writable } from "./context.js";
import { runTask, taskStatus as storedTaskStatus, type TaskStatus } from "./tasks.js";
import type { Commit } from "./types.js";

/** The ids of the three documents of one dump (lakeFS's `RefsDump`). */
export interface RefsDumpIds {
  readonly commitsId: string;
  readonly branchesId: string;
  readonly tagsId: string;
}

/** A dump or restore task; a done dump task's result is its ids. */
export type RefsTaskStatus = TaskStatus<RefsDumpIds>;

interface RefRecord {
  readonly id: string;
  readonly commitId: string;
}

const FORMAT = {
  commits: "lakefs-ts/commits@1",
  branches: "lakefs-ts/branches@1",
  tags: "lakefs-ts/tags@1",
};
const TASK_KIND = "refs";

/** Writes the repository's commits, branches and tags; returns the documents' ids. */
export function dumpRefs(ctx: EngineContext, repo: string): RefsDumpIds {
  const r = ctx.repo(repo);
  // One consistent snapshot of the three tables, then the (slow) file writes.
  const snapshot = ctx.store.transaction(() => ({
    commits: ctx.store.allCommits(repo),
    branches: ctx.store
      .allBranches(repo)
      .map((b): RefRecord => ({ id: b.id, commitId: b.commitId }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    tags: ctx.store.allTags(repo),
  }));
  const tree = ctx.tree(r);
  const put = (doc: object) => tree.putBlob(Buffer.from(JSON.stringify(doc)));
  return {
    commitsId: put({ format: FORMAT.commits, commits: snapshot.commits }),
    branchesId: put({ format: FORMAT.branches, refs: snapshot.branches }),
    tagsId: put({ format: FORMAT.tags, refs: snapshot.tags }),
  };
}

/**
 * Loads a dump into a bare repository (no default branch yet): 400 `can only restore into a
 * bare repository` otherwise. Every commit is checked against its id, its parents and its
 * metarange; branches and tags must name dumped or existing commits. All or nothing.
 */
export function restoreRefs(
  ctx: EngineContext,
  repo: string,
  ids: RefsDumpIds,
  force: boolean | undefined,
): void {
  const r = checkRestorable(ctx, repo, force);
  const tree = ctx.tree(r);
  const read = (id: string) => {
    const bytes = tree.getBlob(id);
    if (!bytes) throw notFound(`metarange ${id} not found`);
    try {
      return JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
    } catch {
      throw badRequest(`refs dump ${id}: not a refs dump`);
    }
  };
  const commits = documentList(read(ids.commitsId), FORMAT.commits, "commits", isCommit);
  const branches = documentList(read(ids.branchesId), FORMAT.branches, "refs", isRef);
  const tags = documentList(read(ids.tagsId), FORMAT.tags, "refs", isRef);

  const dumped = new Set(commits.map((c) => c.id));
  for (const c of commits) {
    if (commitId(c) !== c.id)
      throw badRequest(`refs dump: commit ${c.id} does not match its content`);
    for (const p of c.parents) {
      if (!dumped.has(p) && !ctx.store.getCommit(repo, p)) {
        throw badRequest(`refs dump: commit ${c.id} has an unknown parent ${p}`);
      }
    }
    if (c.metarangeId !== "" && !tree.rawFile("metarange", c.metarangeId)) {
      throw notFound(`metarange ${c.metarangeId} not found`);
    }
  }
  const known = (id: string) => dumped.has(id) || ctx.store.getCommit(repo, id) !== undefined;
  for (const ref of [...branches, ...tags]) {
    if (!known(ref.commitId)) throw badRequest(`refs dump: ${ref.id} points to an unknown commit`);
  }

  ctx.store.transaction(() => {
    checkRestorable(ctx, repo, force);
    for (const c of commits) ctx.store.insertCommit(repo, c);
    for (const b of branches) {
      if (ctx.store.getBranch(repo, b.id)) throw conflict("branch already exists: not unique");
      ctx.store.insertBranch(repo, {
        id: b.id,
        commitId: b.commitId,
        stagingToken: newToken(repo, b.id),
        sealedTokens: [],
        hidden: false,
      });
    }
    for (const t of tags) {
      if (ctx.store.getTag(repo, t.id) !== undefined)
        throw conflict("tag already exists: not unique");
      ctx.store.insertTag(repo, t.id, t.commitId);
    }
  });
}

/** Starts a dump task; returns its id. */
export function submitDump(ctx: EngineContext, repo: string): string {
  ctx.repo(repo);
  return runTask(ctx, repo, TASK_KIND, () => dumpRefs(ctx, repo));
}

/** Starts a restore task after the checks lakeFS makes at once (repository, bare). */
export function submitRestore(
  ctx: EngineContext,
  repo: string,
  ids: RefsDumpIds,
  force: boolean | undefined,
): string {
  checkRestorable(ctx, repo, force);
  return runTask(ctx, repo, TASK_KIND, (): RefsDumpIds | undefined => {
    restoreRefs(ctx, repo, ids, force);
    return undefined;
  });
}

/** A task's status; 404 `not found` for an unknown id (or one of another repository). */
export function taskStatus(ctx: EngineContext, repo: string, id: string): RefsTaskStatus {
  return storedTaskStatus(ctx, repo, TASK_KIND, id);
}

function checkRestorable(ctx: EngineContext, repo: string, force: boolean | undefined) {
  const r = ctx.repo(repo);
  writable(r, force);
  if (ctx.store.getBranch(repo, r.defaultBranch)) {
    throw badRequest("can only restore into a bare repository");
  }
  return r;
}

function documentList<T>(
  doc: Record<string, unknown>,
  format: string,
  field: string,
  isItem: (x: unknown) => x is T,
): T[] {
  const list = doc[field];
  if (doc.format !== format || !Array.isArray(list) || !list.every(isItem)) {
    throw badRequest(`refs dump: not a valid ${format} document`);
  }
  return list;
}

const isString = (x: unknown): x is string => typeof x === "string";
const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

function isRef(x: unknown): x is RefRecord {
  return isRecord(x) && isString(x.id) && x.id !== "" && isString(x.commitId);
}

function isCommit(x: unknown): x is Commit {
  return (
    isRecord(x) &&
    [x.id, x.committer, x.message, x.metarangeId].every(isString) &&
    Array.isArray(x.parents) &&
    x.parents.every(isString) &&
    isRecord(x.metadata) &&
    Object.values(x.metadata).every(isString) &&
    [x.creationDate, x.generation, x.version].every(Number.isSafeInteger)
  );
}
