/**
 * Direct-to-storage writes: hand out a backing address (optionally with a presigned PUT URL),
 * link written bytes into a branch, and presigned multipart uploads (only when presign is on).
 */
import { Readable } from "node:stream";
import type { Schema } from "lakefs-ts/api";
import type { EntryLocation, LocalBlockStore } from "../../block/local.js";
import { MAX_PART_NUMBER } from "../../block/multipart.js";
import type { Entry } from "../../core/entry.js";
import { badRequest, EngineError } from "../../core/errors.js";
import { type HttpServices, type RouteArea, repositoryStorage } from "../context.js";
import { multipartUnsupported, presignUnsupported, presignUrl } from "../presigned.js";
import { DEFAULT_CONTENT_TYPE, nowSeconds, storedEntry } from "../upload-body.js";
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
import { objectStatsWire } from "../wire.js";
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

/**
 * The size of the bytes at a staged address. An address of this namespace with nothing written
 * there, claimed as 0 bytes, becomes an empty object (lakeFS links it too): it is written as an
 * empty file, so reads, copies and fsck see an ordinary object. Other missing data stays 410.
 */
async function sizeForLink(
  blocks: LocalBlockStore,
  nsDir: string,
  location: EntryLocation,
  claimedSize: number,
): Promise<number> {
  try {
    return await blocks.size(nsDir, location);
  } catch (err) {
    const missing = err instanceof EngineError && err.kind === "gone";
    const ours = location.addressType === "relative" && location.address.startsWith("data/");
    if (!missing || claimedSize !== 0 || !ours) throw err;
    await blocks.put(nsDir, Readable.from([]), { address: location.address });
    return 0;
  }
}

export const stagingRoutes: RouteArea = (app, s) => {
  const { engine, blocks } = s;

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
      const { repository, branch } = req.params;
      const path = req.query.path;
      const body = req.body;
      const ifNoneMatch = ifNoneMatchStar(req.headers);
      const checksum = body.checksum.replaceAll('"', "");
      if (checksum === "") throw badRequest("checksum is required");
      if (!body.staging.physical_address) throw badRequest("physical address is required");
      const { nsDir } = await branchStorage(s, repository, branch);
      const location = blocks.linkableAddress(nsDir, body.staging.physical_address);
      // Refuse to link an address with other bytes than claimed.
      const actualSize = await sizeForLink(blocks, nsDir, location, body.size_bytes);
      if (actualSize !== body.size_bytes) {
        throw badRequest(
          `size_bytes ${body.size_bytes} does not match the ${actualSize} bytes at the physical address`,
        );
      }
      const entry: Entry = {
        ...location,
        size: body.size_bytes,
        etag: checksum,
        mtime: body.mtime ?? nowSeconds(),
        metadata: body.user_metadata ?? {},
        contentType: body.content_type || DEFAULT_CONTENT_TYPE,
      };
      await engine.stageEntry(repository, branch, path, entry, { force: body.force, ifNoneMatch });
      return objectStatsWire(path, entry, {
        physicalAddress: blocks.physicalAddress(nsDir, entry),
      });
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
      const { repository, branch, uploadId } = req.params;
      const body = req.body;
      if (body.parts.length === 0) throw badRequest("parts: at least one part is required");
      const { nsDir } = await branchStorage(s, repository, branch);
      const claimed = blocks.linkableAddress(nsDir, body.physical_address);
      const stored = await blocks.completeMultipart(
        uploadId,
        body.parts.map((p) => ({ partNumber: p.part_number, etag: p.etag.replaceAll('"', "") })),
      );
      if (claimed.addressType !== "relative" || claimed.address !== stored.address) {
        throw badRequest("physical_address does not belong to this upload");
      }
      const entry = storedEntry(
        stored,
        body.user_metadata ?? {},
        body.content_type || DEFAULT_CONTENT_TYPE,
      );
      await engine.stageEntry(repository, branch, req.query.path, entry);
      return objectStatsWire(req.query.path, entry, {
        physicalAddress: blocks.physicalAddress(nsDir, entry),
      });
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
