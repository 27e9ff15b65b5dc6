/**
 * The thin HTTP layer every SDK call goes through: endpoint normalisation, authentication,
 * per-call timeout and cancellation, retries of idempotent requests, and lakeFS error bodies
 * turned into typed errors. Runtime-agnostic: it needs only `fetch`.
 */
import {
  ConfigurationError,
  errorForStatus,
  InvalidArgumentError,
  LakeFSError,
  NetworkError,
  RequestTimeoutError,
  type ServerError,
} from "../errors.js";
import { SDK_VERSION } from "./version.js";

/** An access key pair (HTTP Basic). */
export interface BasicCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A session token / JWT (HTTP Bearer). */
export interface TokenCredentials {
  readonly token: string;
}

/**
 * A browser page on the lakeFS server's own origin, logged in through `POST /auth/login`: the
 * HttpOnly session cookie that login set authenticates every request, so no Authorization
 * header is sent (and the page never holds the token).
 */
export interface SessionCookieCredentials {
  readonly sessionCookie: true;
}

export type StaticCredentials = BasicCredentials | TokenCredentials | SessionCookieCredentials;

/**
 * Supplies credentials per request, e.g. a token that expires. Called before every request;
 * `forceRefresh` is set once after a 401 so an expired token is replaced and the request retried.
 */
export type CredentialsProvider = (options: {
  signal?: AbortSignal;
  forceRefresh: boolean;
}) => Promise<StaticCredentials>;

export type Credentials = StaticCredentials | CredentialsProvider;

export interface RetryOptions {
  /** Retries after the first attempt; default 3. 0 disables retries. */
  readonly maxRetries?: number;
  /** First backoff ceiling; default 200 ms, doubled per retry (full jitter). */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling; default 10 s. */
  readonly maxDelayMs?: number;
}

export interface HttpClientOptions {
  /** lakeFS URL; `http://` and `/api/v1` are added when missing. */
  readonly endpoint: string;
  readonly credentials?: Credentials;
  /**
   * A fetch implementation (default: the one a runtime entry registered, e.g. `lakefs-ts/node`'s
   * transport, else the global one, looked up per call).
   */
  readonly fetch?: typeof fetch;
  /** Extra headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly retry?: RetryOptions;
  /** Default per-call timeout in ms; default 60 000. 0 disables. */
  readonly timeout?: number;
}

/** Accepted by every SDK method that talks to the server. */
export interface CallOptions {
  /** Aborting stops the call (including its network traffic); it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Milliseconds until the call fails with `RequestTimeoutError`, retries included (0 = none).
   * Default: the client's (60 s), at least 10 min for commit, merge, revert and cherry-pick.
   * For streaming responses it covers the time until the response headers arrive.
   */
  readonly timeout?: number;
}

export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly (string | number | boolean)[];

/** A request body: anything fetch accepts, any byte array, or an async iterable of bytes (Node streams). */
export type RequestBody = BodyInit | Uint8Array | AsyncIterable<Uint8Array>;

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH";

export interface RequestSpec {
  readonly method: HttpMethod;
  /** Already-encoded path relative to the API base (build it with `path`), starting with `/`. */
  readonly path?: string;
  /** Absolute URL outside the API (e.g. a presigned URL); sent without lakeFS credentials. */
  readonly url?: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `application/json`. Mutually exclusive with `body`. */
  readonly json?: unknown;
  /** Streams (ReadableStream, async iterables) are sent once and never retried. */
  readonly body?: RequestBody;
  /** Safe to repeat; default true for GET/HEAD/PUT/DELETE, false otherwise. */
  readonly idempotent?: boolean;
  /** The request addresses an object: 404 → ObjectNotFoundError, 412 → ObjectExistsError. */
  readonly object?: boolean;
  /** Work that grows with the data (commit, merge, revert…): default timeout at least 10 min. */
  readonly longRunning?: boolean;
  /** How to read a successful response; `response` hands back the unread `Response`. */
  readonly expect: "json" | "text" | "none" | "response";
}

const DEFAULT_TIMEOUT_MS = 60_000;
const LONG_RUNNING_TIMEOUT_MS = 600_000;
const DEFAULT_RETRY: Required<RetryOptions> = {
  maxRetries: 3,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
};
/** A server asking us to wait longer than this gets its error surfaced instead. */
const MAX_RETRY_AFTER_MS = 60_000;
const IDEMPOTENT_METHODS = new Set<HttpMethod>(["GET", "HEAD", "PUT", "DELETE"]);
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const CLIENT_HEADER = `lakefs-ts/${SDK_VERSION}`;

