/**
 * `ObjectReader`: a seekable, buffered reader over ranged GETs. Reads are served from a read-ahead
 * buffer, so many small reads cost one request per `readAheadBytes`, not one each.
 */
import { InvalidArgumentError, LakeFSError, ObjectChangedError } from "../errors.js";
import { concatBytes, readAll } from "./bytes.js";
import type { ReadMode } from "./modes.js";

/** Per-call cancellation and deadline (milliseconds). */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly timeout?: number;
}

/** One ranged response from a {@link RangeSource}. */
export interface RangeResponse {
  /** The body; null when the range starts at or past the end of the object. */
  readonly body: ReadableStream<Uint8Array> | null;
  /** Offset of the first body byte (0 when the server ignored the Range header). */
  readonly start: number;
  /** The object's full size, when the response revealed it. */
  readonly size?: number;
  /** The object version's ETag (unquoted), when sent. */
  readonly etag?: string;
  /** The whole body at once, where that is cheaper than reading `body` (no stream is built). */
  readonly bytes?: () => Promise<Uint8Array>;
}

/** Reads a range response's body whole. */
export function rangeBytes(response: RangeResponse): Promise<Uint8Array> {
  if (response.bytes) return response.bytes();
  return response.body ? readAll(response.body) : Promise.resolve(EMPTY);
}

/** Where a reader gets bytes from: a proxied GET, or a presigned URL. */
export interface RangeSource {
  /** Opens `length` bytes from `start`, or everything from `start` when `length` is undefined. */
  open(start: number, length: number | undefined, options: CallOptions): Promise<RangeResponse>;
  /** The object's size, for seeking relative to the end. */
  size(options: CallOptions): Promise<number>;
}

/** Where `seek` counts from: Python's 0/1/2 or their names. */
export type Whence = 0 | 1 | 2 | "start" | "current" | "end";

/** `read({ size, signal, timeout })`: `read(size, options)` with everything in one object. */
export interface ReadOptions extends CallOptions {
  /** Bytes to read at most; all remaining bytes when omitted. */
  readonly size?: number;
}

/** `seek(offset, { whence, signal, timeout })`: `whence` defaults to `"start"`. */
export interface SeekOptions extends CallOptions {
  readonly whence?: Whence;
}

/** `read()` yields strings in text mode ("r") and bytes in binary mode ("rb"). */
export type ReadResult<M extends ReadMode> = M extends "r" ? string : Uint8Array;

export interface ReaderOptions {
  /** Minimum bytes fetched per request when the buffer runs dry. Default 1 MiB. */
  readonly readAheadBytes?: number;
  /** Object path, for messages. */
  readonly name?: string;
}

const DEFAULT_READ_AHEAD = 1024 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const EMPTY = new Uint8Array(0);

/**
 * Reads an object with file-like semantics: `read`, `seek`, `tell`, line iteration, whole-object
 * helpers and streams. Positions and counts are in bytes in both modes; text mode decodes UTF-8
 * incrementally, so a character split between two reads is returned whole by the later one.
 * Close it with `close()` or `await using`.
 */
export class ObjectReader<M extends ReadMode = "rb"> {
  readonly mode: M;
  /** The object path. */
  readonly name: string;
  readonly #source: RangeSource;
  readonly #readAhead: number;
  #position = 0;
  #size: number | undefined;
  #etag: string | undefined;
  /** Bytes of the object starting at `#bufferStart`. */
  #buffer: Uint8Array = EMPTY;
  #bufferStart = 0;
  #decoder = new TextDecoder();
  #closed = false;
  /** Calls run one at a time: concurrent reads would race on the position. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #streams = new Set<ReadableStreamDefaultReader<Uint8Array>>();

  constructor(source: RangeSource, mode: M, options: ReaderOptions = {}) {
    const readAhead = options.readAheadBytes ?? DEFAULT_READ_AHEAD;
    if (!Number.isSafeInteger(readAhead) || readAhead < 1) {
      throw new InvalidArgumentError(`readAheadBytes must be a positive integer, got ${readAhead}`);
    }
    this.#source = source;
    this.mode = mode;
    this.name = options.name ?? "";
    this.#readAhead = readAhead;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The object's size once a response or `seek(…, "end")` revealed it. */
  get size(): number | undefined {
    return this.#size;
  }

  /** The current position in bytes. */
  tell(): number {
    this.#assertOpen();
    return this.#position;
  }

