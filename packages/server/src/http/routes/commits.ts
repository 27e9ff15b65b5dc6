/** Commits: commit a branch, get a commit, log. */
import type { Schema } from "lakefs-ts/api";
import { badRequest } from "../../core/errors.js";
import { committerOf, type RouteArea } from "../context.js";
import {
  type BranchParams,
  bool,
  boolFalse,
  branchParams,
  int,
  object,
  type PagingQuery,
  paging,
  type RefParams,
  type RepoParams,
  refParams,
  repoParams,
  str,
  stringList,
  stringMap,
} from "../validation.js";
import { commitWire, listOf } from "../wire.js";

interface LogQuery extends PagingQuery {
  objects?: string[];
  prefixes?: string[];
  limit?: boolean;
  first_parent?: boolean;
  since?: string;
  stop_at?: string;
}

/** RFC 3339 → unix seconds; a malformed value is the caller's mistake. */
function parseSince(since: string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw badRequest(`argument since: invalid date-time "${since}"`);
  return Math.floor(ms / 1000);
}

const commitRecord = object(
  {
    commit_id: str,
    version: { type: "integer", minimum: 0, maximum: 1 },
    committer: str,
    message: str,
    metarange_id: str,
    creation_date: int,
    parents: stringList,
    metadata: stringMap,
    generation: int,
    force: boolFalse,
  },
  [
    "commit_id",
    "version",
    "committer",
    "message",
    "metarange_id",
    "creation_date",
    "parents",
    "generation",
  ],
);

export const commitRoutes: RouteArea = (app, { engine, actions }) => {
  app.post<{ Params: RepoParams; Body: Schema<"CommitRecordCreation"> }>(
    "/repositories/:repository/commits",
    { schema: { params: repoParams, body: commitRecord } },
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

  app.post<{
    Params: BranchParams;
    Querystring: { source_metarange?: string };
    Body: Schema<"CommitCreation">;
  }>(
    "/repositories/:repository/branches/:branch/commits",
    {
      schema: {
        params: branchParams,
        querystring: object({ source_metarange: str }),
        body: object(
          {
            message: str,
            metadata: stringMap,
            date: int,
            allow_empty: boolFalse,
            force: boolFalse,
          },
          ["message"],
        ),
      },
    },
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

  app.get<{ Params: { repository: string; commitId: string } }>(
    "/repositories/:repository/commits/:commitId",
    {
      schema: {
        params: object({ repository: str, commitId: str }, ["repository", "commitId"]),
      },
    },
    async (req) => commitWire(await engine.getCommit(req.params.repository, req.params.commitId)),
  );

  app.get<{ Params: RefParams; Querystring: LogQuery }>(
    "/repositories/:repository/refs/:ref/commits",
    {
      schema: {
        params: refParams,
        querystring: object({
          ...paging,
          objects: stringList,
          prefixes: stringList,
          limit: bool,
          first_parent: bool,
          since: str,
          stop_at: str,
        }),
      },
    },
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
