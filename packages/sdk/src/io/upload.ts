/**
 * Uploading an object without holding it in memory. Three paths:
 * - proxied: the body streams to `POST …/objects` (lakeFS computes the checksum);
 * - presigned single PUT: bytes go straight to storage, then the address is linked;
 * - presigned multipart: parts of `partSize` are PUT `concurrency` at a time, then completed.
 * Memory stays bounded by partSize × concurrency on every path (part buffers are reused once
 * sent; 2 × 8 MiB by default for a stream), except a proxied upload of unknown length in a browser, which is gathered into a Blob
 * first (browsers cannot stream a request body over HTTP/1.1).
 */
import type { CallOptions } from "../api/http.js";
import { InvalidArgumentError, LakeFSError, ObjectExistsError, ServerError } from "../errors.js";
import type { ServerStorageConfiguration } from "../models.js";
import {
  assertUploadBody,
  byteChunks,
  collectBlob,
  fixedBody,
  knownSize,
  toReadableStream,
  type UploadBody,
} from "./body.js";
import { deadline } from "./deadline.js";
import { metadataHeaders, normaliseMetadata } from "./metadata.js";
import { checkWriteMode, isExclusive, type WriteMode } from "./modes.js";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  getPhysicalAddress,
  linkPhysicalAddress,
  type MultipartUpload,
  multipartPartUrl,
  type ObjectLocation,
  type ObjectStats,
  objectExists,
  putPresigned,
  uploadProxied,
} from "./object-api.js";
import {
  checkConcurrency,
  DEFAULT_CONCURRENCY,
  DEFAULT_PART_SIZE,
  DEFAULT_STREAM_CONCURRENCY,
  fixedSizeParts,
  MAX_UPLOAD_PARTS,
  PartBuffers,
  uploadPartSize,
} from "./parts.js";
import { orderedPool } from "./pool.js";
import { counted, type ProgressCallback, ProgressTracker } from "./progress.js";
import { isServerRuntime } from "./runtime.js";
import { storageFor } from "./storage.js";

export interface UploadOptions extends CallOptions {
  /** `w`/`wb` (default) overwrite; `x`/`xb` fail with ObjectExistsError if the object exists. */
  readonly mode?: WriteMode;
  /** Default `application/octet-stream`. */
  readonly contentType?: string;
  /** User metadata; keys are stored lower-case on every upload path. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Force (true) or avoid (false) presigned URLs; default: whatever the server supports. */
  readonly preSign?: boolean;
  /** Multipart part size in bytes (5 MiB–5 GiB); default 8 MiB. Objects this big go multipart. */
  readonly partSize?: number;
  /**
   * Parts uploaded at once; default 4, or 2 for bodies of unknown length (streams, iterables,
   * writers), whose parts are buffered: memory grows by partSize per part in flight.
   */
  readonly concurrency?: number;
  readonly onProgress?: ProgressCallback;
}

/** Presigned part URLs older than this are replaced before use (lakeFS issues 15-minute URLs). */
const PART_URL_MAX_AGE_MS = 10 * 60_000;
/** Cleanup after a failure must not inherit the failed call's (possibly aborted) signal. */
const CLEANUP_TIMEOUT_MS = 30_000;

interface Upload extends CheckedUploadOptions {
  readonly location: ObjectLocation;
  readonly tracker: ProgressTracker;
  readonly call: CallOptions;
}

/** Options validated and normalised: what an upload needs besides its body and target. */
export interface CheckedUploadOptions {
  readonly exclusive: boolean;
  readonly contentType: string | undefined;
  readonly metadata: Record<string, string>;
  readonly partSize: number;
  readonly concurrency: number;
}

/**
 * Validates upload options for a body of `size` bytes (unknown: undefined); throws
 * InvalidArgumentError.
 */
export function checkUploadOptions(options: UploadOptions, size?: number): CheckedUploadOptions {
  const mode = checkWriteMode(options.mode ?? "w");
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    throw new InvalidArgumentError("onProgress must be a function");
  }
  return {
    exclusive: isExclusive(mode),
    contentType: checkContentType(options.contentType),
    metadata: normaliseMetadata(options.metadata),
    partSize: uploadPartSize(options.partSize ?? DEFAULT_PART_SIZE, size),
    concurrency: checkConcurrency(
      options.concurrency ??
        (size === undefined ? DEFAULT_STREAM_CONCURRENCY : DEFAULT_CONCURRENCY),
    ),
  };
}

