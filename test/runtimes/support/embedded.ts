/** A fresh embedded lakeFS server with quickstart credentials and its own data directory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QUICKSTART_CREDENTIALS, type RunningServer, startServer } from "lakefs-ts-server";
import type { QuickExampleTarget } from "../quick-example.js";

export interface EmbeddedServer {
  readonly server: RunningServer;
  /** Quick-example target for a fresh repository; `endpoint` defaults to the server's URL. */
  target(repository: string, endpoint?: string): QuickExampleTarget;
  close(): Promise<void>;
}

export async function startEmbedded(): Promise<EmbeddedServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "lakefs-runtimes-"));
  const server = await startServer({ dataDir, port: 0, quickstart: true });
  return {
    server,
    target: (repository, endpoint = server.url) => ({
      endpoint,
      repository,
      ...QUICKSTART_CREDENTIALS,
    }),
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
