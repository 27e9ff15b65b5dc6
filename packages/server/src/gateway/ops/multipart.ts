/**
 * Multipart uploads: Create, UploadPart, UploadPartCopy, Complete (into a composite object, no
 * byte copy; ETag md5-of-md5s-N), Abort, ListParts, ListMultipartUploads. Each upload records
 * its bucket, key, metadata and content type, and only answers to that bucket and key.
 */
import { MultipartError, type UploadDescription } from "../../block/multipart.js";
import { compareKeys } from "../../core/entry.js";
import { abortOnDisconnect } from "../../http/routes/objects.js";
import { DEFAULT_CONTENT_TYPE } from "../../service/object-writes.js";
import { bucketOf, type OpContext, objectKey, requireBranch } from "../context.js";
import { copyRange, copySource } from "../copy-source.js";
import { S3Error } from "../errors.js";
import { isoTime, metadataFromHeaders } from "../object-headers.js";
import { headerValue, queryParam } from "../request-view.js";
import { children, parseXml, readSmallBody, sendXml } from "../xml.js";
import { ownerOf } from "./buckets.js";
import { ifNoneMatchStar } from "./objects.js";

/** S3's minimum size of every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_COMPLETE_BODY_BYTES = 4 * 1024 * 1024;
const MAX_LISTED = 1000;

/** What an upload records about its object. */
type UploadInfo = {
  readonly gateway: true;
  readonly repository: string;
  readonly key: string;
  readonly metadata: Record<string, string>;
  readonly contentType: string;
};

const noSuchUpload = () =>
  new S3Error(
    "NoSuchUpload",
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
  );

const CODE_OF_FAILURE = {
  "no-such-upload": "NoSuchUpload",
  "invalid-part": "InvalidPart",
  "invalid-part-order": "InvalidPartOrder",
  "part-too-small": "EntityTooSmall",
} as const;

/** Runs a block-store multipart call, reporting its refusals with S3's codes. */
async function multipartCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof MultipartError) throw new S3Error(CODE_OF_FAILURE[err.failure], err.message);
    throw err;
  }
}

function isGatewayUpload(info: Readonly<Record<string, unknown>>): info is UploadInfo {
  return (
    info.gateway === true && typeof info.repository === "string" && typeof info.key === "string"
  );
}

/** The addressed upload; NoSuchUpload unless it was created for this bucket and key. */
async function addressedUpload(
  ctx: OpContext,
): Promise<{ uploadId: string; info: UploadInfo; created: number }> {
  const uploadId = queryParam(ctx.view, "uploadId") ?? "";
  const upload = await multipartCall(() => ctx.services.blocks.describeMultipart(uploadId));
  const info = upload.info;
  if (
    !isGatewayUpload(info) ||
    info.repository !== ctx.target.bucket ||
    info.key !== ctx.target.key
  ) {
    throw noSuchUpload();
  }
  return { uploadId, info, created: upload.created };
}

function partNumberOf(ctx: OpContext): number {
  const text = queryParam(ctx.view, "partNumber") ?? "";
  const n = /^\d{1,5}$/.test(text) ? Number(text) : 0;
  if (n < 1 || n > 10_000) {
    throw new S3Error(
      "InvalidArgument",
      "Part number must be an integer between 1 and 10000, inclusive",
    );
  }
  return n;
}

export async function createMultipartUpload(ctx: OpContext) {
  const { repository, nsDir } = await bucketOf(ctx);
  const { ref } = objectKey(ctx);
  await requireBranch(ctx, repository.id, ref);
  const info: UploadInfo = {
    gateway: true,
    repository: repository.id,
    key: ctx.target.key!,
    metadata: metadataFromHeaders(ctx.view),
    contentType: headerValue(ctx.view, "content-type") || DEFAULT_CONTENT_TYPE,
  };
  const { uploadId } = await ctx.services.blocks.createMultipart(nsDir, { ...info });
  return sendXml(ctx.reply, "InitiateMultipartUploadResult", {
    Bucket: repository.id,
    Key: info.key,
    UploadId: uploadId,
  });
}

export async function uploadPart(ctx: OpContext) {
  const partNumber = partNumberOf(ctx);
  const { uploadId } = await addressedUpload(ctx);
  const { etag } = await multipartCall(() =>
    ctx.services.blocks.putPart(uploadId, partNumber, ctx.body(), {
      signal: abortOnDisconnect(ctx.request.raw),
    }),
  );
  return ctx.reply.code(200).header("ETag", `"${etag}"`).send();
}

export async function uploadPartCopy(ctx: OpContext) {
  const partNumber = partNumberOf(ctx);
  const { uploadId } = await addressedUpload(ctx);
  const source = await copySource(ctx);
  const range = copyRange(ctx, source.entry.size);
  const { blocks } = ctx.services;
  const opened = await blocks.open(source.nsDir, source.entry, range);
  const { etag } = await multipartCall(() => blocks.putPart(uploadId, partNumber, opened.stream));
  return sendXml(ctx.reply, "CopyPartResult", {
    LastModified: new Date().toISOString(),
    ETag: `"${etag}"`,
  });
}

