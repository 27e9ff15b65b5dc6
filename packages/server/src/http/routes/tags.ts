/** Tags: list, create, get, delete. */
import type { Schema } from "lakefs-ts/api";
import type { RouteArea } from "../context.js";
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
const tagParams = object({ repository: str, tag: str }, ["repository", "tag"]);

export const tagRoutes: RouteArea = (app, { engine }) => {
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
      const tag = await engine.createTag(req.params.repository, { id, ref, force });
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
      await engine.deleteTag(req.params.repository, req.params.tag, { force: req.query.force });
      return reply.code(204).send();
    },
  );
};
