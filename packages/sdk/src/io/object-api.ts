/** The lakeFS object and staging endpoints, one thin function each. */
import { type CallOptions, path as p, type RequestSpec } from "../api/http.js";
import type { Schema } from "../api/index.js";
import type { Client } from "../client.js";
import {
  ObjectExistsError,
  PreconditionFailedError,
  RangeNotSatisfiableError,
  ServerError,
} from "../errors.js";
import { bareETag, parseContentRange, rangeHeader } from "./range.js";
import type { RangeResponse } from "./reader.js";

export type ObjectStats = Schema<"ObjectStats">;
export type StagingLocation = Schema<"StagingLocation">;
/** Request bodies this module sends. */
export type ByteBody = Uint8Array | Blob | ReadableStream<Uint8Array>;

/** An object path on a reference. */
export interface ObjectLocation {
  readonly client: Client;
  readonly repository: string;
  readonly ref: string;
  readonly path: string;
}

const IF_NONE_MATCH_ANY = { "If-None-Match": "*" };
/**
 * Requests that carry object bytes get no per-request deadline (sending a large body may take
 * long); the caller's signal, which carries the whole transfer's deadline, still stops them.
 */
const BODY_TIMEOUT = 0;

const objects = (l: ObjectLocation) => p`/repositories/${l.repository}/refs/${l.ref}/objects`;
const branchObjects = (l: ObjectLocation) =>
  p`/repositories/${l.repository}/branches/${l.ref}/objects`;
const staging = (l: ObjectLocation) => p`/repositories/${l.repository}/branches/${l.ref}/staging`;

export function statObject(
  l: ObjectLocation,
  query: { presign?: boolean; userMetadata?: boolean },
  call: CallOptions,
): Promise<ObjectStats> {
  return l.client.http.request<ObjectStats>(
    {
      method: "GET",
      path: `${objects(l)}/stat`,
      query: { path: l.path, presign: query.presign, user_metadata: query.userMetadata },
      object: true,
      expect: "json",
    },
    call,
  );
}

/** HEAD: true when the object exists, false on 404. */
export async function objectExists(l: ObjectLocation, call: CallOptions): Promise<boolean> {
  try {
    await l.client.http.request(
      { method: "HEAD", path: objects(l), query: { path: l.path }, object: true, expect: "none" },
      call,
    );
    return true;
  } catch (error) {
    if (error instanceof ServerError && error.status === 404) return false;
    throw error;
  }
}

/**
 * A ranged GET, proxied through lakeFS, straight from a presigned URL (`via.url`), or through
 * lakeFS's redirect to a fresh presigned URL (`via.redirect`, followed by the transport). A 416 is
 * the end of the object, not an error.
 */
export async function getRange(
  l: ObjectLocation,
  start: number,
  length: number | undefined,
  call: CallOptions,
  via: { readonly url?: string; readonly redirect?: boolean } = {},
): Promise<RangeResponse> {
  const whole = start === 0 && length === undefined;
  const headers = whole ? undefined : { Range: rangeHeader(start, length) };
  let response: Response;
  try {
    response = await l.client.http.request(
      via.url === undefined
        ? {
            method: "GET",
            path: objects(l),
            query: { path: l.path, presign: via.redirect || undefined },
            headers,
            object: true,
            expect: "response",
          }
        : { method: "GET", url: via.url, headers, object: true, expect: "response" },
      call,
    );
  } catch (error) {
    if (error instanceof RangeNotSatisfiableError) return { body: null, start, size: error.size };
    throw error;
  }
  const etag = bareETag(response.headers.get("etag"));
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get("content-range"));
    return lazyBody(response, { start: range?.start ?? start, size: range?.size, etag });
  }
  const length0 = response.headers.get("content-length");
  const size = length0 === null ? undefined : Number(length0);
  return lazyBody(response, { start: 0, size, etag });
}

/** A range response whose stream is built only if asked for: whole reads take `bytes()`. */
function lazyBody(
  response: Response,
  fields: Omit<RangeResponse, "body" | "bytes">,
): RangeResponse {
  return {
    ...fields,
    get body() {
      return response.body ?? emptyStream();
    },
    bytes: async () => new Uint8Array(await response.arrayBuffer()),
  };
}

