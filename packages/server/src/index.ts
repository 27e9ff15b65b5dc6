/**
 * lakefs-ts-server: an embedded, lakeFS-compatible server. `startServer` opens (or creates) a data
 * directory and serves the lakeFS REST API over HTTP on one machine.
 *
 * @module lakefs-ts-server
 */
import { statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { isAbsolute, join, resolve } from "node:path";
import { injectedApi } from "./actions/internal-api.js";
import { ActionsService } from "./actions/service.js";
import { AuthService, QUICKSTART_USERNAME } from "./auth/credentials.js";
import { Presigner } from "./auth/presign.js";
import { loadOrCreateSecret } from "./auth/secret.js";
import { LocalBlockStore } from "./block/local.js";
import { mkdirDurableSync } from "./core/durable.js";
import { openEngine } from "./engine/engine.js";
import { DEFAULT_GATEWAY_OPTIONS } from "./gateway/index.js";
import { API_PREFIX, buildApp } from "./http/app.js";
import {
  type Credentials,
  QUICKSTART_CREDENTIALS,
  type RunningServer,
  type ServerOptions,
} from "./options.js";
import { ObjectWrites } from "./service/object-writes.js";

export type { Credentials, RunningServer, ServerOptions } from "./options.js";
export { QUICKSTART_CREDENTIALS } from "./options.js";

/** The lakeFS release whose API this server speaks (reported by `/config/version`). */
export const LAKEFS_API_VERSION = "1.84.0";

const DEFAULT_PORT = 8000;
const DEFAULT_HOST = "127.0.0.1";

/** Import roots must be absolute, existing directories: a typo should fail at start, not later. */
function checkImportRoots(roots: readonly string[]): string[] {
  return roots.map((root) => {
    if (!isAbsolute(root)) throw new Error(`import root ${root}: must be an absolute path`);
    let isDir = false;
    try {
      isDir = statSync(root).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw new Error(`import root ${root}: not an existing directory`);
    return resolve(root);
  });
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Starts a server on `options.dataDir` (created if missing). Admin credentials: the quickstart
 * pair, the given pair, or a generated one, installed on first start; later starts check given
 * credentials against the stored ones.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const dataDir = resolve(options.dataDir);
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`port ${port}: must be an integer between 0 and 65535`);
  }
  const importRoots = checkImportRoots(options.importRoots ?? []);
  mkdirDurableSync(dataDir);

  const blocks = new LocalBlockStore(join(dataDir, "block"), { importRoots });
  const engine = openEngine(dataDir, {
    namespaceDir: (namespace) => blocks.namespaceDir(namespace),
    importSource: (source) => blocks.walkImportSource(source),
  });
  try {
    const secret = loadOrCreateSecret(dataDir);
    const auth = new AuthService(engine.deps.db, secret);
    const firstStart = !auth.isInitialized();
    const wanted: Credentials | undefined = options.quickstart
      ? QUICKSTART_CREDENTIALS
      : options.credentials;
    const credentials = options.quickstart
      ? auth.ensureAdmin(wanted, QUICKSTART_USERNAME)
      : auth.ensureAdmin(wanted);
    if (wanted !== undefined && credentials === undefined) {
      throw new Error(
        `${dataDir} was set up with other admin credentials than the ${options.quickstart ? "quickstart" : "given"} ones`,
      );
    }
    const actions = new ActionsService(engine, blocks, {
      envPrefix: options.actionsEnvPrefix,
      luaNetHttp: options.actionsLuaNetHttp,
    });
    const app = buildApp(
      {
        engine,
        actions,
        blocks,
        objects: new ObjectWrites(engine, blocks),
        auth,
        presigner: new Presigner(secret),
        version: LAKEFS_API_VERSION,
        presign: options.presign ?? false,
        importRoots,
      },
      {
        logger: options.logger,
        idleTimeoutMs: options.idleTimeoutMs,
        s3: {
          domain: options.s3Domain ?? DEFAULT_GATEWAY_OPTIONS.domain,
          region: options.s3Region ?? DEFAULT_GATEWAY_OPTIONS.region,
        },
      },
    );
    actions.connectApi(
      injectedApi(
        app,
        API_PREFIX,
        async (username) => (await auth.issueToken(username)).token,
        `lakefs-lua/${LAKEFS_API_VERSION}`,
      ),
    );
    try {
      await app.listen({ host, port });
    } catch (err) {
      await app.close();
      throw err;
    }
    const { port: bound } = app.server.address() as AddressInfo;
    const url = `http://${urlHost(host)}:${bound}`;
    let closing: Promise<void> | undefined;
    return {
      url,
      endpoint: url + API_PREFIX,
      credentials,
      firstStart,
      dataDir,
      close() {
        closing ??= app
          .close()
          .then(() => actions.close())
          .finally(() => engine.close());
        return closing;
      },
    };
  } catch (err) {
    await engine.close();
    throw err;
  }
}
