/**
 * The data endpoint behind presigned URLs (outside `/api/v1`, no Basic/JWT auth): the HMAC
 * signature and expiry in the URL are the authorisation. GET/HEAD read an object's bytes (with
 * ranges); PUT writes a new object or a multipart part and answers with its quoted MD5 `ETag`.
 */
import type { FastifyInstance } from "fastify";
import { EngineError } from "../../core/errors.js";
import type { HttpServices } from "../context.js";
import { requestedRange, sendObjectBytes, setBodyHeaders } from "../object-response.js";
import { PRESIGNED_PATH, type PresignTarget, verifiedTarget } from "../presigned.js";
import { withRawBodies } from "../raw-body.js";
import { abortOnDisconnect } from "./objects.js";

type Query = Record<string, string | string[] | undefined>;

function readTarget(s: HttpServices, query: Query) {
  const target = verifiedTarget(s.presigner, query, "GET");
  if (target.op !== "get") throw new EngineError("forbidden", "invalid presigned URL");
  return { location: { address: target.address, addressType: "full" as const }, etag: target.etag };
}

export function presignedDataRoutes(app: FastifyInstance, s: HttpServices): void {
  const { blocks } = s;

  app.head<{ Querystring: Query }>(PRESIGNED_PATH, async (req, reply) => {
    const { location, etag } = readTarget(s, req.query);
    const size = await blocks.size(blocks.root, location);
    const range = requestedRange(reply, req.headers.range, size);
    reply.header("ETag", `"${etag}"`).header("Accept-Ranges", "bytes");
    setBodyHeaders(reply, size, range);
    return reply.type("application/octet-stream").send();
  });

  app.get<{ Querystring: Query }>(PRESIGNED_PATH, async (req, reply) => {
    const { location, etag } = readTarget(s, req.query);
    const size = await blocks.size(blocks.root, location);
    return sendObjectBytes(reply, blocks, blocks.root, location, size, req.headers.range, () =>
      reply
        .type("application/octet-stream")
        .header("ETag", `"${etag}"`)
        .header("Accept-Ranges", "bytes"),
    );
  });

  withRawBodies(app, (raw) => {
    raw.put<{ Querystring: Query }>(PRESIGNED_PATH, async (req, reply) => {
      const target: PresignTarget = verifiedTarget(s.presigner, req.query, "PUT");
      const signal = abortOnDisconnect(req.raw);
      let etag: string;
      if (target.op === "put") {
        const nsDir = blocks.namespaceDir(target.namespace);
        ({ etag } = await blocks.put(nsDir, req.raw, { address: target.address, signal }));
      } else if (target.op === "part") {
        ({ etag } = await blocks.putPart(target.uploadId, target.partNumber, req.raw, { signal }));
      } else {
        throw new EngineError("forbidden", "invalid presigned URL");
      }
      return reply.code(200).header("ETag", `"${etag}"`).send();
    });
  });
}
