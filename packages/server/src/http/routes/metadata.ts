/**
 * Repository metadata: a user-defined string map per repository; and the repository's committed
 * metadata files (ranges and metaranges — in our own format, not lakeFS's SSTables).
 */
import type { Schema } from "lakefs-ts/api";
import { type RouteArea, repositoryStorage } from "../context.js";
import { presignUnsupported } from "../presigned.js";
import {
  bool,
  object,
  type RepoParams,
  repoParams,
  str,
  stringList,
  stringMap,
} from "../validation.js";

const KIND_OF_TYPE = { range: "range", meta_range: "metarange" } as const;

export const metadataRoutes: RouteArea = (app, services) => {
  const { engine, blocks } = services;
  app.get<{ Params: RepoParams }>(
    "/repositories/:repository/metadata",
    { schema: { params: repoParams } },
    async (req) => await engine.getRepositoryMetadata(req.params.repository),
  );

  app.post<{ Params: RepoParams; Body: Schema<"RepositoryMetadataSet"> }>(
    "/repositories/:repository/metadata",
    { schema: { params: repoParams, body: object({ metadata: stringMap }, ["metadata"]) } },
    async (req, reply) => {
      await engine.setRepositoryMetadata(req.params.repository, req.body.metadata);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: RepoParams; Body: Schema<"RepositoryMetadataKeys"> }>(
    "/repositories/:repository/metadata",
    { schema: { params: repoParams, body: object({ keys: stringList }, ["keys"]) } },
    async (req, reply) => {
      await engine.deleteRepositoryMetadata(req.params.repository, req.body.keys);
      return reply.code(204).send();
    },
  );

  app.get<{
    Params: { repository: string; type: keyof typeof KIND_OF_TYPE; object_id: string };
    Querystring: { presign?: boolean };
  }>(
    "/repositories/:repository/metadata/object/:type/:object_id",
    {
      schema: {
        params: object(
          {
            repository: str,
            type: { type: "string", enum: ["range", "meta_range"] },
            object_id: str,
          },
          ["repository", "type", "object_id"],
        ),
        querystring: object({ presign: bool }),
      },
    },
    async (req, reply) => {
      const { repository, type, object_id } = req.params;
      // Served directly even with presign on: these files are small and never leave the server.
      if (req.query.presign && !services.presign) throw presignUnsupported();
      const bytes = await engine.getMetadataObject(repository, KIND_OF_TYPE[type], object_id);
      return reply
        .type("application/octet-stream")
        .header("Content-Length", bytes.length)
        .send(bytes);
    },
  );

  // Where a range / metarange file lives (`StorageURI`, also as `Location`).
  for (const [type, param] of [
    ["meta_range", "meta_range"],
    ["range", "range"],
  ] as const) {
    app.get<{ Params: RepoParams & Record<string, string> }>(
      `/repositories/:repository/metadata/${type}/:${param}`,
      { schema: { params: object({ repository: str, [param]: str }, ["repository", param]) } },
      async (req, reply): Promise<Schema<"StorageURI">> => {
        const { repository } = req.params;
        const id = req.params[param]!;
        await engine.getMetadataObject(repository, KIND_OF_TYPE[type], id);
        const { nsDir } = await repositoryStorage(services, repository);
        const location = blocks.physicalAddress(nsDir, {
          address: `_lakefs/${id}`,
          addressType: "relative",
        });
        reply.header("Location", location);
        return { location };
      },
    );
  }
};
