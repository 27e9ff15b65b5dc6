/**
 * Objects through the API: upload (streamed), get/head (ranges, presign redirect), stat, list,
 * delete, batch delete, copy, user metadata, underlying properties, upload preflight.
 */
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Schema } from "lakefs-ts/api";
import type { Entry } from "../../core/entry.js";
import { EngineError, notFound, notImplemented } from "../../core/errors.js";
import type { Engine } from "../../engine/engine.js";
import { type HttpServices, type RouteArea, repositoryStorage } from "../context.js";
import {
  quotedEtag,
  requestedRange,
  sendObjectBytes,
  setBodyHeaders,
  setObjectHeaders,
} from "../object-response.js";
import { presignUnsupported, presignUrl } from "../presigned.js";
import { withRawBodies } from "../raw-body.js";
import { uploadBody, userMetadataFromHeaders } from "../upload-body.js";
import { nonEmptyPath, nonEmptyStr, operation, type Route } from "../validation.js";
import {
  listedWire,
  listOf,
  type ObjectStatsOptions,
  objectStatsWire,
  writtenWire,
} from "../wire.js";

/** 404 with the message lakeFS's upload and copy handlers give for a missing branch. */
async function requireBranch(engine: Engine, repository: string, branch: string): Promise<void> {
  try {
    await engine.getBranch(repository, branch);
  } catch (err) {
    if (err instanceof EngineError && err.kind === "not_found") {
      throw notFound(`branch '${branch}' not found`);
    }
    throw err;
  }
}

/**
 * Conditional-write headers: `If-None-Match: *` → true; any other `If-None-Match`, and every
 * `If-Match`, is unsupported in open-source lakeFS (501).
 */
export function ifNoneMatchStar(headers: IncomingHttpHeaders): boolean {
  if (headers["if-match"] !== undefined) throw notImplemented("If-Match is not supported");
  const value = headers["if-none-match"];
  if (value === undefined) return false;
  if (value.trim() !== "*") throw notImplemented("Only If-None-Match: * is supported");
  return true;
}

/** Aborts when the client goes away before its request body is complete. */
export function abortOnDisconnect(raw: IncomingMessage): AbortSignal {
  const controller = new AbortController();
  raw.once("close", () => {
    if (!raw.complete) controller.abort(new Error("client closed request"));
  });
  return controller.signal;
}

/** Routes whose request body is object bytes: no body parser may consume the stream. */
function uploadRoute(app: FastifyInstance, s: HttpServices): void {
  withRawBodies(app, (raw) => {
    raw.post<Route<"uploadObject">>(
      "/repositories/:repository/branches/:branch/objects",
      { schema: operation("uploadObject", nonEmptyPath) },
      async (req, reply) => {
        const written = await s.objects.upload({
          ...req.params,
          path: req.query.path,
          force: req.query.force,
          ifNoneMatch: ifNoneMatchStar(req.headers),
          openBody: () => uploadBody(req.raw),
          metadata: userMetadataFromHeaders(req.headers),
          signal: abortOnDisconnect(req.raw),
        });
        reply.code(201);
        return writtenWire(written);
      },
    );
  });
}

