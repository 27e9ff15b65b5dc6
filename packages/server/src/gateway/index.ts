/**
 * The S3-compatible gateway, on the API's port. Requests carrying S3 authentication (or
 * addressed to a virtual-host bucket) outside `/api/v1` and the presigned data endpoint are
 * rewritten to one internal route; the handler reads the original URL, verifies the signature,
 * and dispatches to one operation per S3 call. Every failure is an S3 XML error.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { HttpServices } from "../http/context.js";
import { withRawBodies } from "../http/raw-body.js";
import { type GatewayOptions, hostBucket, parseTarget } from "./addressing.js";
import { authenticateS3, carriesS3Auth } from "./authenticate.js";
import type { OpContext } from "./context.js";
import { S3Error, toS3Error } from "./errors.js";
import { routeOperation } from "./operations.js";
import { requestPayload } from "./payload.js";
import { requestView } from "./request-view.js";
import { errorDocument } from "./xml.js";

export { DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from "./addressing.js";

/** The internal route every gateway request is rewritten to. */
const GATEWAY_ROUTE = "/_lakefs_s3_gateway";

/**
 * Fastify `rewriteUrl`: sends S3 requests to the gateway route and leaves every other URL as is.
 * `keep` lists the path prefixes that always keep their meaning (the API, presigned data).
 */
export function gatewayRewrite(options: GatewayOptions, keep: readonly string[]) {
  return (req: IncomingMessage): string => {
    const url = req.url ?? "/";
    if (url.startsWith(GATEWAY_ROUTE)) return "/"; // never reachable directly
    if (
      keep.some(
        (prefix) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`),
      )
    ) {
      return url;
    }
    const q = url.indexOf("?");
    const s3 =
      carriesS3Auth(req.headers.authorization, q < 0 ? "" : url.slice(q + 1)) ||
      hostBucket(req.headers.host, options.domain) !== undefined;
    return s3 ? GATEWAY_ROUTE : url;
  };
}

function requestIdOf(reply: FastifyReply): string {
  const existing = reply.getHeader("x-amz-request-id");
  if (typeof existing === "string") return existing;
  const id = randomBytes(8).toString("hex").toUpperCase();
  reply.header("x-amz-request-id", id);
  return id;
}

/** Fastify's own refusals (an unparsable Content-Type, …) are the client's mistakes. */
function clientMistake(err: unknown): S3Error | undefined {
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status !== "number" || status < 400 || status >= 500) return undefined;
  return new S3Error("InvalidRequest", (err as Error).message);
}

function sendS3Error(request: FastifyRequest, reply: FastifyReply, err: unknown) {
  const s3 =
    toS3Error(err) ??
    clientMistake(err) ??
    new S3Error("InternalError", "We encountered an internal error. Please try again.");
  if (s3.code === "InternalError") request.log.error({ err }, "gateway request failed");
  // A refused upload still sending its body: answer, then close instead of reading it all.
  if (!request.raw.complete && !request.raw.destroyed) reply.header("Connection", "close");
  const resource = (request.originalUrl ?? request.url).split("?")[0] ?? "/";
  const body = errorDocument(s3, resource, requestIdOf(reply));
  reply.code(s3.status).type("application/xml");
  return request.method === "HEAD" ? reply.send() : reply.send(body);
}

/** Registers the gateway route (raw bodies, S3 errors) on the app. */
export function registerGateway(
  app: FastifyInstance,
  services: HttpServices,
  options: GatewayOptions,
) {
  withRawBodies(app, (scope) => {
    scope.setErrorHandler((err, request, reply) => sendS3Error(request, reply, err));
    scope.all(GATEWAY_ROUTE, async (request, reply) => {
      requestIdOf(reply);
      const url = request.originalUrl;
      if (url === undefined || url === request.url) {
        throw new S3Error("AccessDenied", "Access Denied");
      }
      const view = requestView(request.method, url, request.headers, request.raw.rawHeaders);
      const target = parseTarget(view, request.headers.host, options.domain);
      const verified = authenticateS3(
        view,
        services.auth,
        target.virtualHost ? `/${target.bucket}` : "",
      );
      const ctx: OpContext = {
        services,
        options,
        view,
        target,
        user: verified.key.user,
        request,
        reply,
        body: () => requestPayload(request.raw, view, verified.payload),
      };
      return routeOperation(ctx);
    });
  });
}