  /**
   * Moves the position and returns it. Seeking past the end is allowed (reads there return
   * empty); a negative result is an error. Seeking from the end may cost one stat request.
   */
  seek(offset: number, whence?: Whence, options?: CallOptions): Promise<number>;
  /** The same, with `whence` inside the options: `seek(-10, { whence: "end", signal })`. */
  seek(offset: number, options?: SeekOptions): Promise<number>;
  seek(
    offset: number,
    whenceOrOptions: Whence | SeekOptions = "start",
    options: CallOptions = {},
  ): Promise<number> {
    const { whence = "start", ...call } =
      typeof whenceOrOptions === "object" && whenceOrOptions !== null
        ? whenceOrOptions
        : { ...options, whence: whenceOrOptions };
    return this.#serial(() => this.#seek(offset, whence, call));
  }

  async #seek(offset: number, whence: Whence, options: CallOptions): Promise<number> {
    this.#assertOpen();
    if (!Number.isSafeInteger(offset)) {
      throw new InvalidArgumentError(`seek offset must be an integer, got ${offset}`);
    }
    let base: number;
    if (whence === 0 || whence === "start") base = 0;
    else if (whence === 1 || whence === "current") base = this.#position;
    else if (whence === 2 || whence === "end") {
      this.#size ??= await this.#source.size(options);
      base = this.#size;
    } else {
      throw new InvalidArgumentError(`invalid whence ${JSON.stringify(whence)}`);
    }
    const target = base + offset;
    if (target < 0) {
      throw new InvalidArgumentError(`negative seek position ${target}`);
    }
    if (target !== this.#position) this.#resetDecoder();
    this.#position = target;
    return target;
  }

