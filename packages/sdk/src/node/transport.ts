/// <reference types="node" />
/**
 * A `fetch` for Node built on undici's `request` instead of its `fetch`: the same wire behaviour
 * at a fraction of the per-request CPU (no Request object, internal signals or body clones), and
 * byte-array bodies go out as they are, without the copy `fetch` makes. It covers what the SDK
 * uses: string/bytes/Blob/stream bodies, abort signals, redirects (`follow`, `manual`, `error`),
 * and streamed responses. Anything else (a `Request` input, FormData or URLSearchParams bodies) is
 * handed to undici's `fetch` over the same dispatcher.
 */
import { type Dispatcher, request, fetch as undiciFetch } from "undici";

const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

type Body = string | Uint8Array | Blob | AsyncIterable<Uint8Array> | null;

/** A fetch-compatible function sending every request through `dispatcher`. */
export function dispatcherFetch(dispatcher: Dispatcher): typeof fetch {
  const viaFetch = (input: RequestInfo | URL, init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    }) as unknown as Promise<Response>;
  const transport = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const body = requestBody(init.body);
    if ((typeof input !== "string" && !(input instanceof URL)) || body === undefined) {
      return viaFetch(input, init);
    }
    return send(dispatcher, new URL(input), init, body);
  };
  return transport as typeof fetch;
}

async function send(
  dispatcher: Dispatcher,
  url: URL,
  init: RequestInit,
  body: Body,
): Promise<Response> {
  const signal = init.signal ?? undefined;
  let method = (init.method ?? "GET").toUpperCase();
  const headers = headerRecord(init.headers);
  if (typeof body === "string" && headers["content-type"] === undefined) {
    headers["content-type"] = "text/plain;charset=UTF-8";
  }
  for (let redirects = 0; ; redirects++) {
    signal?.throwIfAborted();
    let answer: Dispatcher.ResponseData;
    try {
      answer = await request(url, {
        dispatcher,
        method: method as Dispatcher.HttpMethod,
        headers: withBodyHeaders(headers, body),
        // undici sends any (async) iterable of bytes; its typings name only Readable.
        body: (await wireBody(body)) as Dispatcher.RequestOptions["body"],
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // fetch's shape: a TypeError whose cause is the network error.
      throw new TypeError("fetch failed", { cause: error });
    }
    const status = answer.statusCode;
    const location = header(answer.headers, "location");
    if (!REDIRECT_STATUSES.has(status) || location === undefined || init.redirect === "manual") {
      return toResponse(answer, method, signal);
    }
    await answer.body.dump();
    if (init.redirect === "error") throw new TypeError("fetch failed: redirect mode is 'error'");
    if (redirects >= MAX_REDIRECTS) throw new TypeError("fetch failed: too many redirects");
    const next = new URL(location, url);
    if (
      status === 303 ? method !== "HEAD" : (status === 301 || status === 302) && method === "POST"
    ) {
      method = "GET";
      body = null;
      for (const name of [
        "content-type",
        "content-length",
        "content-encoding",
        "content-language",
      ]) {
        delete headers[name];
      }
    } else if (body !== null && !isReplayable(body)) {
      throw new TypeError("fetch failed: cannot follow a redirect with a streamed request body");
    }
    // As fetch does: credentials never follow a redirect to another origin.
    if (next.origin !== url.origin) {
      delete headers.authorization;
      delete headers["proxy-authorization"];
      delete headers.cookie;
    }
    url = next;
  }
}

/** The body as this transport sends it, or undefined for shapes left to undici's fetch. */
function requestBody(body: RequestInit["body"] | AsyncIterable<Uint8Array>): Body | undefined {
  if (body === undefined || body === null) return null;
  if (typeof body === "string" || body instanceof Uint8Array || body instanceof Blob) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body))
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function") {
    return body as AsyncIterable<Uint8Array>;
  }
  return undefined;
}

function isReplayable(body: Body): boolean {
  return typeof body === "string" || body instanceof Uint8Array || body instanceof Blob;
}

/**
 * Blobs up to this size go out as one byte array: reading one (a file from `openAsBlob`) whole
 * costs a fraction of streaming it, chunk by chunk, through a web stream into the socket.
 */
const WHOLE_BLOB_MAX_BYTES = 1024 * 1024;

/** A Blob goes out as its own bytes (streamed when large), with its length and type as headers. */
async function wireBody(
  body: Body,
): Promise<string | Uint8Array | AsyncIterable<Uint8Array> | null> {
  if (!(body instanceof Blob)) return body;
  if (body.size === 0) return null;
  if (body.size <= WHOLE_BLOB_MAX_BYTES) return new Uint8Array(await body.arrayBuffer());
  return body.stream() as unknown as AsyncIterable<Uint8Array>;
}

