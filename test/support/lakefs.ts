/**
 * Where the integration suite runs: a real lakeFS given by LAKEFS_TEST_ENDPOINT,
 * LAKEFS_TEST_ACCESS_KEY_ID, LAKEFS_TEST_SECRET_ACCESS_KEY and LAKEFS_TEST_STORAGE_NAMESPACE, or
 * else a fresh embedded server on loopback with its own temporary data directory.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Client,
  type ClientOptions,
  type CreateRepositoryOptions,
  type Repository,
  repository,
} from "lakefs-ts";
import { dispatcherFetch } from "lakefs-ts/node";
import { type RunningServer, type ServerOptions, startServer } from "lakefs-ts-server";
import { Agent } from "undici";
import { contractFetch } from "./contract.js";

/** The transport Node applications get from `lakefs-ts/node`, so the suite exercises it. */
const nodeTransport = dispatcherFetch(new Agent());

export interface TestTarget {
  /** Base URL including /api/v1. */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** True when this is our embedded server (kill/restart and local presign are possible). */
  readonly embedded: boolean;
  /** The embedded server, when embedded. */
  readonly server?: RunningServer;
  readonly dataDir?: string;
  /** A fresh, unique repository name and a storage namespace for it. */
  newRepo(prefix?: string): { name: string; storageNamespace: string };
  /**
   * An SDK client for this target, sending through `lakefs-ts/node`'s transport unless
   * `options.fetch` is given; every exchange is checked against swagger.yml.
   */
  client(options?: ClientOptions): Client;
  close(): Promise<void>;
}

function targetClient(endpoint: string, accessKeyId: string, secretAccessKey: string) {
  return (options: ClientOptions = {}): Client =>
    new Client({
      endpoint,
      credentials: { accessKeyId, secretAccessKey },
      ...options,
      fetch: contractFetch(options.fetch ?? nodeTransport),
    });
}

const external = process.env.LAKEFS_TEST_ENDPOINT;

/** Reason string for tests that need the embedded server, or undefined when it is in use. */
export const needsEmbedded: string | false = external
  ? "needs the embedded server (LAKEFS_TEST_ENDPOINT points at another lakeFS)"
  : false;

let seq = 0;
function uniqueName(prefix: string): string {
  seq += 1;
  return `${prefix}-${randomBytes(4).toString("hex")}-${seq}`.toLowerCase().slice(0, 60);
}

/** Starts (or connects to) the lakeFS under test. */
export async function openTarget(options: Partial<ServerOptions> = {}): Promise<TestTarget> {
  if (external) {
    const ns = process.env.LAKEFS_TEST_STORAGE_NAMESPACE;
    const accessKeyId = process.env.LAKEFS_TEST_ACCESS_KEY_ID;
    const secretAccessKey = process.env.LAKEFS_TEST_SECRET_ACCESS_KEY;
    if (!ns || !accessKeyId || !secretAccessKey) {
      throw new Error(
        "LAKEFS_TEST_ENDPOINT is set: also set LAKEFS_TEST_ACCESS_KEY_ID, LAKEFS_TEST_SECRET_ACCESS_KEY and LAKEFS_TEST_STORAGE_NAMESPACE",
      );
    }
    const endpoint = external.replace(/\/+$/, "").replace(/(\/api\/v1)?$/, "/api/v1");
    return {
      endpoint,
      accessKeyId,
      secretAccessKey,
      embedded: false,
      client: targetClient(endpoint, accessKeyId, secretAccessKey),
      newRepo(prefix = "ts-test") {
        const name = uniqueName(prefix);
        return { name, storageNamespace: `${ns.replace(/\/+$/, "")}/${name}` };
      },
      async close() {},
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), "lakefs-ts-test-"));
  const server = await startServer({ dataDir, port: 0, quickstart: true, ...options });
  // A fresh data directory always yields credentials (quickstart, given or generated).
  const credentials = server.credentials!;
  return {
    endpoint: server.endpoint,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    embedded: true,
    client: targetClient(server.endpoint, credentials.accessKeyId, credentials.secretAccessKey),
    server,
    dataDir,
    newRepo(prefix = "ts-test") {
      const name = uniqueName(prefix);
      return { name, storageNamespace: `local://${name}` };
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh repository on the target (default branch `main` unless `options` say otherwise). */
export function createRepo(
  target: TestTarget,
  client: Client,
  options?: CreateRepositoryOptions,
): Promise<Repository> {
  const { name, storageNamespace } = target.newRepo();
  return repository(name, { client }).create(storageNamespace, options);
}
