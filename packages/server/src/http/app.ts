/**
 * The fastify application: the lakeFS API under `/api/v1` (authenticated except for the few
 * public routes), the presigned data endpoint, lakeFS-shaped errors everywhere; S3 requests go
 * to the gateway (`../gateway`) on the same port, and browsers get the web UI at `/`.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import {
  DEFAULT_GATEWAY_OPTIONS,
  type GatewayOptions,
  gatewayRewrite,
  registerGateway,
} from "../gateway/index.js";
import { requireAuthentication } from "./auth-hook.js";
import { handleClientError, trackExchange } from "./client-errors.js";
import type { HttpServices, RouteArea } from "./context.js";
import { handleError, sendError } from "./errors.js";
import { PRESIGNED_PATH } from "./presigned.js";
import { actionRoutes } from "./routes/actions.js";
import { authRoutes } from "./routes/auth.js";
import { branchRoutes } from "./routes/branches.js";
import { commitRoutes } from "./routes/commits.js";
import { configRoutes } from "./routes/config.js";
import { gcRoutes } from "./routes/gc.js";
import { gcPrepareRoutes } from "./routes/gc-prepare.js";
import { importRoutes } from "./routes/import.js";
import { metadataRoutes } from "./routes/metadata.js";
import { objectRoutes } from "./routes/objects.js";
import { presignedDataRoutes } from "./routes/presign.js";
import { protectionRoutes } from "./routes/protection.js";
import { pullRequestRoutes } from "./routes/pulls.js";
import { refRoutes } from "./routes/refs.js";
import { refsDumpRoutes } from "./routes/refs-dump.js";
import { repositoryRoutes } from "./routes/repositories.js";
import { setupRoutes } from "./routes/setup.js";
import { stagingRoutes } from "./routes/staging.js";
import { symlinkRoutes } from "./routes/symlinks.js";
import { tagRoutes } from "./routes/tags.js";
import { unimplementedRoutes } from "./routes/unimplemented.js";
import { usageRoutes } from "./routes/usage.js";
import { DEFAULT_UI_DIR, UiSite } from "./ui.js";
import { isOptionalBody, validatorCompiler } from "./validation.js";

export const API_PREFIX = "/api/v1";

const API_AREAS: readonly RouteArea[] = [
  configRoutes,
  setupRoutes,
  authRoutes,
  repositoryRoutes,
  metadataRoutes,
  protectionRoutes,
  branchRoutes,
  commitRoutes,
  refRoutes,
  tagRoutes,
  objectRoutes,
  stagingRoutes,
  importRoutes,
  actionRoutes,
  usageRoutes,
  gcRoutes,
  gcPrepareRoutes,
  refsDumpRoutes,
  pullRequestRoutes,
  symlinkRoutes,
  unimplementedRoutes,
];

/** Socket inactivity limit; Node's own 60 s header timeout bounds the request line and headers. */
const CONNECTION_IDLE_TIMEOUT_MS = 120_000;

export interface AppOptions {
  /** Log every request to stderr (unexpected errors are logged regardless). */
  readonly logger?: boolean | undefined;
  /** Socket inactivity limit in ms (default `CONNECTION_IDLE_TIMEOUT_MS`). */
  readonly idleTimeoutMs?: number | undefined;
  /** S3 gateway domain and region (defaults: `s3.local.lakefs.io`, `us-east-1`). */
  readonly s3?: GatewayOptions | undefined;
  /** The built web UI served at `/` (default: the one shipped in this package). */
  readonly uiDir?: string | undefined;
}

/** lakeFS sends JSON as plain `application/json`; fastify would add `; charset=utf-8`. */
async function jsonWithoutCharset(_req: FastifyRequest, reply: FastifyReply, payload: unknown) {
  if (reply.getHeader("content-type") === "application/json; charset=utf-8") {
    reply.header("content-type", "application/json");
  }
  return payload;
}

/** Builds (but does not start) the HTTP application over the given services. */
export function buildApp(services: HttpServices, options: AppOptions = {}): FastifyInstance {
  const s3 = options.s3 ?? DEFAULT_GATEWAY_OPTIONS;
  const app = Fastify({
    rewriteUrl: gatewayRewrite(s3, [API_PREFIX, PRESIGNED_PATH]),
    // Unexpected failures always reach stderr; `logger` adds one line per request.
    logger: { level: options.logger ? "info" : "error", stream: process.stderr },
    // A client that goes quiet mid-request (slow loris) loses its socket after two minutes of
    // silence; bodies that keep flowing, however large, are never cut off.
    connectionTimeout: options.idleTimeoutMs ?? CONNECTION_IDLE_TIMEOUT_MS,
    clientErrorHandler: handleClientError,
    routerOptions: {
      ignoreTrailingSlash: true,
      // Ref expressions and branch names can be long; the default limit (100) would 404 them.
      maxParamLength: 2048,
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  acceptEmptyOptionalJsonBodies(app);
  app.addHook("onRequest", trackExchange);
  app.addHook("onSend", jsonWithoutCharset);
  app.setErrorHandler(handleError);
  const ui = new UiSite(options.uiDir ?? DEFAULT_UI_DIR);
  app.setNotFoundHandler((request, reply) => {
    // Outside the API's routes: the web UI's files and pages, else lakeFS's 404.
    if (ui.serve(request, reply)) return;
    sendError(reply, 404, `path not found: ${request.method} ${request.url.split("?")[0]}`);
  });
  app.register(
    async (api) => {
      requireAuthentication(api, services.auth);
      for (const area of API_AREAS) area(api, services);
    },
    { prefix: API_PREFIX },
  );
  presignedDataRoutes(app, services);
  registerGateway(app, services, s3);
  return app;
}

/**
 * An empty body sent as `application/json` is no body at all where the operation's body is
 * optional (lakeFS's generated clients send such requests, e.g. prepare_uncommited without a
 * continuation token); elsewhere fastify's own parser refuses it as before.
 */
function acceptEmptyOptionalJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "ignore");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (body === "" && isOptionalBody(request.routeOptions.schema?.body)) {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
}
