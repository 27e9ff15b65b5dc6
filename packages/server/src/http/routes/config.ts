/** Health and server configuration: what clients read to decide on presign and import. */
import type { Schema } from "lakefs-ts/api";
import type { HttpServices, RouteArea } from "../context.js";

function storageConfig(s: HttpServices): Schema<"StorageConfig"> {
  return {
    blockstore_type: "local",
    blockstore_namespace_example: "local://example-bucket/",
    blockstore_namespace_ValidityRegex: "^local://",
    pre_sign_support: s.presign,
    pre_sign_support_ui: false,
    import_support: s.importRoots.length > 0,
    import_validity_regex: "^local://",
    pre_sign_multipart_upload: s.presign,
  };
}

function versionConfig(s: HttpServices): Schema<"VersionConfig"> {
  return { version: s.version, version_context: "lakefs-ts", upgrade_recommended: false };
}

export const configRoutes: RouteArea = (app, s) => {
  app.get("/healthcheck", { config: { public: true } }, async (_req, reply) =>
    reply.code(204).send(),
  );

  // Single-storage lakeFS leaves storage_config_list out; clients then read storage_config.
  app.get(
    "/config",
    async (): Promise<Schema<"Config">> => ({
      version_config: versionConfig(s),
      storage_config: storageConfig(s),
    }),
  );

  app.get("/config/version", async () => versionConfig(s));

  app.get("/config/storage", async () => storageConfig(s));
};