  /**
   * Reads up to `size` bytes from the position (all remaining bytes when omitted) and advances
   * past them. Returns an empty result at the end of the object; `read(0)` sends nothing.
   */
  read(size?: number, options?: CallOptions): Promise<ReadResult<M>>;
  /** The same, with `size` inside the options: `read({ size: 1024, signal })`. */
  read(options: ReadOptions): Promise<ReadResult<M>>;
  read(sizeOrOptions?: number | ReadOptions, options: CallOptions = {}): Promise<ReadResult<M>> {
    const { size, ...call } =
      typeof sizeOrOptions === "object" && sizeOrOptions !== null
        ? sizeOrOptions
        : { ...options, size: sizeOrOptions };
    return this.#serial(async () => {
      const bytes = await this.#readBytes(size, call);
      return (this.mode === "r" ? this.#decode(bytes) : bytes) as ReadResult<M>;
    });
  }

  /** The rest of the object from the position, as bytes (whatever the mode). */
  bytes(options: CallOptions = {}): Promise<Uint8Array> {
    return this.#serial(() => this.#readBytes(undefined, options, true));
  }

  /** The rest of the object from the position, decoded as UTF-8 (whatever the mode). */
  async text(options: CallOptions = {}): Promise<string> {
    return new TextDecoder().decode(await this.bytes(options));
  }

  /**
   * Reads one line from the position and advances past it. The terminator (`\n` or `\r\n`) is
   * not included; returns null at the end. Lines are split on bytes, so UTF-8 characters are never
   * cut, however the object is chunked.
   */
  readLine(options: CallOptions = {}): Promise<string | null> {
    return this.#serial(() => this.#readLine(options));
  }

  async #readLine(options: CallOptions): Promise<string | null> {
    this.#assertOpen();
    this.#resetDecoder();
    let scanned = 0;
    while (true) {
      const available = this.#available();
      const newline = available.indexOf(NEWLINE, scanned);
      if (newline >= 0) {
        this.#advance(newline + 1);
        return decodeLine(available.subarray(0, newline));
      }
      scanned = available.byteLength;
      // Grow geometrically so a very long line costs linear, not quadratic, copying.
      const want = available.byteLength + Math.max(this.#readAhead, available.byteLength);
      const fetched = await this.#fill(want, options);
      if (!fetched) {
        if (available.byteLength === 0) return null;
        this.#advance(available.byteLength);
        return decodeLine(available);
      }
    }
  }

  /** Iterates the lines from the position to the end (see {@link readLine}). */
  async *readLines(options: CallOptions = {}): AsyncGenerator<string> {
    while (true) {
      const line = await this.readLine(options);
      if (line === null) return;
      yield line;
    }
  }

  [Symbol.asyncIterator](): AsyncGenerator<string> {
    return this.readLines();
  }

  /**
   * The rest of the object as a Web stream of bytes, fetched with a single request and advancing
   * the position as it is consumed.
   */
  stream(options: CallOptions = {}): ReadableStream<Uint8Array> {
    this.#assertOpen();
    this.#resetDecoder();
    let upstream: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let skip = 0;
    const release = () => {
      if (upstream) this.#streams.delete(upstream);
    };
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        this.#assertOpen();
        const available = this.#available();
        if (available.byteLength > 0) {
          controller.enqueue(available.slice());
          this.#advance(available.byteLength);
          return;
        }
        if (!upstream) {
          if (this.#atEnd()) return controller.close();
          const response = await this.#open(this.#position, undefined, options);
          if (!response.body) return controller.close();
          skip = this.#position - response.start;
          upstream = response.body.getReader();
          this.#streams.add(upstream);
        }
        while (true) {
          const next = await upstream.read();
          if (next.done) {
            release();
            this.#size ??= this.#position;
            return controller.close();
          }
          let chunk = next.value;
          if (skip > 0) {
            const dropped = Math.min(skip, chunk.byteLength);
            skip -= dropped;
            chunk = chunk.subarray(dropped);
          }
          if (chunk.byteLength === 0) continue;
          // Keep the buffer out of the way: the stream owns the position from here on.
          this.#buffer = EMPTY;
          this.#position += chunk.byteLength;
          controller.enqueue(chunk);
          return;
        }
      },
      cancel: async (reason) => {
        release();
        await upstream?.cancel(reason);
      },
    });
  }

  /** Releases the buffer and any open response. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer = EMPTY;
    const open = [...this.#streams];
    this.#streams.clear();
    await Promise.allSettled(open.map((s) => s.cancel()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #readBytes(
    size: number | undefined,
    options: CallOptions,
    resetDecoder = false,
  ): Promise<Uint8Array> {
    this.#assertOpen();
    if (resetDecoder) this.#resetDecoder();
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
      throw new InvalidArgumentError(`read size must be a non-negative integer, got ${size}`);
    }
    if (size === 0) return EMPTY;
    if (size === undefined || this.#available().byteLength < size) {
      await this.#fill(size, options);
    }
    const available = this.#available();
    const taken = size === undefined ? available : available.subarray(0, size);
    const result = taken.slice();
    this.#advance(result.byteLength);
    return result;
  }

  /**
   * Makes at least `want` bytes (all remaining when undefined) available from the position,
   * fetching at least `readAheadBytes`. Returns false when nothing more exists.
   */
  async #fill(want: number | undefined, options: CallOptions): Promise<boolean> {
    const have = this.#available();
    const from = this.#position + have.byteLength;
    if (this.#size !== undefined && from >= this.#size) return false;
    let length = want === undefined ? undefined : Math.max(want - have.byteLength, this.#readAhead);
    if (length !== undefined && this.#size !== undefined) {
      length = Math.min(length, this.#size - from);
    }
    const response = await this.#open(from, length, options);
    let fetched = await rangeBytes(response);
    if (response.start < from) fetched = fetched.subarray(from - response.start);
    if (length !== undefined && fetched.byteLength > length) {
      fetched = fetched.subarray(0, length);
    }
    if (length === undefined || fetched.byteLength < length) {
      // A short or open-ended read ran to the end of the object.
      this.#size ??= from + fetched.byteLength;
    }
    this.#buffer = concatBytes(have, fetched);
    this.#bufferStart = this.#position;
    return fetched.byteLength > 0;
  }

  async #open(
    start: number,
    length: number | undefined,
    options: CallOptions,
  ): Promise<RangeResponse> {
    const response = await this.#source.open(start, length, options);
    if (response.start > start) {
      await response.body?.cancel();
      throw new LakeFSError(
        `server answered a range starting at ${response.start} for a request starting at ${start}`,
      );
    }
    if (response.size !== undefined) this.#size = response.size;
    if (response.etag !== undefined) {
      if (this.#etag !== undefined && this.#etag !== response.etag) {
        await response.body?.cancel();
        throw new ObjectChangedError(this.name, `ETag ${this.#etag}`, `ETag ${response.etag}`);
      }
      this.#etag = response.etag;
    }
    return response;
  }

  /** Buffered bytes at the position. */
  #available(): Uint8Array {
    const offset = this.#position - this.#bufferStart;
    if (offset < 0 || offset >= this.#buffer.byteLength) return EMPTY;
    return this.#buffer.subarray(offset);
  }

  #advance(bytes: number): void {
    this.#position += bytes;
  }

  #atEnd(): boolean {
    return this.#size !== undefined && this.#position >= this.#size;
  }

  #decode(bytes: Uint8Array): string {
    // Flush a dangling partial character only once nothing more can follow it.
    return this.#decoder.decode(bytes, { stream: !this.#atEnd() });
  }

  /**
   * Text-mode `read` carries an incomplete character to the next `read`; any other way of moving
   * the position drops it.
   */
  #resetDecoder(): void {
    this.#decoder = new TextDecoder();
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => {});
    return result;
  }

  #assertOpen(): void {
    if (this.#closed) throw new LakeFSError("I/O operation on closed reader");
  }
}

function decodeLine(bytes: Uint8Array): string {
  const end =
    bytes.byteLength > 0 && bytes[bytes.byteLength - 1] === CARRIAGE_RETURN
      ? bytes.byteLength - 1
      : bytes.byteLength;
  return new TextDecoder().decode(bytes.subarray(0, end));
}
