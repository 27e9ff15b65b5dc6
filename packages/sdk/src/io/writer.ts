/**
 * `ObjectWriter`: write an object piece by piece. Chunks stream into a running upload (see
 * `upload.ts`) with backpressure, so memory stays bounded whatever the object's size.
 */
import { LakeFSError } from "../errors.js";
import { type ObjectInfo, toObjectInfo } from "../models.js";
import type { ObjectLocation } from "./object-api.js";
import { checkUploadOptions, type UploadOptions, uploadObject } from "./upload.js";

export type WriterOptions = UploadOptions;

const encoder = new TextEncoder();

/**
 * Nothing is sent until the first `write` or `close`. `close()` finishes the upload and returns
 * the object's stats; `abort()` discards it (no object appears).
 *
 * With `await using`, leaving the scope **without** calling `close()` — typically because an
 * exception was thrown — discards the upload, as Python's `with` does on an exception. Call
 * `close()` to commit.
 */
export class ObjectWriter {
  readonly #location: ObjectLocation;
  readonly #options: WriterOptions;
  readonly #abort = new AbortController();
  #sink: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #upload: Promise<ObjectInfo> | undefined;
  /** Set once the upload failed: later writes and close reject with it. */
  #failure: { readonly error: unknown } | undefined;
  /** Rejecters of the writes and close waiting on the sink, settled early if the upload fails. */
  readonly #waiting = new Set<(error: unknown) => void>();
  #written = 0;
  #state: "open" | "closing" | "closed" | "aborted" = "open";

  constructor(location: ObjectLocation, options: WriterOptions = {}) {
    this.#options = { ...options, mode: options.mode ?? "wb" };
    checkUploadOptions(this.#options);
    this.#location = location;
  }

  /** Bytes accepted so far. */
  tell(): number {
    return this.#written;
  }

  get closed(): boolean {
    return this.#state === "closed" || this.#state === "aborted";
  }

  /** Appends a chunk (strings are UTF-8 encoded). Resolves when the upload can take more. */
  async write(chunk: string | Uint8Array): Promise<number> {
    this.#assertOpen();
    const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    if (!(bytes instanceof Uint8Array)) {
      throw new LakeFSError("ObjectWriter.write takes a string or a Uint8Array");
    }
    if (bytes.byteLength === 0) return 0;
    const sink = this.#start();
    // Copy: the caller may reuse its buffer once write() resolves.
    await this.#unlessFailed(sink.write(bytes.slice()));
    this.#written += bytes.byteLength;
    return bytes.byteLength;
  }

  /** Finishes the upload and returns the stored object's info. */
  async close(): Promise<ObjectInfo> {
    this.#assertOpen();
    this.#state = "closing";
    const sink = this.#start();
    try {
      await this.#unlessFailed(sink.close());
      const info = await this.#upload!;
      this.#state = "closed";
      return info;
    } catch (error) {
      this.#state = "aborted";
      throw error;
    }
  }

  /** Discards everything written; no object is created or changed. Idempotent. */
  async abort(reason: unknown = new LakeFSError("upload aborted")): Promise<void> {
    if (this.closed) return;
    this.#state = "aborted";
    this.#abort.abort(reason);
    await this.#sink?.abort(reason).catch(() => {});
    await this.#upload?.catch(() => {});
  }

  /** Discards the upload unless `close()` completed (see the class comment). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.abort(new LakeFSError("writer disposed without close(): upload discarded"));
  }

  #start(): WritableStreamDefaultWriter<Uint8Array> {
    if (this.#sink) return this.#sink;
    const pipe = new TransformStream<Uint8Array, Uint8Array>();
    this.#sink = pipe.writable.getWriter();
    const signals = [this.#abort.signal, this.#options.signal].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    const upload = uploadObject(this.#location, pipe.readable, {
      ...this.#options,
      signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals),
    }).then(toObjectInfo);
    // A failed upload must unblock pending writes.
    upload.catch((error) => {
      this.#failure = { error };
      for (const reject of this.#waiting) reject(error);
      this.#waiting.clear();
      this.#sink?.abort(error).catch(() => {});
    });
    this.#upload = upload;
    return this.#sink;
  }

  /**
   * `operation`, or the upload's error as soon as the upload fails. (Not a `Promise.race` with
   * one long-lived failure promise: every race would stay attached to it, a leak per write.)
   */
  #unlessFailed(operation: Promise<void>): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure.error);
    return new Promise<void>((resolve, reject) => {
      this.#waiting.add(reject);
      operation.then(resolve, reject).finally(() => this.#waiting.delete(reject));
    });
  }

  #assertOpen(): void {
    if (this.#state !== "open") throw new LakeFSError("I/O operation on closed writer");
  }
}
