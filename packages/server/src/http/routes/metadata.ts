/**
 * Repository metadata: a user-defined string map per repository; and the repository's committed
 * metadata files (ranges and metaranges — in our own format, not lakeFS's SSTables).
 */
import type { Schema } from "lakefs-ts/api";
import { type RouteArea, repositoryStorage } from "../context.js";
import { presignUnsupported } from "../presigned.js";
import { operation, type Route } from "../validation.js";

const KIND_OF_TYPE = { range: "range", meta_range: "metarange" } as const;

export const metadataRoutes: RouteArea = (app, services) => {
  const { engine, blocks } = services;
  app.get<Route<"getRepositoryMetadata">>(
    "/repositories/:repository/metadata",
    { schema: operation("getRepositoryMetadata") },
    async (req) => await engine.getRepositoryMetadata(req.params.repository),
  );

  app.post<Route<"setRepositoryMetadata">>(
    "/repositories/:repository/metadata",
    { schema: operation("setRepositoryMetadata") },
    async (req, reply) => {
      await engine.setRepositoryMetadata(req.params.repository, req.body.metadata);
      return reply.code(204).send();
    },
  );

  app.delete<Route<"deleteRepositoryMetadata">>(
    "/repositories/:repository/metadata",
    { schema: operation("deleteRepositoryMetadata") },
    async (req, reply) => {
      await engine.deleteRepositoryMetadata(req.params.repository, req.body.keys);
      return reply.code(204).send();
    },
  );

  app.get<Route<"getMetadataObject">>(
    "/repositories/:repository/metadata/object/:type/:object_id",
    { schema: operation("getMetadataObject") },
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
  for (const [type, param, id] of [
    ["meta_range", "meta_range", "getMetaRange"],
    ["range", "range", "getRange"],
  ] as const) {
    app.get<{ Params: { repository: string } & Record<string, string> }>(
      `/repositories/:repository/metadata/${type}/:${param}`,
      { schema: operation(id) },
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
