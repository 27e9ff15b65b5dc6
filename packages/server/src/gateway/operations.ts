/** Which S3 operation a request is: by method, by what it addresses, and by its sub-resources. */
import type { FastifyReply } from "fastify";
import type { OpContext } from "./context.js";
import { S3Error } from "./errors.js";
import { getBucketLocation, headBucket, listBuckets } from "./ops/buckets.js";
import { copyObject } from "./ops/copy.js";
import { listObjectsV1, listObjectsV2 } from "./ops/list-objects.js";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
  uploadPartCopy,
} from "./ops/multipart.js";
import { deleteObject, deleteObjects, getObject, putObject } from "./ops/objects.js";
import { hasQueryParam, headerValue, queryParam } from "./request-view.js";

/** Sub-resources lakeFS does not implement (ACLs, tagging, versioning, policies, …). */
const UNSUPPORTED = [
  "acl",
  "cors",
  "encryption",
  "lifecycle",
  "logging",
  "notification",
  "object-lock",
  "policy",
  "replication",
  "restore",
  "retention",
  "legal-hold",
  "select",
  "tagging",
  "torrent",
  "versioning",
  "versions",
  "website",
  "accelerate",
  "analytics",
  "inventory",
  "metrics",
  "ownershipControls",
  "publicAccessBlock",
  "requestPayment",
  "attributes",
];

const notAllowed = () =>
  new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.");
const notImplemented = () =>
  new S3Error(
    "NotImplemented",
    "A header or query you provided implies functionality that is not implemented.",
  );

export async function routeOperation(ctx: OpContext): Promise<FastifyReply> {
  const { view, target } = ctx;
  const method = view.method;
  const has = (name: string) => hasQueryParam(view, name);
  if (UNSUPPORTED.some(has)) throw notImplemented();
  if (target.bucket === undefined) {
    if (method === "GET") return listBuckets(ctx);
    throw notAllowed();
  }
  if (target.key === undefined) {
    switch (method) {
      case "GET":
        if (has("location")) return getBucketLocation(ctx);
        if (has("uploads")) return listMultipartUploads(ctx);
        if (queryParam(view, "list-type") === "2") return listObjectsV2(ctx);
        return listObjectsV1(ctx);
      case "HEAD":
        return headBucket(ctx);
      case "POST":
        if (has("delete")) return deleteObjects(ctx);
        throw notAllowed();
      case "PUT":
      case "DELETE":
        // Buckets are repositories: created and deleted through the lakeFS API.
        throw notImplemented();
      default:
        throw notAllowed();
    }
  }
  const copying = headerValue(view, "x-amz-copy-source") !== undefined;
  switch (method) {
    case "GET":
      return has("uploadId") ? listParts(ctx) : getObject(ctx, false);
    case "HEAD":
      return getObject(ctx, true);
    case "PUT":
      if (has("uploadId")) return copying ? uploadPartCopy(ctx) : uploadPart(ctx);
      return copying ? copyObject(ctx) : putObject(ctx);
    case "POST":
      if (has("uploads")) return createMultipartUpload(ctx);
      if (has("uploadId")) return completeMultipartUpload(ctx);
      throw notAllowed();
    case "DELETE":
      return has("uploadId") ? abortMultipartUpload(ctx) : deleteObject(ctx);
    default:
      throw notAllowed();
  }
}