/** Uploads `body` to the object at `location` (whose `ref` is a branch) and returns its stats. */
export async function uploadObject(
  location: ObjectLocation,
  body: UploadBody,
  options: UploadOptions = {},
): Promise<ObjectStats> {
  assertUploadBody(body);
  const size = knownSize(body);
  const checked = checkUploadOptions(options, size);
  const limit = deadline(options, `upload ${location.path}`);
  const upload: Upload = {
    ...checked,
    location,
    tracker: new ProgressTracker(options.onProgress, size),
    call: { signal: limit.signal },
  };
  try {
    if (options.preSign === false) return await uploadProxiedBody(upload, body);
    const storage = await storageFor(location.client, location.repository, upload.call);
    if (!(options.preSign ?? storage.preSignSupport)) return await uploadProxiedBody(upload, body);
    return await uploadPresigned(upload, body, storage);
  } finally {
    limit.dispose();
  }
}

async function uploadProxiedBody(upload: Upload, body: UploadBody): Promise<ObjectStats> {
  const fixed = fixedBody(body);
  // Server runtimes stream unknown lengths, and known ones when progress is wanted: counted as
  // the transport takes them, in small slices, so progress follows the bytes sent. Otherwise the
  // body goes whole (browsers cannot stream request bodies) and progress comes with the answer.
  const whole =
    isServerRuntime() && (!fixed || upload.tracker.wantsUpdates)
      ? undefined
      : (fixed ?? (await collectBlob(byteChunks(body))));
  const payload = whole ?? toReadableStream(counted(progressSlices(body), upload.tracker));
  const headers = {
    "Content-Type": upload.contentType ?? "application/octet-stream",
    ...metadataHeaders(upload.metadata),
  };
  const stats = await uploadProxied(
    upload.location,
    payload,
    headers,
    upload.exclusive,
    upload.call,
  );
  if (whole) upload.tracker.add(whole instanceof Blob ? whole.size : whole.byteLength);
  if (upload.tracker.loadedBytes === 0) upload.tracker.report();
  return stats;
}

/** Bytes per progress step of an in-memory body: the transport takes it slice by slice. */
const PROGRESS_SLICE_BYTES = 256 * 1024;

/** The body's chunks, in-memory byte arrays cut into views of `PROGRESS_SLICE_BYTES` (no copy). */
async function* progressSlices(body: UploadBody): AsyncGenerator<Uint8Array> {
  for await (const chunk of byteChunks(body)) {
    for (let at = 0; at < chunk.byteLength; at += PROGRESS_SLICE_BYTES) {
      yield chunk.subarray(at, at + PROGRESS_SLICE_BYTES);
    }
  }
}

async function uploadPresigned(
  upload: Upload,
  body: UploadBody,
  storage: ServerStorageConfiguration,
): Promise<ObjectStats> {
  if (upload.exclusive) await assertAbsent(upload);
  const fixed = fixedBody(body);
  if (fixed) {
    const size = fixed instanceof Blob ? fixed.size : fixed.byteLength;
    if (size < upload.partSize || !storage.preSignMultipartUpload) {
      return uploadSingle(upload, fixed, storage);
    }
    return uploadMultipart(
      upload,
      sliceParts(fixed, upload.partSize),
      Math.ceil(size / upload.partSize),
    );
  }
  // Unknown length: look at the first two parts to choose the path.
  const buffers = new PartBuffers(upload.partSize);
  const parts = fixedSizeParts(byteChunks(body), buffers);
  try {
    const first = await parts.next();
    const second = first.done ? first : await parts.next();
    if (second.done) {
      return await uploadSingle(upload, first.done ? new Uint8Array(0) : first.value, storage);
    }
    const all = prepend([first.value as Uint8Array, second.value], parts);
    if (storage.preSignMultipartUpload) {
      return await uploadMultipart(upload, all, undefined, buffers);
    }
    // Presigned single PUTs need a length up front: stream it through lakeFS instead.
    return await uploadProxiedBody(upload, all);
  } finally {
    // Releases the caller's stream if the upload stopped before reading all of it.
    await parts.return(undefined);
  }
}

async function uploadSingle(
  upload: Upload,
  bytes: Uint8Array | Blob,
  storage: ServerStorageConfiguration,
): Promise<ObjectStats> {
  const { location, call } = upload;
  const staging = await getPhysicalAddress(location, call);
  if (!staging.presigned_url) {
    throw new LakeFSError("the server returned no presigned URL for a presigned upload");
  }
  const headers: Record<string, string> = {};
  if (upload.contentType) headers["Content-Type"] = upload.contentType;
  if (storage.blockstoreType === "azure") headers["x-ms-blob-type"] = "BlockBlob";
  const checksum = await putPresigned(location, staging.presigned_url, bytes, headers, call);
  const size = bytes instanceof Blob ? bytes.size : bytes.byteLength;
  upload.tracker.add(size);
  if (size === 0) upload.tracker.report();
  return linkPhysicalAddress(
    location,
    {
      staging,
      checksum,
      sizeBytes: size,
      metadata: upload.metadata,
      contentType: upload.contentType,
    },
    upload.exclusive,
    call,
  );
}

