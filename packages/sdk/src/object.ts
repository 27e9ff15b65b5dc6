/**
 * Object handles: `StoredObject` reads an object on any reference, `WriteableObject` (from
 * `Branch.object()`) also writes it. Handles are cheap: nothing is sent until a method is called.
 */
import type { CallOptions } from "./api/http.js";
import { type Client, defaultClient } from "./client.js";
import { InvalidArgumentError } from "./errors.js";
import type { UploadBody } from "./io/body.js";
import { type DownloadOptions, downloadObject } from "./io/download.js";
import { normaliseMetadata } from "./io/metadata.js";
import { checkReadMode, type ReadMode } from "./io/modes.js";
import {
  copyObject,
  type DeleteObjectOptions,
  deleteObject,
  type ObjectLocation,
  objectExists,
  statObject,
  updateUserMetadata,
} from "./io/object-api.js";
import { objectRangeSource } from "./io/object-source.js";
import { ObjectReader, type ReaderOptions } from "./io/reader.js";
import { type UploadOptions, uploadObject } from "./io/upload.js";
import { ObjectWriter, type WriterOptions } from "./io/writer.js";
import { type ObjectInfo, toObjectInfo } from "./models.js";
import type { ResourceOptions } from "./reference.js";

/** Reader options: the mode, presigned reads, and the read-ahead size. */
export interface ObjectReaderOptions<M extends ReadMode = ReadMode>
  extends Omit<ReaderOptions, "name"> {
  /** `rb` (default) reads bytes, `r` reads UTF-8 text. */
  readonly mode?: M;
  /** Read through presigned URLs (true), through lakeFS (false), or as the server supports. */
  readonly preSign?: boolean;
}

/** A read-only handle on the object at `path` in `ref` (a branch, tag, commit or expression). */
export class StoredObject {
  readonly client: Client;
  /** Repository id. */
  readonly repository: string;
  /** Reference id. */
  readonly ref: string;
  readonly path: string;

  constructor(repositoryId: string, refId: string, path: string, options: ResourceOptions = {}) {
    for (const [name, value] of [
      ["repository id", repositoryId],
      ["reference id", refId],
      ["object path", path],
    ] as const) {
      if (typeof value !== "string" || value === "") {
        throw new InvalidArgumentError(`${name} must be a non-empty string`);
      }
    }
    this.client = options.client ?? defaultClient();
    this.repository = repositoryId;
    this.ref = refId;
    this.path = path;
  }

  /** The object's stats (not cached). With `preSign`, `physicalAddress` is a presigned URL. */
  async stat(options: CallOptions & { preSign?: boolean } = {}): Promise<ObjectInfo> {
    return toObjectInfo(await statObject(this.location(), { presign: options.preSign }, options));
  }

  /** True when the object exists (a HEAD request). */
  exists(options: CallOptions = {}): Promise<boolean> {
    return objectExists(this.location(), options);
  }

  /**
   * A seekable reader. Nothing is sent until the first read; a missing object then rejects with
   * ObjectNotFoundError.
   */
  reader(options?: ObjectReaderOptions<"rb">): ObjectReader<"rb">;
  reader(options: ObjectReaderOptions<"r">): ObjectReader<"r">;
  reader(options: ObjectReaderOptions = {}): ObjectReader<ReadMode> {
    const mode = checkReadMode(options.mode ?? "rb");
    return new ObjectReader(objectRangeSource(this.location(), options.preSign), mode, {
      readAheadBytes: options.readAheadBytes,
      name: this.path,
    });
  }

  /** The whole object as bytes (one request). */
  bytes(options: CallOptions & { preSign?: boolean } = {}): Promise<Uint8Array> {
    return this.reader({ preSign: options.preSign }).bytes(options);
  }

  /** The whole object decoded as UTF-8 (one request). */
  text(options: CallOptions & { preSign?: boolean } = {}): Promise<string> {
    return this.reader({ preSign: options.preSign }).text(options);
  }

  /** The object as a Web ReadableStream (one streaming request). */
  stream(options: CallOptions & { preSign?: boolean } = {}): ReadableStream<Uint8Array> {
    return this.reader({ preSign: options.preSign }).stream(options);
  }

  /**
   * Downloads the object into `destination` with parallel ranged requests, failing with
   * ObjectChangedError if it changes meanwhile. For a file, see `downloadToFile` in
   * `lakefs-ts/node`.
   */
  download(
    destination: WritableStream<Uint8Array>,
    options: DownloadOptions = {},
  ): Promise<ObjectInfo> {
    return downloadObject(this.location(), destination, options);
  }

  /**
   * Copies the object to `destinationPath` on branch `destinationBranchId` of the same
   * repository (metadata, content type and checksum are kept). Returns the new object's handle.
   */
  async copy(
    destination: { destinationBranchId: string; destinationPath: string },
    options: CallOptions = {},
  ): Promise<WriteableObject> {
    const target = new WriteableObject(
      this.repository,
      destination.destinationBranchId,
      destination.destinationPath,
      { client: this.client },
    );
    await copyObject(
      this.location(),
      destination.destinationBranchId,
      destination.destinationPath,
      options,
    );
    return target;
  }

  /** Where the object lives, for the io modules. */
  protected location(): ObjectLocation {
    return { client: this.client, repository: this.repository, ref: this.ref, path: this.path };
  }
}

/** A handle on an object on a branch, which can also be written. */
export class WriteableObject extends StoredObject {
  /**
   * Uploads `data` (string, bytes, Blob, Web/Node stream or async iterable) without holding it
   * all in memory, and returns the stored object's info. `x` modes fail with ObjectExistsError
   * when the object exists; an aborted upload leaves the object untouched.
   */
  async upload(data: UploadBody, options: UploadOptions = {}): Promise<ObjectInfo> {
    return toObjectInfo(await uploadObject(this.location(), data, options));
  }

  /** A writer to stream the object piece by piece; commit it with `close()`. */
  writer(options: WriterOptions = {}): ObjectWriter {
    return new ObjectWriter(this.location(), options);
  }

  /** Deletes the object (succeeds when it is already absent). */
  delete(options: DeleteObjectOptions = {}): Promise<void> {
    return deleteObject(this.location(), options);
  }

  /** Replaces the object's user metadata (keys are stored lower-case, as on upload). */
  updateMetadata(
    metadata: Readonly<Record<string, string>>,
    options: CallOptions = {},
  ): Promise<void> {
    return updateUserMetadata(this.location(), normaliseMetadata(metadata), options);
  }
}
