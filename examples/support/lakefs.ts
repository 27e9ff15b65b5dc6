/**
 * Where the examples run: the lakeFS that `LAKECTL_SERVER_ENDPOINT_URL` (with
 * `LAKECTL_CREDENTIALS_*`) points at, as lakectl and the SDKs read it, or else a fresh embedded
 * server in-process. Repository names are unique, so running an example twice against the same
 * lakeFS never collides.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "lakefs-ts/node";
import { QUICKSTART_CREDENTIALS, type ServerOptions, startServer } from "lakefs-ts-server";

export interface ExampleTarget {
  readonly client: Client;
  /** The API's base URL (what lakectl's `server.endpoint_url` holds). */
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** True when this is our embedded server (not a lakeFS named by LAKECTL_*). */
  readonly embedded: boolean;
  /** A unique repository name starting with `prefix`, and its storage namespace. */
  newRepo(prefix: string): { name: string; storageNamespace: string };
  close(): Promise<void>;
}

/** Connects to the lakeFS in LAKECTL_* when set; otherwise starts an embedded server. */
export async function openExampleTarget(
  options: Partial<ServerOptions> = {},
): Promise<ExampleTarget> {
  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;
  const external = process.env.LAKECTL_SERVER_ENDPOINT_URL;
  if (external) {
    const client = new Client(); // LAKECTL_* (or the lakectl YAML), like lakectl itself
    // As clients build namespaces on lakeFS: `${default_namespace_prefix}/${name}`.
    const { defaultNamespacePrefix } = await client.storageConfig();
    if (!defaultNamespacePrefix) {
      throw new Error("the server reports no default_namespace_prefix to create repositories in");
    }
    return {
      client,
      endpoint: external,
      credentials: {
        accessKeyId: process.env.LAKECTL_CREDENTIALS_ACCESS_KEY_ID ?? "",
        secretAccessKey: process.env.LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY ?? "",
      },
      embedded: false,
      newRepo(prefix) {
        const name = unique(prefix);
        return { name, storageNamespace: `${defaultNamespacePrefix}/${name}` };
      },
      async close() {},
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), "lakefs-example-"));
  const server = await startServer({ dataDir, port: 0, quickstart: true, ...options });
  return {
    client: new Client({ endpoint: server.url, credentials: QUICKSTART_CREDENTIALS }),
    endpoint: server.url,
    credentials: QUICKSTART_CREDENTIALS,
    embedded: true,
    newRepo(prefix) {
      const name = unique(prefix);
      return { name, storageNamespace: `local://${name}` };
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
