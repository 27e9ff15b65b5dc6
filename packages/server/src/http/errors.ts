/**
 * lakeFS's REST error model: every failure is `{"message": "..."}` with a status derived from the
 * engine's error kind. Client mistakes (validation, malformed JSON, oversized bodies) are 4xx;
 * only genuinely unexpected failures become 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { EngineError, STATUS_OF_KIND } from "../core/errors.js";

/** Sends `{"message": ...}` with the given status. */
export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type("application/json").send({ message });
}

/** lakeFS's (kin-openapi's) message for a request without the body the operation needs. */
export const BODY_MISSING = "request body has an error: value is required but missing";

/** The message `error authenticating request` that lakeFS answers every auth failure with. */
export const AUTH_FAILED = "error authenticating request";

/** lakeFS's (kin-openapi's) wording for a number outside its schema's bounds. */
function boundReason(keyword: string, params: Record<string, unknown>): string | undefined {
  // The generated schemas bound every integer by its Go type's range (see gen-route-schemas).
  if (params.limit === 2 ** 63 || params.limit === -(2 ** 63)) return "number must be an int64";
  if (params.limit === 2 ** 31 - 1 || params.limit === -(2 ** 31)) return "number must be an int32";
  if (keyword === "maximum") return `number must be at most ${params.limit}`;
  if (keyword === "minimum") return `number must be at least ${params.limit}`;
  return undefined;
}

/** Turns a fastify schema-validation failure into a lakeFS-style message naming the argument. */
function validationMessage(err: FastifyError): string {
  const first = err.validation?.[0];
  if (!first) return err.message;
  const where = err.validationContext ?? "request";
  const params = first.params as Record<string, unknown>;
  const field =
    typeof params.missingProperty === "string"
      ? params.missingProperty
      : typeof params.additionalProperty === "string"
        ? params.additionalProperty
        : first.instancePath.replace(/^\//, "").replaceAll("/", ".");
  const reason = boundReason(first.keyword, params) ?? first.message ?? "invalid value";
  if (where === "body") {
    return `request body has an error: doesn't match schema${field ? `: field "${field}"` : ""}: ${reason}`;
  }
  const name = field || where;
  return `parameter "${name}" in ${where === "querystring" ? "query" : where} has an error: ${reason}`;
}

/** Fastify error handler: engine errors by kind, client mistakes as 400s, the rest as 500. */
export function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  // A refused upload whose body is still arriving: close the connection after answering rather
  // than read (possibly gigabytes of) bytes nobody will store.
  if (!request.raw.complete && !request.raw.destroyed) reply.header("Connection", "close");
  if (err instanceof EngineError) return sendError(reply, STATUS_OF_KIND[err.kind], err.message);
  const fe = err as Partial<FastifyError>;
  if (fe.validation) return sendError(reply, 400, validationMessage(fe as FastifyError));
  if (fe.code === "FST_ERR_CTP_INVALID_JSON_BODY" || err instanceof SyntaxError) {
    return sendError(
      reply,
      400,
      `request body has an error: failed to decode request body: ${fe.message}`,
    );
  }
  if (fe.code === "FST_ERR_CTP_EMPTY_JSON_BODY") {
    return sendError(reply, 400, BODY_MISSING);
  }
  if (request.raw.destroyed && !request.raw.complete) {
    // The client went away mid-request; nobody will read an answer, and it is no server fault.
    return sendError(reply, 499, "client closed request");
  }
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) return sendError(reply, status, fe.message ?? "bad request");
  request.log.error({ err }, "request failed");
  return sendError(reply, 500, err instanceof Error ? err.message : "internal server error");
}