/** `buffers`: where the parts came from, to reuse each once sent (never the caller's own bytes). */
async function uploadMultipart(
  upload: Upload,
  parts: AsyncIterable<Uint8Array | Blob> | Iterable<Uint8Array | Blob>,
  partCount: number | undefined,
  buffers?: PartBuffers,
): Promise<ObjectStats> {
  const { location, call } = upload;
  const created = await createMultipartUpload(location, partCount, call);
  const urls = new PartUrls(upload, created);
  try {
    const etags: { part_number: number; etag: string }[] = [];
    const uploaded = orderedPool(
      parts,
      upload.concurrency,
      async (part, index, signal) => {
        const partNumber = index + 1;
        if (partNumber > MAX_UPLOAD_PARTS) {
          throw new InvalidArgumentError(
            `the body needs more than ${MAX_UPLOAD_PARTS} parts of ${upload.partSize} bytes: pass a larger partSize`,
          );
        }
        const etag = await urls.put(partNumber, part, { signal });
        upload.tracker.add(part instanceof Blob ? part.size : part.byteLength);
        // The transport has sent every byte once the PUT answered.
        if (buffers && part instanceof Uint8Array) buffers.give(part);
        return { part_number: partNumber, etag };
      },
      call.signal,
    );
    for await (const part of uploaded) etags.push(part);
    return await completeMultipartUpload(
      location,
      created,
      { parts: etags, metadata: upload.metadata, contentType: upload.contentType },
      upload.exclusive,
      call,
    );
  } catch (error) {
    // Leave nothing behind: the parts are discarded and no object appears.
    await abortMultipartUpload(location, created, { timeout: CLEANUP_TIMEOUT_MS }).catch(() => {});
    throw error;
  }
}

/** Presigned part URLs: those from the create call while fresh, then new ones per part. */
class PartUrls {
  readonly #upload: Upload;
  readonly #created: MultipartUpload;
  readonly #issuedAt = Date.now();

  constructor(upload: Upload, created: MultipartUpload) {
    this.#upload = upload;
    this.#created = created;
  }

  /** PUTs one part and returns its ETag; an expired URL (403) is replaced once. */
  async put(partNumber: number, part: Uint8Array | Blob, call: CallOptions): Promise<string> {
    const initial = this.#initial(partNumber);
    const url = initial ?? (await this.#fresh(partNumber, call));
    try {
      return await putPresigned(this.#upload.location, url, part, {}, call);
    } catch (error) {
      if (!initial || !(error instanceof ServerError) || error.status !== 403) throw error;
      return putPresigned(
        this.#upload.location,
        await this.#fresh(partNumber, call),
        part,
        {},
        call,
      );
    }
  }

  #initial(partNumber: number): string | undefined {
    if (Date.now() - this.#issuedAt > PART_URL_MAX_AGE_MS) return undefined;
    return this.#created.presigned_urls?.[partNumber - 1];
  }

  #fresh(partNumber: number, call: CallOptions): Promise<string> {
    return multipartPartUrl(this.#upload.location, this.#created, partNumber, call);
  }
}

/** x modes on presigned paths: refuse before the bytes are sent, not after. */
async function assertAbsent(upload: Upload): Promise<void> {
  if (await objectExists(upload.location, upload.call)) {
    throw new ObjectExistsError({
      status: 412,
      message: "path already exists",
      operation: `HEAD ${upload.location.path}`,
    });
  }
}

function* sliceParts(body: Uint8Array | Blob, partSize: number): Generator<Uint8Array | Blob> {
  const size = body instanceof Blob ? body.size : body.byteLength;
  for (let start = 0; start < size; start += partSize) {
    yield body instanceof Blob
      ? body.slice(start, start + partSize)
      : body.subarray(start, start + partSize);
  }
}

async function* prepend(
  head: readonly Uint8Array[],
  rest: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield* head;
  yield* rest;
}

function checkContentType(contentType: unknown): string | undefined {
  if (contentType === undefined) return undefined;
  if (typeof contentType !== "string" || !/^[\t\x20-\x7e]+$/.test(contentType)) {
    throw new InvalidArgumentError(
      `contentType must be a non-empty string of printable ASCII, got ${JSON.stringify(contentType)}`,
    );
  }
  return contentType;
}
