/** Repository metadata: a user-defined string map per repository. */
import type { Schema } from "lakefs-ts/api";
import type { RouteArea } from "../context.js";
import { object, type RepoParams, repoParams, stringList, stringMap } from "../validation.js";

export const metadataRoutes: RouteArea = (app, { engine }) => {
  app.get<{ Params: RepoParams }>(
    "/repositories/:repository/metadata",
    { schema: { params: repoParams } },
    async (req) => engine.getRepositoryMetadata(req.params.repository),
  );

  app.post<{ Params: RepoParams; Body: Schema<"RepositoryMetadataSet"> }>(
    "/repositories/:repository/metadata",
    { schema: { params: repoParams, body: object({ metadata: stringMap }, ["metadata"]) } },
    async (req, reply) => {
      engine.setRepositoryMetadata(req.params.repository, req.body.metadata);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: RepoParams; Body: Schema<"RepositoryMetadataKeys"> }>(
    "/repositories/:repository/metadata",
    { schema: { params: repoParams, body: object({ keys: stringList }, ["keys"]) } },
    async (req, reply) => {
      engine.deleteRepositoryMetadata(req.params.repository, req.body.keys);
      return reply.code(204).send();
    },
  );
};