/** The proxied upload: streams `body` to `POST …/objects` (lakeFS computes the checksum). */
export async function uploadProxied(
  l: ObjectLocation,
  body: ByteBody,
  headers: Record<string, string>,
  exclusive: boolean,
  call: CallOptions,
): Promise<ObjectStats> {
  return writeObject(
    l,
    exclusive,
    {
      method: "POST",
      path: branchObjects(l),
      query: { path: l.path },
      headers,
      body: body as BodyInit,
    },
    { signal: call.signal, timeout: BODY_TIMEOUT },
  );
}

/** Step 1 of a presigned upload: a fresh physical address and a URL to PUT the bytes to. */
export function getPhysicalAddress(l: ObjectLocation, call: CallOptions): Promise<StagingLocation> {
  return l.client.http.request<StagingLocation>(
    {
      method: "GET",
      path: `${staging(l)}/backing`,
      query: { path: l.path, presign: true },
      expect: "json",
    },
    call,
  );
}

export interface LinkRequest {
  readonly staging: StagingLocation;
  readonly checksum: string;
  readonly sizeBytes: number;
  readonly metadata: Record<string, string>;
  readonly contentType?: string;
}

/** Step 3 of a presigned upload: make the uploaded bytes the object. */
export function linkPhysicalAddress(
  l: ObjectLocation,
  link: LinkRequest,
  exclusive: boolean,
  call: CallOptions,
): Promise<ObjectStats> {
  return writeObject(
    l,
    exclusive,
    {
      method: "PUT",
      path: `${staging(l)}/backing`,
      query: { path: l.path },
      json: {
        staging: link.staging,
        checksum: link.checksum,
        size_bytes: link.sizeBytes,
        user_metadata: link.metadata,
        content_type: link.contentType,
        force: false,
      },
      // The server answers "already exists" to a repeated link: not blindly repeatable.
      idempotent: false,
    },
    call,
  );
}

export type MultipartUpload = Schema<"PresignMultipartUpload">;

export function createMultipartUpload(
  l: ObjectLocation,
  parts: number | undefined,
  call: CallOptions,
): Promise<MultipartUpload> {
  return l.client.http.request<MultipartUpload>(
    {
      method: "POST",
      path: `${staging(l)}/pmpu`,
      query: { path: l.path, parts },
      expect: "json",
    },
    call,
  );
}

/** A (fresh) presigned URL for one part of a multipart upload. */
export async function multipartPartUrl(
  l: ObjectLocation,
  upload: MultipartUpload,
  partNumber: number,
  call: CallOptions,
): Promise<string> {
  const result = await l.client.http.request<Schema<"UploadTo">>(
    {
      method: "PUT",
      path: `${staging(l)}/pmpu/${encodeURIComponent(upload.upload_id)}/parts/${partNumber}`,
      query: { path: l.path },
      json: { physical_address: upload.physical_address },
      expect: "json",
    },
    call,
  );
  return result.presigned_url;
}

export interface CompleteRequest {
  readonly parts: readonly Schema<"UploadPart">[];
  readonly metadata: Record<string, string>;
  readonly contentType?: string;
}

export function completeMultipartUpload(
  l: ObjectLocation,
  upload: MultipartUpload,
  complete: CompleteRequest,
  exclusive: boolean,
  call: CallOptions,
): Promise<ObjectStats> {
  return writeObject(
    l,
    exclusive,
    {
      method: "PUT",
      path: `${staging(l)}/pmpu/${encodeURIComponent(upload.upload_id)}`,
      query: { path: l.path },
      json: {
        physical_address: upload.physical_address,
        parts: complete.parts,
        user_metadata: complete.metadata,
        content_type: complete.contentType,
      },
      idempotent: false,
    },
    call,
  );
}

