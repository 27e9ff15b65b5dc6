import type { Schema } from "lakefs-ts/api";
import { MAX_PART_NUMBER } from "../../block/multipart.js";
import { type HttpServices, type RouteArea, repositoryStorage } from "../context.js";
import { multipartUnsupported, presignUnsupported, presignUrl } from "../presigned.js";
import {
  type BranchParams,
  bool,
  boolFalse,
  branchParams,
  int,
  nonEmptyStr,
  object,
  pathQuery,
  str,
  stringMap,
} from "../validation.js";
import { writtenWire } from "../wire.js";
import { ifNoneMatchStar } from "./objects.js";

interface UploadParams extends BranchParams {
  uploadId: string;
}
const uploadParams = object({ repository: str, branch: str, uploadId: nonEmptyStr }, [
  "repository",
  "branch",
  "uploadId",
]);
const partParams = object(
  {
    repository: str,
    branch: str,
    uploadId: nonEmptyStr,
    partNumber: { type: "integer", minimum: 1, maximum: MAX_PART_NUMBER },
  },
  ["repository", "branch", "uploadId", "partNumber"],
);
const pathOnly = object(pathQuery, ["path"]);

/** The repository's namespace directory, after checking that the branch exists. */
async function branchStorage(s: HttpServices, repository: string, branch: string) {
  const storage = await repositoryStorage(s, repository);
  await s.engine.getBranch(repository, branch);
  return storage;
}

export const stagingRoutes: RouteArea = (app, s) => {
  const { blocks } = s;

  app.get<{ Params: BranchParams; Querystring: { path: string; presign?: boolean } }>(
    "/repositories/:repository/branches/:branch/staging/backing",
    {
      schema: {
        params: branchParams,
        querystring: object({ ...pathQuery, presign: bool }, ["path"]),
      },
    },
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

  app.put<{ Params: BranchParams; Querystring: { path: string }; Body: Schema<"StagingMetadata"> }>(
    "/repositories/:repository/branches/:branch/staging/backing",
    {
      schema: {
        params: branchParams,
        querystring: pathOnly,
        body: object(
          {
            staging: object({ physical_address: str }),
            checksum: str,
            size_bytes: { type: "integer", minimum: 0 },
            user_metadata: stringMap,
            content_type: str,
            mtime: int,
            force: boolFalse,
          },
          ["staging", "checksum", "size_bytes"],
        ),
      },
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

  app.post<{ Params: BranchParams; Querystring: { path: string; parts?: number } }>(
    "/repositories/:repository/branches/:branch/staging/pmpu",
    {
      schema: {
        params: branchParams,
        querystring: object(
          { ...pathQuery, parts: { type: "integer", minimum: 0, maximum: MAX_PART_NUMBER } },
          ["path"],
        ),
      },
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

  app.put<{
    Params: UploadParams & { partNumber: number };
    Querystring: { path: string };
    Body: Schema<"UploadPartFrom">;
  }>(
    "/repositories/:repository/branches/:branch/staging/pmpu/:uploadId/parts/:partNumber",
    {
      schema: {
        params: partParams,
        querystring: pathOnly,
        body: object({ physical_address: str }, ["physical_address"]),
      },
    },
    async (req): Promise<Schema<"UploadTo">> => {
      if (!s.presign) throw multipartUnsupported();
      const { repository, branch, uploadId, partNumber } = req.params;
      await branchStorage(s, repository, branch);
      return {
        presigned_url: presignUrl(s.presigner, req, { op: "part", uploadId, partNumber }).url,
      };
    },
  );

  app.put<{
    Params: UploadParams;
    Querystring: { path: string };
    Body: Schema<"CompletePresignMultipartUpload">;
  }>(
    "/repositories/:repository/branches/:branch/staging/pmpu/:uploadId",
    {
      schema: {
        params: uploadParams,
        querystring: pathOnly,
        body: object(
          {
            physical_address: nonEmptyStr,
            parts: {
              type: "array",
              items: object({ part_number: int, etag: str }, ["part_number", "etag"]),
            },
            user_metadata: stringMap,
            content_type: str,
          },
          ["physical_address", "parts"],
        ),
      },
    },
    async (req) => {
      if (!s.presign) throw multipartUnsupported();
      const body = req.body;
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

  app.delete<{ Params: UploadParams; Querystring: { path: string } }>(
    "/repositories/:repository/branches/:branch/staging/pmpu/:uploadId",
    { schema: { params: uploadParams, querystring: pathOnly } },
    async (req, reply) => {
      if (!s.presign) throw multipartUnsupported();
      const { repository, branch, uploadId } = req.params;
      await branchStorage(s, repository, branch);
      await blocks.abortMultipart(uploadId);
      return reply.code(204).send();
    },
  );
};
