import type { Schema } from "lakefs-ts/api";
import { MAX_PART_NUMBER } from "../../block/multipart.js";
import { badRequest } from "../../core/errors.js";
import { type HttpServices, type RouteArea, repositoryStorage } from "../context.js";
import { BODY_MISSING } from "../errors.js";
import { multipartUnsupported, presignUnsupported, presignUrl } from "../presigned.js";
import { nonEmpty, nonEmptyPath, operation, pathQuery, type Route } from "../validation.js";
import { writtenWire } from "../wire.js";
import { ifNoneMatchStar } from "./objects.js";

/** An upload id is refused empty at the boundary, like object paths (see nonEmptyPath). */
const uploadOverrides = { params: nonEmpty("uploadId"), ...nonEmptyPath } as const;

/** The repository's namespace directory, after checking that the branch exists. */
async function branchStorage(s: HttpServices, repository: string, branch: string) {
  const storage = await repositoryStorage(s, repository);
  await s.engine.getBranch(repository, branch);
  return storage;
}

export const stagingRoutes: RouteArea = (app, s) => {
  const { blocks } = s;

  app.get<Route<"getPhysicalAddress">>(
    "/repositories/:repository/branches/:branch/staging/backing",
    { schema: operation("getPhysicalAddress", nonEmptyPath) },
    async (req): Promise<Schema<"StagingLocation">> => {
      const { repository, branch } = req.params;
      if (req.query.presign && !s.presign) throw presignUnsupported();
      const { repository: repo, nsDir } = await branchStorage(s, repository, branch);
      const address = blocks.newAddress();
      const location: Schema<"StagingLocation"> = {
        physical_address: blocks.physicalAddress(nsDir, { address, addressType: "relative" }),
      };
      if (req.query.presign) {
        const signed = presignUrl(s.presigner, req, {
          op: "put",
          namespace: repo.storageNamespace,
          address,
        });
        location.presigned_url = signed.url;
        location.presigned_url_expiry = signed.expiry;
      }
      return location;
    },
  );

  app.put<Route<"linkPhysicalAddress">>(
    "/repositories/:repository/branches/:branch/staging/backing",
    {
      schema: operation("linkPhysicalAddress", {
        ...nonEmptyPath,
        // A negative size is refused at the boundary; the spec gives no lower bound.
        body: { size_bytes: { type: "integer", minimum: 0 } },
      }),
    },
    async (req) => {
      const body = req.body;
      const written = await s.objects.link({
        ...req.params,
        path: req.query.path,
        force: body.force,
        ifNoneMatch: ifNoneMatchStar(req.headers),
        physicalAddress: body.staging.physical_address ?? "",
        checksum: body.checksum,
        sizeBytes: body.size_bytes,
        metadata: body.user_metadata,
        contentType: body.content_type,
        mtime: body.mtime,
      });
      return writtenWire(written);
    },
  );

  app.post<Route<"createPresignMultipartUpload">>(
    "/repositories/:repository/branches/:branch/staging/pmpu",
    {
      schema: operation("createPresignMultipartUpload", {
        // More presigned part URLs than an upload may have parts is refused (the spec: any).
        querystring: {
          ...pathQuery,
          parts: { type: "integer", minimum: 0, maximum: MAX_PART_NUMBER },
        },
      }),
    },
    async (req, reply): Promise<Schema<"PresignMultipartUpload">> => {
      if (!s.presign) throw multipartUnsupported();
      const { repository, branch } = req.params;
      const { nsDir } = await branchStorage(s, repository, branch);
      const { uploadId, address } = await blocks.createMultipart(nsDir);
      const urls: string[] = [];
      for (let partNumber = 1; partNumber <= (req.query.parts ?? 0); partNumber++) {
        urls.push(presignUrl(s.presigner, req, { op: "part", uploadId, partNumber }).url);
      }
      reply.code(201);
      return {
        upload_id: uploadId,
        physical_address: blocks.physicalAddress(nsDir, { address, addressType: "relative" }),
        presigned_urls: urls,
      };
    },
  );

  app.put<Route<"uploadPart">>(
    "/repositories/:repository/branches/:branch/staging/pmpu/:uploadId/parts/:partNumber",
    { schema: operation("uploadPart", uploadOverrides) },
    async (req): Promise<Schema<"UploadTo">> => {
      if (!s.presign) throw multipartUnsupported();
      const { repository, branch, uploadId, partNumber } = req.params;
      await branchStorage(s, repository, branch);
      return {
        presigned_url: presignUrl(s.presigner, req, { op: "part", uploadId, partNumber }).url,
      };
    },
  );

  app.put<Route<"completePresignMultipartUpload">>(
    "/repositories/:repository/branches/:branch/staging/pmpu/:uploadId",
    {
      schema: operation("completePresignMultipartUpload", {
        ...uploadOverrides,
        body: nonEmpty("physical_address"),
      }),
    },
    async (req) => {
      if (!s.presign) throw multipartUnsupported();
      // The spec makes this body optional; without one there is nothing to complete.
      const body = req.body;
      if (!body) throw badRequest(BODY_MISSING);
      const written = await s.objects.completeMultipart({
        ...req.params,
        path: req.query.path,
        physicalAddress: body.physical_address,
        parts: body.parts.map((p) => ({ partNumber: p.part_number, etag: p.etag })),
        metadata: body.user_metadata,
        contentType: body.content_type,
      });
      return writtenWire(written);
    },
  );

  app.delete<Route<"abortPresignMultipartUpload">>(
    "/repositories/:repository/branches/:branch/staging/pmpu/:uploadId",
    { schema: operation("abortPresignMultipartUpload", uploadOverrides) },
    async (req, reply) => {
      if (!s.presign) throw multipartUnsupported();
      const { repository, branch, uploadId } = req.params;
      await branchStorage(s, repository, branch);
      await blocks.abortMultipart(uploadId);
      return reply.code(204).send();
    },
  );
};
