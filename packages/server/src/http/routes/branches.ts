/** Branches: list, create, get, delete, reset, hard reset, uncommitted diff, revert, cherry-pick. */
import type { Schema } from "lakefs-ts/api";
import type { CommitOverrides } from "../../engine/types.js";
import { committerOf, type RouteArea } from "../context.js";
import {
  type BranchParams,
  bool,
  boolFalse,
  branchParams,
  type ForceQuery,
  forceQuery,
  int,
  nonEmptyStr,
  object,
  type PrefixPagingQuery,
  prefixPaging,
  type RepoParams,
  repoParams,
  str,
  stringMap,
} from "../validation.js";
import { commitWire, diffWire, listOf, refWire } from "../wire.js";

const commitOverrides = object({ message: str, metadata: stringMap });

function overrides(o: Schema<"CommitOverrides"> | undefined): CommitOverrides | undefined {
  return o && { message: o.message, metadata: o.metadata };
}

export const branchRoutes: RouteArea = (app, { engine }) => {
  app.get<{ Params: RepoParams; Querystring: PrefixPagingQuery & { show_hidden: boolean } }>(
    "/repositories/:repository/branches",
    {
      schema: {
        params: repoParams,
        querystring: object({ ...prefixPaging, show_hidden: boolFalse }),
      },
    },
    async (req) => {
      const { show_hidden, ...paging } = req.query;
      return listOf(
        await engine.listBranches(req.params.repository, { ...paging, showHidden: show_hidden }),
        refWire,
      );
    },
  );

  app.post<{ Params: RepoParams; Body: Schema<"BranchCreation"> }>(
    "/repositories/:repository/branches",
    {
      schema: {
        params: repoParams,
        body: object(
          { name: nonEmptyStr, source: nonEmptyStr, force: boolFalse, hidden: boolFalse },
          ["name", "source"],
        ),
      },
    },
    async (req, reply) => {
      const { name, source, force, hidden } = req.body;
      const commitId = await engine.createBranch(req.params.repository, {
        name,
        source,
        force,
        hidden,
      });
      // lakeFS answers with the bare commit id as text, not JSON.
      return reply.code(201).type("text/html; charset=utf-8").send(commitId);
    },
  );

  app.get<{ Params: BranchParams }>(
    "/repositories/:repository/branches/:branch",
    { schema: { params: branchParams } },
    async (req) => refWire(await engine.getBranch(req.params.repository, req.params.branch)),
  );

  app.delete<{ Params: BranchParams; Querystring: ForceQuery }>(
    "/repositories/:repository/branches/:branch",
    { schema: { params: branchParams, querystring: forceQuery } },
    async (req, reply) => {
      await engine.deleteBranch(req.params.repository, req.params.branch, {
        force: req.query.force,
      });
      return reply.code(204).send();
    },
  );

  app.put<{ Params: BranchParams; Body: Schema<"ResetCreation"> }>(
    "/repositories/:repository/branches/:branch",
    {
      schema: {
        params: branchParams,
        body: object(
          {
            type: { type: "string", enum: ["object", "common_prefix", "reset"] },
            path: str,
            force: boolFalse,
          },
          ["type"],
        ),
      },
    },
    async (req, reply) => {
      const { type, path, force } = req.body;
      await engine.resetBranch(req.params.repository, req.params.branch, { type, path, force });
      return reply.code(204).send();
    },
  );

  app.put<{ Params: BranchParams; Querystring: { ref: string; force: boolean } }>(
    "/repositories/:repository/branches/:branch/hard_reset",
    {
      schema: {
        params: branchParams,
        querystring: object({ ref: nonEmptyStr, force: boolFalse }, ["ref"]),
      },
    },
    async (req, reply) => {
      const { repository, branch } = req.params;
      await engine.hardResetBranch(repository, branch, req.query.ref, { force: req.query.force });
      return reply.code(204).send();
    },
  );

  app.get<{ Params: BranchParams; Querystring: PrefixPagingQuery & { delimiter?: string } }>(
    "/repositories/:repository/branches/:branch/diff",
    { schema: { params: branchParams, querystring: object({ ...prefixPaging, delimiter: str }) } },
    async (req) =>
      listOf(await engine.diffBranch(req.params.repository, req.params.branch, req.query), (d) =>
        diffWire(d),
      ),
  );

  app.post<{ Params: BranchParams; Body: Schema<"RevertCreation"> }>(
    "/repositories/:repository/branches/:branch/revert",
    {
      schema: {
        params: branchParams,
        body: object(
          {
            ref: nonEmptyStr,
            parent_number: int,
            commit_overrides: commitOverrides,
            force: boolFalse,
            allow_empty: boolFalse,
          },
          ["ref", "parent_number"],
        ),
      },
    },
    async (req, reply) => {
      const b = req.body;
      await engine.revert(req.params.repository, req.params.branch, {
        ref: b.ref,
        parentNumber: b.parent_number,
        allowEmpty: b.allow_empty,
        force: b.force,
        commitOverrides: overrides(b.commit_overrides),
        committer: committerOf(req),
      });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: BranchParams; Body: Schema<"CherryPickCreation"> }>(
    "/repositories/:repository/branches/:branch/cherry-pick",
    {
      schema: {
        params: branchParams,
        body: object(
          { ref: nonEmptyStr, parent_number: int, commit_overrides: commitOverrides, force: bool },
          ["ref"],
        ),
      },
    },
    async (req, reply) => {
      const b = req.body;
      const commit = await engine.cherryPick(req.params.repository, req.params.branch, {
        ref: b.ref,
        parentNumber: b.parent_number,
        force: b.force,
        commitOverrides: overrides(b.commit_overrides),
        committer: committerOf(req),
      });
      reply.code(201);
      return commitWire(commit);
    },
  );
};
