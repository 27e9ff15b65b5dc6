/** Tags: list, create, get, delete. */
import { EngineError } from "../../core/errors.js";
import type { Engine } from "../../engine/engine.js";
import { committerOf, type RouteArea } from "../context.js";
import { nonEmpty, operation, type Route } from "../validation.js";
import { listOf, refWire } from "../wire.js";

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

export const tagRoutes: RouteArea = (app, { engine, actions }) => {
  app.get<Route<"listTags">>(
    "/repositories/:repository/tags",
    { schema: operation("listTags") },
    async (req) => listOf(await engine.listTags(req.params.repository, req.query), refWire),
  );

  app.post<Route<"createTag">>(
    "/repositories/:repository/tags",
    { schema: operation("createTag", { body: nonEmpty("id", "ref") }) },
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

  app.get<Route<"getTag">>(
    "/repositories/:repository/tags/:tag",
    { schema: operation("getTag") },
    async (req) => refWire(await engine.getTag(req.params.repository, req.params.tag)),
  );

  app.delete<Route<"deleteTag">>(
    "/repositories/:repository/tags/:tag",
    { schema: operation("deleteTag") },
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
