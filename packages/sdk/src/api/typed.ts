/**
 * The typed low-level client: every lakeFS operation, with paths, parameters, bodies and
 * responses checked against the generated OpenAPI types (`paths`) by `openapi-fetch`. Requests
 * go through the client's `HttpClient`, so they get its authentication, retries with backoff,
 * timeouts, `AbortSignal` handling and typed errors (`NotFoundError`, `ConflictError`, …) — a
 * call that returns has succeeded.
 */
import createClient, { type Client as OpenApiClient } from "openapi-fetch";
import { LakeFSError } from "../errors.js";
import type { HttpClient, HttpMethod } from "./http.js";
import type { paths } from "./schema.js";

/** `openapi-fetch`'s client over lakeFS's REST API (`GET`, `POST`, … keyed by path templates). */
export type LakeFSApi = OpenApiClient<paths>;

/**
 * What a low-level call may add to openapi-fetch's options (`params`, `body`, `headers`,
 * `signal`, `parseAs`), as in `api.POST(path, { params, body, timeout: 5000 })`.
 */
export interface ApiCallOptions {
  /** Milliseconds until the call fails with `RequestTimeoutError` (0 = none); default: the client's. */
  readonly timeout?: number;
  /** Safe to repeat on a transient failure; default true for GET/HEAD/PUT/DELETE only. */
  readonly idempotent?: boolean;
  /** Work that grows with the data (commit, merge…): default timeout at least 10 min. */
  readonly longRunning?: boolean;
  /** The call addresses an object: 404 → `ObjectNotFoundError`, 412 → `ObjectExistsError`. */
  readonly object?: boolean;
}

/** Builds the typed client over `http` (`client.api` does this once per client). */
export function createLakeFSApi(http: HttpClient): LakeFSApi {
  return createClient<paths>({
    baseUrl: http.endpoint,
    fetch: (request) => sendThrough(http, request),
  });
}

/**
 * Sends openapi-fetch's `Request` with `http`. openapi-fetch copies options it does not know
 * onto the `Request`, which is how `ApiCallOptions` arrive here. Bodies are read whole (they
 * are small JSON documents or caller-provided bytes) so a retry can send them again.
 */
async function sendThrough(http: HttpClient, request: Request): Promise<Response> {
  const options = request as Request & ApiCallOptions;
  // JSON goes as text, like the SDK's other JSON requests; anything else as bytes.
  const body =
    request.body === null
      ? undefined
      : /json/i.test(request.headers.get("content-type") ?? "")
        ? await request.text()
        : new Uint8Array(await request.arrayBuffer());
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return http.request(
    {
      method: request.method as HttpMethod,
      path: request.url.slice(http.endpoint.length),
      headers,
      body,
      idempotent: options.idempotent,
      longRunning: options.longRunning,
      object: options.object,
      expect: "response",
    },
    { signal: request.signal, timeout: options.timeout },
  );
}

/**
 * The JSON body of a low-level call. Failures were already thrown as typed errors, so only an
 * empty 2xx answer is left to reject (a server that does not follow the spec).
 */
export async function answer<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data, response } = await call;
  if (data === undefined) {
    throw new LakeFSError(`${response.status} from ${response.url || "lakeFS"} has no body`);
  }
  return data;
}
