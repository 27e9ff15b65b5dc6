/** Commits: commit a branch, get a commit, log. */
import { badRequest } from "../../core/errors.js";
import { committerOf, type RouteArea } from "../context.js";
import { operation, type Route } from "../validation.js";
import { commitWire, listOf } from "../wire.js";

/** RFC 3339 → unix seconds; a malformed value is the caller's mistake. */
function parseSince(since: string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw badRequest(`argument since: invalid date-time "${since}"`);
  return Math.floor(ms / 1000);
}

export const commitRoutes: RouteArea = (app, { engine, actions }) => {
  app.post<Route<"CreateCommitRecord">>(
    "/repositories/:repository/commits",
    { schema: operation("CreateCommitRecord") },
    async (req, reply) => {
      const b = req.body;
      await engine.createCommitRecord(
        req.params.repository,
        {
          id: b.commit_id,
          version: b.version,
          committer: b.committer,
          message: b.message,
          metarangeId: b.metarange_id,
          creationDate: b.creation_date,
          parents: b.parents,
          metadata: b.metadata ?? {},
          generation: b.generation,
        },
        { force: b.force },
      );
      return reply.code(204).send();
    },
  );

  app.post<Route<"commit">>(
    "/repositories/:repository/branches/:branch/commits",
    { schema: operation("commit") },
    async (req, reply) => {
      const b = req.body;
      const { repository, branch } = req.params;
      const committer = committerOf(req);
      const commit = await actions.around(
        "commit",
        {
          repositoryId: repository,
          branchId: branch,
          sourceRef: branch,
          commit: { message: b.message, committer, metadata: b.metadata ?? {} },
        },
        () =>
          engine.commit(repository, branch, {
            message: b.message,
            metadata: b.metadata,
            date: b.date,
            allowEmpty: b.allow_empty,
            force: b.force,
            sourceMetarange: req.query.source_metarange || undefined,
            committer,
          }),
        (c) => ({ sourceRef: c.id, commitId: c.id }),
      );
      reply.code(201);
      return commitWire(commit);
    },
  );

  app.get<Route<"getCommit">>(
    "/repositories/:repository/commits/:commitId",
    { schema: operation("getCommit") },
    async (req) => commitWire(await engine.getCommit(req.params.repository, req.params.commitId)),
  );

  app.get<Route<"logCommits">>(
    "/repositories/:repository/refs/:ref/commits",
    { schema: operation("logCommits") },
    async (req) => {
      const q = req.query;
      const page = await engine.logCommits(req.params.repository, req.params.ref, {
        after: q.after,
        amount: q.amount,
        objects: q.objects,
        prefixes: q.prefixes,
        limit: q.limit,
        firstParent: q.first_parent,
        since: parseSince(q.since),
        stopAt: q.stop_at || undefined,
      });
      return listOf(page, commitWire);
    },
  );
};
