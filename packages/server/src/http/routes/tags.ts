/** Tags: list, create, get, delete. */
import type { Schema } from "lakefs-ts/api";
import { EngineError } from "../../core/errors.js";
import type { Engine } from "../../engine/engine.js";
import { committerOf, type RouteArea } from "../context.js";
import {
  boolFalse,
  type ForceQuery,
  forceQuery,
  nonEmptyStr,
  object,
  type PrefixPagingQuery,
  prefixPaging,
  type RepoParams,
  repoParams,
  str,
} from "../validation.js";
import { listOf, refWire } from "../wire.js";

interface TagParams extends RepoParams {
  tag: string;
}
/**
 * What tag hooks see: the tag and the commit `ref` resolves to (their source ref too, so a
 * deleted tag's hooks still find their actions). A ref that does not resolve leaves the error
 * to the operation.
 */
async function tagDetails(engine: Engine, repositoryId: string, tagId: string, ref: string) {
  let commitId = "";
  try {
    commitId = (await engine.getCommit(repositoryId, ref)).id;
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
  }
  return { repositoryId, branchId: "", tagId, sourceRef: commitId || ref, commitId };
}

const tagParams = object({ repository: str, tag: str }, ["repository", "tag"]);

export const tagRoutes: RouteArea = (app, { engine, actions }) => {
  app.get<{ Params: RepoParams; Querystring: PrefixPagingQuery }>(
    "/repositories/:repository/tags",
    { schema: { params: repoParams, querystring: object(prefixPaging) } },
    async (req) => listOf(await engine.listTags(req.params.repository, req.query), refWire),
  );

  app.post<{ Params: RepoParams; Body: Schema<"TagCreation"> }>(
    "/repositories/:repository/tags",
    {
      schema: {
        params: repoParams,
        body: object({ id: nonEmptyStr, ref: nonEmptyStr, force: boolFalse }, ["id", "ref"]),
      },
    },
    async (req, reply) => {
      const { id, ref, force } = req.body;
      const { repository } = req.params;
      const tag = await actions.around(
        "create-tag",
        { ...(await tagDetails(engine, repository, id, ref)), user: committerOf(req) },
        () => engine.createTag(repository, { id, ref, force }),
      );
      reply.code(201);
      return refWire(tag);
    },
  );

  app.get<{ Params: TagParams }>(
    "/repositories/:repository/tags/:tag",
    { schema: { params: tagParams } },
    async (req) => refWire(await engine.getTag(req.params.repository, req.params.tag)),
  );

  app.delete<{ Params: TagParams; Querystring: ForceQuery }>(
    "/repositories/:repository/tags/:tag",
    { schema: { params: tagParams, querystring: forceQuery } },
    async (req, reply) => {
      const { repository, tag } = req.params;
      const details = await tagDetails(engine, repository, tag, tag);
      await actions.around("delete-tag", { ...details, user: committerOf(req) }, () =>
        engine.deleteTag(repository, tag, { force: req.query.force }),
      );
      return reply.code(204).send();
    },
  );
};