function withBodyHeaders(headers: Record<string, string>, body: Body): Record<string, string> {
  if (!(body instanceof Blob)) return headers;
  const out: Record<string, string> = { ...headers, "content-length": String(body.size) };
  if (body.type !== "" && out["content-type"] === undefined) out["content-type"] = body.type;
  return out;
}

/** Request headers as a record with lower-case names (what `fetch` accepts, normalised). */
function headerRecord(init: RequestInit["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (init === undefined) return out;
  if (init instanceof Headers || Array.isArray(init)) {
    for (const [name, value] of new Headers(init)) out[name] = value;
    return out;
  }
  for (const name in init) out[name.toLowerCase()] = String((init as Record<string, string>)[name]);
  return out;
}

function header(headers: Dispatcher.ResponseData["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function toResponse(
  answer: Dispatcher.ResponseData,
  method: string,
  signal: AbortSignal | undefined,
): Response {
  if (method === "HEAD" || NULL_BODY_STATUSES.has(answer.statusCode)) {
    answer.body.dump().catch(() => {});
    return new NodeResponse(answer, null, signal);
  }
  return new NodeResponse(answer, answer.body, signal);
}

/**
 * A real `Response` whose headers and body are built only when asked for: most calls read the
 * body whole (`text()`, `arrayBuffer()`), straight from undici, and never need the web stream,
 * the `Headers` object or their per-request cost (a third of a small request's client CPU).
 */
class NodeResponse extends Response {
  readonly #answer: Dispatcher.ResponseData;
  readonly #source: Dispatcher.ResponseData["body"] | null;
  readonly #signal: AbortSignal | undefined;
  #headers: Headers | undefined;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null | undefined;
  #consumed = false;

  constructor(
    answer: Dispatcher.ResponseData,
    source: Dispatcher.ResponseData["body"] | null,
    signal: AbortSignal | undefined,
  ) {
    super(null, { status: answer.statusCode, statusText: answer.statusText ?? "" });
    this.#answer = answer;
    this.#source = source;
    this.#signal = signal;
  }

  override get headers(): Headers {
    if (this.#headers === undefined) {
      this.#headers = new Headers();
      for (const [name, value] of Object.entries(this.#answer.headers)) {
        if (Array.isArray(value)) for (const v of value) this.#headers.append(name, v);
        else if (value !== undefined) this.#headers.append(name, value);
      }
    }
    return this.#headers;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#stream === undefined) {
      this.#stream = this.#source === null ? null : responseStream(this.#source, this.#signal);
    }
    return this.#stream;
  }

  override get bodyUsed(): boolean {
    return this.#consumed || (this.#stream?.locked ?? false);
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.#read()).buffer as ArrayBuffer;
  }

  override async text(): Promise<string> {
    return new TextDecoder().decode(await this.#read());
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async blob(): Promise<Blob> {
    const type = this.headers.get("content-type") ?? "";
    return new Blob([await this.#read()], { type });
  }

  override async formData(): Promise<FormData> {
    return this.#asFetchResponse().formData();
  }

  override clone(): Response {
    const body = this.body;
    if (body === null) return this.#copy(null);
    const [mine, theirs] = body.tee();
    this.#stream = mine;
    return this.#copy(theirs);
  }

  /** The whole body, read from undici directly when no stream was handed out. */
  async #read(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.#consumed = true;
    if (this.#stream === null || this.#source === null) return new Uint8Array(0);
    if (this.#stream !== undefined)
      return new Uint8Array(await this.#asFetchResponse().arrayBuffer());
    try {
      return new Uint8Array(await this.#source.arrayBuffer());
    } catch (error) {
      throw this.#signal?.aborted
        ? this.#signal.reason
        : new TypeError("terminated", { cause: error });
    }
  }

  #asFetchResponse(): Response {
    return this.#copy(this.body);
  }

  #copy(body: ReadableStream<Uint8Array<ArrayBuffer>> | null): Response {
    return new Response(body, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
  }
}

/** The response body as a web stream, pulled chunk by chunk (backpressure reaches the socket). */
function responseStream(
  body: Dispatcher.ResponseData["body"],
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  const chunks = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else {
          const chunk = next.value as Buffer;
          const buffer = chunk.buffer as ArrayBuffer; // socket chunks are never shared memory
          controller.enqueue(new Uint8Array(buffer, chunk.byteOffset, chunk.byteLength));
        }
      } catch (error) {
        // As fetch: a body cut short by the caller's abort fails with the abort's reason.
        controller.error(
          signal?.aborted ? signal.reason : new TypeError("terminated", { cause: error }),
        );
      }
    },
    cancel() {
      // Drains a small rest so the connection is reused; undici closes it when much is left.
      body.dump().catch(() => {});
    },
  });
}
