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
    // Clients build new namespaces as `${default_namespace_prefix}/${name}` (`local:///name`).
    default_namespace_prefix: "local://",
    blockstore_id: "",
    blockstore_description: "",
  };
}

function versionConfig(s: HttpServices): Schema<"VersionConfig"> {
  // lakectl warns about an Enterprise server unless the context is "lakeFS".
  return { version: s.version, version_context: "lakeFS", upgrade_recommended: false };
}

export const configRoutes: RouteArea = (app, s) => {
  app.get("/healthcheck", { config: { public: true } }, async (_req, reply) =>
    reply.code(204).send(),
  );

  // As single-storage lakeFS: an empty storage_config_list (clients then read storage_config)
  // and empty capabilities and UI settings.
  app.get(
    "/config",
    async (): Promise<Schema<"Config">> => ({
      version_config: versionConfig(s),
      storage_config: storageConfig(s),
      storage_config_list: [],
      capabilities_config: {},
      ui_config: {},
    }),
  );

  app.get("/config/version", async () => versionConfig(s));

  app.get("/config/storage", async () => storageConfig(s));
};
