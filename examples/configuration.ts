/**
 * Configuration without code: the default client reads LAKECTL_* variables or the lakectl YAML
 * file (`LAKECTL_CONFIG_FILE`, else ~/.lakectl.yaml), like lakectl and the Python SDK.
 *
 *   node --conditions=development --import tsx examples/configuration.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConfigurationError,
  defaultClient,
  repositories,
  repository,
  setDefaultClient,
} from "lakefs-ts/node";
import { openExampleTarget } from "./support/lakefs.js";

// The lakeFS in LAKECTL_* when set (its settings go into the file below), else an embedded one.
const target = await openExampleTarget();
const dataDir = mkdtempSync(join(tmpdir(), "lakefs-config-"));
try {
  // What `lakectl config` would write.
  const configFile = join(dataDir, "lakectl.yaml");
  writeFileSync(
    configFile,
    [
      "server:",
      `  endpoint_url: ${target.endpoint}`,
      "credentials:",
      `  access_key_id: ${target.credentials.accessKeyId}`,
      `  secret_access_key: ${JSON.stringify(target.credentials.secretAccessKey)}`,
      "",
    ].join("\n"),
  );
  // Start from a clean slate so settings of the machine running the example do not interfere.
  for (const key of Object.keys(process.env))
    if (key.startsWith("LAKECTL_")) delete process.env[key];
  process.env.LAKECTL_CONFIG_FILE = configFile;

  // No client anywhere: handles use the default client, configured from the file.
  const { name, storageNamespace } = target.newRepo("configured");
  await repository(name, {}).create(storageNamespace);
  for await (const repo of repositories()) console.log("repository:", repo.id);
  console.log("server version:", await defaultClient().version());

  // Environment variables override the file; nothing configured is a clear error.
  setDefaultClient(undefined);
  process.env.LAKECTL_CONFIG_FILE = join(dataDir, "missing.yaml");
  try {
    await repository(name).properties();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.log("ConfigurationError:", error.message);
  }
} finally {
  await target.close();
  rmSync(dataDir, { recursive: true, force: true });
}