export const objectRoutes: RouteArea = (app, s) => {
  const { engine, blocks } = s;
  uploadRoute(app, s);

  /** Stat options for an entry: its address, or a presigned URL when asked and offered. */
  const statOptions =
    (req: FastifyRequest, nsDir: string, presign: boolean | undefined, userMetadata: boolean) =>
    (entry: Entry): ObjectStatsOptions => {
      const physicalAddress = blocks.physicalAddress(nsDir, entry);
      if (!presign) return { physicalAddress, userMetadata };
      return {
        physicalAddress,
        userMetadata,
        presigned: presignUrl(s.presigner, req, {
          op: "get",
          address: physicalAddress,
          etag: entry.etag,
        }),
      };
    };

  const checkPresign = (presign: boolean | undefined) => {
    if (presign && !s.presign) throw presignUnsupported();
  };

  app.head<Route<"headObject">>(
    "/repositories/:repository/refs/:ref/objects",
    { schema: operation("headObject", nonEmptyPath) },
    async (req, reply) => {
      const { repository, ref } = req.params;
      await repositoryStorage(s, repository);
      const entry = await engine.getEntry(repository, ref, req.query.path);
      const range = requestedRange(reply, req.headers.range, entry.size);
      setObjectHeaders(reply, entry);
      setBodyHeaders(reply, entry.size, range);
      return reply.send();
    },
  );

  app.get<Route<"getObject">>(
    "/repositories/:repository/refs/:ref/objects",
    { schema: operation("getObject", nonEmptyPath) },
    async (req, reply) => {
      const { repository, ref } = req.params;
      const { path, presign } = req.query;
      checkPresign(presign);
      const { nsDir } = await repositoryStorage(s, repository);
      const entry = await engine.getEntry(repository, ref, path);
      if (presign) {
        const { url } = statOptions(req, nsDir, true, false)(entry).presigned!;
        return reply.redirect(url, 302);
      }
      if (req.headers["if-none-match"] === quotedEtag(entry)) {
        setObjectHeaders(reply, entry);
        return reply.code(304).send();
      }
      return sendObjectBytes(reply, blocks, nsDir, entry, entry.size, req.headers.range, () =>
        setObjectHeaders(reply, entry),
      );
    },
  );

  app.get<Route<"statObject">>(
    "/repositories/:repository/refs/:ref/objects/stat",
    { schema: operation("statObject", nonEmptyPath) },
    async (req) => {
      const { repository, ref } = req.params;
      const { path, presign, user_metadata } = req.query;
      checkPresign(presign);
      const { nsDir } = await repositoryStorage(s, repository);
      const entry = await engine.getEntry(repository, ref, path);
      const stats = objectStatsWire(
        path,
        entry,
        statOptions(req, nsDir, presign, user_metadata)(entry),
      );
      // Without user metadata lakeFS's stat still sends an empty map (its listing leaves it out).
      stats.metadata ??= {};
      return stats;
    },
  );

  app.get<Route<"listObjects">>(
    "/repositories/:repository/refs/:ref/objects/ls",
    { schema: operation("listObjects") },
    async (req) => {
      const { repository, ref } = req.params;
      const { presign, user_metadata, ...options } = req.query;
      checkPresign(presign);
      const { nsDir } = await repositoryStorage(s, repository);
      const stat = statOptions(req, nsDir, presign, user_metadata);
      return listOf(await engine.listEntries(repository, ref, options), (item) =>
        listedWire(item, stat),
      );
    },
  );

  app.get<Route<"getUnderlyingProperties">>(
    "/repositories/:repository/refs/:ref/objects/underlyingProperties",
    { schema: operation("getUnderlyingProperties", nonEmptyPath) },
    async (req): Promise<Schema<"UnderlyingObjectProperties">> => {
      await engine.getEntry(req.params.repository, req.params.ref, req.query.path);
      // The local filesystem has no storage classes.
      return { storage_class: null };
    },
  );

  app.get<Route<"uploadObjectPreflight">>(
    "/repositories/:repository/branches/:branch/objects/stage_allowed",
    { schema: operation("uploadObjectPreflight", nonEmptyPath) },
    async (req, reply) => {
      await repositoryStorage(s, req.params.repository);
      await requireBranch(engine, req.params.repository, req.params.branch);
      return reply.code(204).send();
    },
  );

  app.delete<Route<"deleteObject">>(
    "/repositories/:repository/branches/:branch/objects",
    { schema: operation("deleteObject", nonEmptyPath) },
    async (req, reply) => {
      const { repository, branch } = req.params;
      await engine.deleteEntry(repository, branch, req.query.path, { force: req.query.force });
      return reply.code(204).send();
    },
  );

  app.post<Route<"deleteObjects">>(
    "/repositories/:repository/branches/:branch/objects/delete",
    { schema: operation("deleteObjects") },
    async (req): Promise<Schema<"ObjectErrorList">> => {
      const { repository, branch } = req.params;
      const results = await engine.deleteEntries(repository, branch, req.body.paths, {
        force: req.query.force,
      });
      return {
        errors: results.map((r) => ({
          path: r.path,
          status_code: r.statusCode,
          message: r.message,
        })),
      };
    },
  );

  app.post<Route<"copyObject">>(
    "/repositories/:repository/branches/:branch/objects/copy",
    {
      // Empty paths are refused at the boundary, as for every object path (see nonEmptyPath).
      schema: operation("copyObject", {
        querystring: { dest_path: nonEmptyStr },
        body: { src_path: nonEmptyStr },
      }),
    },
    async (req, reply) => {
      const { src_path, src_ref, force, shallow } = req.body;
      if (shallow) throw notImplemented("shallow copy is not supported");
      const written = await s.objects.copy({
        ...req.params,
        path: req.query.dest_path,
        sourcePath: src_path,
        sourceRef: src_ref,
        force,
      });
      reply.code(201);
      return writtenWire(written);
    },
  );

  app.put<Route<"updateObjectUserMetadata">>(
    "/repositories/:repository/branches/:branch/objects/stat/user_metadata",
    { schema: operation("updateObjectUserMetadata", nonEmptyPath) },
    async (req, reply) => {
      const { repository, branch } = req.params;
      await engine.updateUserMetadata(repository, branch, req.query.path, req.body.set);
      // lakeFS answers 204 (its swagger says 201; see contract-deviations.json).
      return reply.code(204).send();
    },
  );
};