export function abortMultipartUpload(
  l: ObjectLocation,
  upload: MultipartUpload,
  call: CallOptions,
): Promise<void> {
  return l.client.http.request(
    {
      method: "DELETE",
      path: `${staging(l)}/pmpu/${encodeURIComponent(upload.upload_id)}`,
      query: { path: l.path },
      json: { physical_address: upload.physical_address },
      expect: "none",
    },
    call,
  );
}

/** PUTs bytes to a presigned URL; returns the checksum the store reports (ETag or Content-MD5). */
export async function putPresigned(
  l: ObjectLocation,
  url: string,
  body: Uint8Array | Blob,
  headers: Record<string, string>,
  call: CallOptions,
): Promise<string> {
  const response = await l.client.http.request(
    { method: "PUT", url, body: body as BodyInit, headers, expect: "response" },
    { signal: call.signal, timeout: BODY_TIMEOUT },
  );
  await response.body?.cancel();
  const md5 = response.headers.get("content-md5");
  const checksum = md5 ? base64ToHex(md5) : bareETag(response.headers.get("etag"));
  if (!checksum) {
    throw new ServerError({
      status: response.status,
      message: "presigned upload response carries no ETag (is it exposed to this client?)",
      headers: response.headers,
      operation: `PUT ${new URL(url).origin}`,
    });
  }
  return checksum;
}

/** What lakeFS lets a delete (of one object or a batch) ask for. */
export interface DeleteObjectOptions extends CallOptions {
  /** Bypass a read-only repository. */
  readonly force?: boolean;
  /** Experimental in lakeFS: remove the entry without leaving a tombstone when possible. */
  readonly noTombstone?: boolean;
}

export async function deleteObject(l: ObjectLocation, options: DeleteObjectOptions): Promise<void> {
  const { force, noTombstone, ...call } = options;
  await l.client.http.request(
    {
      method: "DELETE",
      path: branchObjects(l),
      query: { path: l.path, force, no_tombstone: noTombstone },
      object: true,
      expect: "none",
    },
    call,
  );
}

export function copyObject(
  l: ObjectLocation,
  destinationBranch: string,
  destinationPath: string,
  call: CallOptions,
): Promise<ObjectStats> {
  return l.client.http.request<ObjectStats>(
    {
      method: "POST",
      path: `${p`/repositories/${l.repository}/branches/${destinationBranch}/objects`}/copy`,
      query: { dest_path: destinationPath },
      json: { src_path: l.path, src_ref: l.ref, force: false, shallow: false },
      expect: "json",
    },
    call,
  );
}

/** Replaces the object's user metadata. */
export async function updateUserMetadata(
  l: ObjectLocation,
  metadata: Record<string, string>,
  call: CallOptions,
): Promise<void> {
  await l.client.http.request(
    {
      method: "PUT",
      path: `${branchObjects(l)}/stat/user_metadata`,
      query: { path: l.path },
      json: { set: metadata },
      object: true,
      expect: "none",
    },
    call,
  );
}

/**
 * A write answered with the object's stats. A create-only (`exclusive`) write sends
 * `If-None-Match: *`, and its 412 becomes ObjectExistsError whichever endpoint sent it.
 */
async function writeObject(
  l: ObjectLocation,
  exclusive: boolean,
  spec: Omit<RequestSpec, "expect">,
  call: CallOptions,
): Promise<ObjectStats> {
  const headers = exclusive ? { ...spec.headers, ...IF_NONE_MATCH_ANY } : spec.headers;
  try {
    return await l.client.http.request<ObjectStats>({ ...spec, headers, expect: "json" }, call);
  } catch (error) {
    if (
      exclusive &&
      error instanceof PreconditionFailedError &&
      !(error instanceof ObjectExistsError)
    ) {
      throw new ObjectExistsError(
        {
          status: error.status,
          message: error.message,
          body: error.body,
          headers: error.headers,
          operation: error.operation,
        },
        { cause: error },
      );
    }
    throw error;
  }
}

function base64ToHex(value: string): string | undefined {
  try {
    return Array.from(atob(value.trim()), (c) =>
      c.charCodeAt(0).toString(16).padStart(2, "0"),
    ).join("");
  } catch {
    return undefined;
  }
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (c) => c.close() });
}