let registeredFetch: typeof fetch | undefined;

/**
 * Sets the fetch used by clients created without `fetch` (undefined: the global one again).
 * Runtime entries call it with a faster transport; the core itself never does.
 */
export function registerDefaultFetch(fetchImpl: typeof fetch | undefined): void {
  registeredFetch = fetchImpl;
}

/**
 * Turns what users type into the API base URL: adds `http://` when there is no scheme, appends
 * `/api/v1` when the path does not already end with it, and strips trailing slashes.
 */
export function normalizeEndpoint(endpoint: string): string {
  const trimmed = endpoint.trim();
  if (trimmed === "") throw new ConfigurationError("lakeFS endpoint is empty");
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigurationError(`lakeFS endpoint is not a valid URL: ${endpoint}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigurationError(`lakeFS endpoint must be http or https: ${endpoint}`);
  }
  const base = url.pathname.replace(/\/+$/, "");
  const apiPath = base.endsWith("/api/v1") ? base : `${base}/api/v1`;
  return `${url.origin}${apiPath}`;
}

/**
 * A call's timeout: the caller's, else the client's, raised to 10 min for long-running work
 * (0 always means no timeout).
 */
export function effectiveTimeout(
  clientTimeout: number,
  spec: Pick<RequestSpec, "longRunning">,
  callTimeout?: number,
): number {
  if (callTimeout !== undefined) return callTimeout;
  if (!spec.longRunning || clientTimeout === 0) return clientTimeout;
  return Math.max(clientTimeout, LONG_RUNNING_TIMEOUT_MS);
}

/** Tagged template that percent-encodes every interpolated path parameter (and rejects empty ones). */
export function path(
  strings: TemplateStringsArray,
  ...params: readonly (string | number)[]
): string {
  let out = strings[0] ?? "";
  params.forEach((param, i) => {
    const value = String(param);
    if (value === "") {
      throw new InvalidArgumentError(`empty path parameter in ${strings.join("{}")}`);
    }
    out += encodeURIComponent(value) + (strings[i + 1] ?? "");
  });
  return out;
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Full-jitter exponential backoff: a random delay below min(maxDelay, base·2^attempt). */
export function backoffDelay(
  attempt: number,
  retry: Required<RetryOptions>,
  random = Math.random,
): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

function authorization(credentials: StaticCredentials | undefined): string | undefined {
  if (credentials === undefined || "sessionCookie" in credentials) return undefined;
  if ("token" in credentials) return `Bearer ${credentials.token}`;
  const pair = new TextEncoder().encode(
    `${credentials.accessKeyId}:${credentials.secretAccessKey}`,
  );
  return `Basic ${btoa(String.fromCharCode(...pair))}`;
}

/** Bodies that can be sent again on retry; streams are consumed by the first attempt. */
function isReplayable(body: RequestBody | undefined): boolean {
  if (body === undefined || body === null) return true;
  if (typeof ReadableStream !== "undefined" && body instanceof ReadableStream) return false;
  return !(typeof body === "object" && Symbol.asyncIterator in body);
}

function isStreaming(body: RequestBody | undefined): boolean {
  return body !== undefined && body !== null && !isReplayable(body);
}

/**
 * Combines the caller's signal with the call's own timeout; fires on whichever comes first.
 * Built per request, so it stays cheap: no signal at all without a timeout or a caller's signal,
 * the caller's own without a timeout, and `AbortSignal.any` (which ties the pair's lifetime to
 * the garbage collector) only for a response whose body outlives the call.
 */
class CallSignal {
  readonly signal: AbortSignal | undefined;
  private readonly controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private detach: (() => void) | undefined;

  constructor(
    private readonly userSignal: AbortSignal | undefined,
    timeoutMs: number,
    operation: () => string,
    outlivesCall: boolean,
  ) {
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
      this.signal = userSignal;
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.timer = setTimeout(() => {
      controller.abort(new RequestTimeoutError(`${operation()} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    if (!userSignal) {
      this.signal = controller.signal;
    } else if (outlivesCall && typeof AbortSignal.any === "function") {
      this.signal = AbortSignal.any([userSignal, controller.signal]);
    } else {
      // Forward the caller's abort by hand; dispose() detaches it when the call ends.
      const forward = () => controller.abort(userSignal.reason);
      if (userSignal.aborted) forward();
      else userSignal.addEventListener("abort", forward, { once: true });
      this.detach = () => userSignal.removeEventListener("abort", forward);
      this.signal = controller.signal;
    }
  }

  /** Stops the timeout (the caller's signal keeps working, e.g. for a body still being read). */
  stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  dispose(): void {
    this.stopTimer();
    this.detach?.();
  }

  /** The error the call should reject with if it was cancelled, else undefined. */
  abortReason(): unknown {
    if (this.userSignal?.aborted) return this.userSignal.reason;
    if (this.controller?.signal.aborted) return this.controller.signal.reason;
    return undefined;
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Releases a response body we will not read, so the connection can be reused. */
async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Nothing to release.
  }
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Typed HTTP access to one lakeFS server. */
export class HttpClient {
  /** The normalised API base URL (ends in `/api/v1`). */
  readonly endpoint: string;
  private readonly credentials: Credentials | undefined;
  /** The Authorization header of static credentials, encoded once. */
  private readonly staticAuthorization: string | undefined;
  private readonly fetchImpl: typeof fetch | undefined;
  /** The client's extra headers, names lower-cased so per-request ones replace them. */
  private readonly headers: Readonly<Record<string, string>>;
  private readonly retry: Required<RetryOptions>;
  private readonly timeout: number;

  constructor(options: HttpClientOptions) {
    this.endpoint = normalizeEndpoint(options.endpoint);
    this.credentials = options.credentials;
    this.staticAuthorization =
      typeof options.credentials === "function" ? undefined : authorization(options.credentials);
    this.fetchImpl = options.fetch;
    this.headers = lowerCaseNames(options.headers ?? {});
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(this.retry.maxRetries) || this.retry.maxRetries < 0) {
      throw new ConfigurationError("retry.maxRetries must be a non-negative integer");
    }
    if (!(this.timeout >= 0)) throw new ConfigurationError("timeout must be >= 0 ms");
  }

  request<T>(spec: RequestSpec & { expect: "json" }, call?: CallOptions): Promise<T>;
  request(spec: RequestSpec & { expect: "text" }, call?: CallOptions): Promise<string>;
  request(spec: RequestSpec & { expect: "none" }, call?: CallOptions): Promise<void>;
  request(spec: RequestSpec & { expect: "response" }, call?: CallOptions): Promise<Response>;
  async request(spec: RequestSpec, call: CallOptions = {}): Promise<unknown> {
    if (spec.json !== undefined && spec.body !== undefined) {
      throw new InvalidArgumentError("a request takes either json or body, not both");
    }
    // Named only when a message needs it: parsing a presigned URL per request is not free.
    const operation = () => operationName(spec);
    const timeout = effectiveTimeout(this.timeout, spec, call.timeout);
    if (!(timeout >= 0)) throw new InvalidArgumentError("timeout must be >= 0 ms");
    const callSignal = new CallSignal(call.signal, timeout, operation, spec.expect === "response");
    let keepSignal = false;
    try {
      const response = await this.send(spec, operation, callSignal.signal);
      callSignal.stopTimer();
      switch (spec.expect) {
        case "response":
          keepSignal = true;
          return response;
        case "none":
          await discard(response);
          return undefined;
        case "text":
          return await response.text();
        case "json": {
          const text = await response.text();
          if (text === "") return undefined;
          try {
            return JSON.parse(text);
          } catch (error) {
            throw new LakeFSError(`${operation()}: response is not valid JSON`, { cause: error });
          }
        }
      }
    } catch (error) {
      throw callSignal.abortReason() ?? error;
    } finally {
      // A returned Response keeps following the caller's signal while its body is read.
      if (!keepSignal) callSignal.dispose();
    }
  }

  private buildUrl(spec: RequestSpec): string {
    let base: string;
    if (spec.url !== undefined) {
      base = spec.url;
    } else {
      if (!spec.path?.startsWith("/")) {
        throw new InvalidArgumentError(`request path must start with '/': ${spec.path}`);
      }
      base = this.endpoint + spec.path;
    }
    const query = queryString(spec.query);
    if (query === "") return base;
    const url = new URL(base);
    url.search = url.search === "" ? query : `${url.search}&${query}`;
    return url.toString();
  }

  /** Request headers as a plain record with lower-case names (cheaper for fetch than `Headers`). */
  private async buildHeaders(
    spec: RequestSpec,
    signal: AbortSignal | undefined,
    forceRefresh: boolean,
  ): Promise<Record<string, string>> {
    const headers: Record<string, string> = { ...this.headers };
    if (spec.url === undefined) {
      headers["x-lakefs-client"] = CLIENT_HEADER;
      const credentials =
        typeof this.credentials === "function"
          ? authorization(await this.credentials({ signal, forceRefresh }))
          : this.staticAuthorization;
      if (credentials !== undefined) headers.authorization = credentials;
    }
    if (spec.json !== undefined) headers["content-type"] = "application/json";
    if (spec.expect === "json") headers.accept = "application/json";
    if (spec.headers !== undefined) {
      for (const key in spec.headers) headers[key.toLowerCase()] = spec.headers[key] as string;
    }
    return headers;
  }

  private fetchOnce(
    spec: RequestSpec,
    url: string,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const init: RequestInit & { duplex?: "half" } = { method: spec.method, headers };
    if (signal !== undefined) init.signal = signal;
    if (spec.json !== undefined) init.body = JSON.stringify(spec.json);
    else if (spec.body !== undefined) init.body = spec.body as BodyInit;
    // Streaming request bodies need half-duplex in fetch implementations that follow the spec.
    if (isStreaming(spec.body)) init.duplex = "half";
    const fetchImpl = this.fetchImpl ?? registeredFetch ?? globalThis.fetch;
    return fetchImpl(url, init);
  }

  private async send(
    spec: RequestSpec,
    operation: () => string,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const url = this.buildUrl(spec);
    const replayable = isReplayable(spec.body);
    const retryable = replayable && (spec.idempotent ?? IDEMPOTENT_METHODS.has(spec.method));
    let forceRefresh = false;
    for (let attempt = 0; ; attempt++) {
      // Outside the try: a failing credentials provider is not a network error to retry.
      const headers = await this.buildHeaders(spec, signal, forceRefresh);
      let response: Response;
      try {
        response = await this.fetchOnce(spec, url, headers, signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        if (!retryable || attempt >= this.retry.maxRetries) {
          const reason = error instanceof Error ? (error.cause ?? error) : error;
          throw new NetworkError(`${operation()}: ${describe(reason)}`, { cause: error });
        }
        await sleep(backoffDelay(attempt, this.retry), signal);
        continue;
      }
      if (response.ok) return response;

      // An expired token from a provider: refresh it once and try again (the server did nothing).
      if (
        response.status === 401 &&
        typeof this.credentials === "function" &&
        spec.url === undefined &&
        !forceRefresh &&
        replayable
      ) {
        forceRefresh = true;
        await discard(response);
        attempt -= 1;
        continue;
      }
      if (retryable && RETRY_STATUSES.has(response.status) && attempt < this.retry.maxRetries) {
        const delay =
          parseRetryAfter(response.headers.get("retry-after")) ?? backoffDelay(attempt, this.retry);
        if (delay <= MAX_RETRY_AFTER_MS) {
          await discard(response);
          await sleep(delay, signal);
          continue;
        }
      }
      throw await this.toError(response, spec, operation);
    }
  }

  private async toError(
    response: Response,
    spec: RequestSpec,
    operation: () => string,
  ): Promise<ServerError> {
    const text = spec.method === "HEAD" ? "" : await response.text().catch(() => "");
    const body = parseBody(text);
    const serverMessage =
      typeof body === "object" &&
      body !== null &&
      typeof (body as { message?: unknown }).message === "string"
        ? (body as { message: string }).message
        : undefined;
    const fallback = typeof body === "string" && body.length <= 200 ? body : undefined;
    const message = serverMessage ?? fallback ?? (response.statusText || `HTTP ${response.status}`);
    return errorForStatus(
      {
        status: response.status,
        message,
        body,
        headers: response.headers,
        operation: operation(),
      },
      { object: spec.object },
    );
  }
}

/** How errors name a request: method and API path, or method and origin for presigned URLs. */
function operationName(spec: RequestSpec): string {
  if (spec.url === undefined) return `${spec.method} ${spec.path ?? ""}`;
  try {
    return `${spec.method} ${new URL(spec.url).origin}`;
  } catch {
    return spec.method;
  }
}

/** The query string of `query` (form-encoded, as `URLSearchParams`), "" when nothing is set. */
function queryString(query: RequestSpec["query"]): string {
  if (query === undefined) return "";
  let params: URLSearchParams | undefined;
  for (const key in query) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    params ??= new URLSearchParams();
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  return params?.toString() ?? "";
}

function lowerCaseNames(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in headers) out[key.toLowerCase()] = headers[key] as string;
  return out;
}

function describe(reason: unknown): string {
  if (reason instanceof Error) {
    const code = (reason as { code?: unknown }).code;
    return typeof code === "string" ? `${reason.message} (${code})` : reason.message;
  }
  return String(reason);
}
