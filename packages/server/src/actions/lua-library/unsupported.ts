/**
 * lakeFS's modules that talk to cloud services, and its catalog exporters built on them.
 * `require` of one fails with a clear reason instead of Lua's "module not found", so a hook
 * written for lakeFS says why it cannot run.
 */
import type { LuaModule } from "./module.js";

export const CLOUD_MODULES = [
  "aws",
  "azure",
  "gcloud",
  "databricks",
  "formats",
  "lakefs/catalogexport/delta_exporter",
  "lakefs/catalogexport/glue_exporter",
  "lakefs/catalogexport/unity_exporter",
  "lakefs/catalogexport/symlink_exporter",
  "lakefs/catalogexport/table_extractor",
  "lakefs/catalogexport/hive",
] as const;

export const unsupported: LuaModule = {
  lua: `
for _, name in ipairs({${CLOUD_MODULES.map((m) => `"${m}"`).join(", ")}}) do
  package.preload[name] = function()
    error("module '" .. name .. "' is not supported by lakefs-ts-server", 0)
  end
end
`,
};