function requestedParts(doc: Record<string, unknown>) {
  return children(doc, "Part").map((node) => {
    const part = node as Record<string, unknown>;
    const number = String(part?.PartNumber ?? "");
    const etag = part?.ETag;
    if (!/^\d{1,5}$/.test(number) || typeof etag !== "string") {
      throw new S3Error("MalformedXML", "Each Part needs a PartNumber and an ETag");
    }
    return { partNumber: Number(number), etag };
  });
}

export async function completeMultipartUpload(ctx: OpContext) {
  const { repository } = await bucketOf(ctx);
  const { ref, path } = objectKey(ctx);
  const ifNoneMatch = ifNoneMatchStar(ctx);
  const { uploadId, info } = await addressedUpload(ctx);
  const doc = parseXml(
    await readSmallBody(ctx.body(), MAX_COMPLETE_BODY_BYTES),
    "CompleteMultipartUpload",
  );
  const parts = requestedParts(doc);
  if (parts.length === 0) {
    throw new S3Error("MalformedXML", "You must specify at least one part");
  }
  await requireBranch(ctx, repository.id, ref);
  const { entry } = await multipartCall(() =>
    ctx.services.objects.completeMultipart({
      repository: repository.id,
      branch: ref,
      path,
      ifNoneMatch,
      uploadId,
      parts,
      metadata: info.metadata,
      contentType: info.contentType,
      minPartSize: MIN_PART_BYTES,
    }),
  );
  return sendXml(ctx.reply, "CompleteMultipartUploadResult", {
    Location: `/${repository.id}/${info.key}`,
    Bucket: repository.id,
    Key: info.key,
    ETag: `"${entry.etag}"`,
  });
}

export async function abortMultipartUpload(ctx: OpContext) {
  const { uploadId } = await addressedUpload(ctx);
  await multipartCall(() => ctx.services.blocks.abortMultipart(uploadId));
  return ctx.reply.code(204).send();
}

function limitOf(ctx: OpContext, name: string): number {
  const text = queryParam(ctx.view, name);
  if (text === undefined || text === "") return MAX_LISTED;
  if (!/^\d{1,9}$/.test(text))
    throw new S3Error("InvalidArgument", `${name} must be a non-negative integer`);
  return Math.min(Number(text), MAX_LISTED);
}

export async function listParts(ctx: OpContext) {
  const { uploadId, info } = await addressedUpload(ctx);
  const marker = Number(queryParam(ctx.view, "part-number-marker") ?? "0") || 0;
  const maxParts = limitOf(ctx, "max-parts");
  const all = (await multipartCall(() => ctx.services.blocks.multipartParts(uploadId))).filter(
    (p) => p.partNumber > marker,
  );
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  return sendXml(ctx.reply, "ListPartsResult", {
    Bucket: info.repository,
    Key: info.key,
    UploadId: uploadId,
    Initiator: ownerOf(ctx),
    Owner: ownerOf(ctx),
    StorageClass: "STANDARD",
    PartNumberMarker: marker,
    ...(truncated ? { NextPartNumberMarker: page[page.length - 1]!.partNumber } : {}),
    MaxParts: maxParts,
    IsTruncated: truncated,
    Part: page.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: new Date(p.modified).toISOString(),
      ETag: `"${p.etag}"`,
      Size: p.size,
    })),
  });
}

export async function listMultipartUploads(ctx: OpContext) {
  const { repository } = await bucketOf(ctx);
  const prefix = queryParam(ctx.view, "prefix") ?? "";
  const keyMarker = queryParam(ctx.view, "key-marker") ?? "";
  const idMarker = queryParam(ctx.view, "upload-id-marker") ?? "";
  const maxUploads = limitOf(ctx, "max-uploads");
  const keyOf = (u: UploadDescription) => (u.info as UploadInfo).key;
  const uploads = (
    await ctx.services.blocks.listMultipart(
      (info) =>
        isGatewayUpload(info) && info.repository === repository.id && info.key.startsWith(prefix),
    )
  )
    .sort(
      (a, b) =>
        compareKeys(keyOf(a), keyOf(b)) ||
        a.created - b.created ||
        compareKeys(a.uploadId, b.uploadId),
    )
    .filter((u) => {
      const order = compareKeys(keyOf(u), keyMarker);
      return (
        !keyMarker ||
        order > 0 ||
        (order === 0 && idMarker !== "" && compareKeys(u.uploadId, idMarker) > 0)
      );
    });
  const page = uploads.slice(0, maxUploads);
  const truncated = uploads.length > page.length;
  const last = page[page.length - 1];
  return sendXml(ctx.reply, "ListMultipartUploadsResult", {
    Bucket: repository.id,
    KeyMarker: keyMarker,
    UploadIdMarker: idMarker,
    ...(truncated && last ? { NextKeyMarker: keyOf(last), NextUploadIdMarker: last.uploadId } : {}),
    Prefix: prefix,
    MaxUploads: maxUploads,
    IsTruncated: truncated,
    Upload: page.map((u) => ({
      Key: keyOf(u),
      UploadId: u.uploadId,
      Initiator: ownerOf(ctx),
      Owner: ownerOf(ctx),
      StorageClass: "STANDARD",
      Initiated: isoTime(u.created / 1000),
    })),
  });
}
