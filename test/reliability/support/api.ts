/** A minimal lakeFS REST caller over fetch: the harnesses need exact control of every request. */
import { QUICKSTART_CREDENTIALS } from "lakefs-ts-server";

export const BASIC_AUTH = `Basic ${Buffer.from(
  `${QUICKSTART_CREDENTIALS.accessKeyId}:${QUICKSTART_CREDENTIALS.secretAccessKey}`,
).toString("base64")}`;

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly bytes: Buffer;
}

export interface RequestOptions {
  readonly query?: Record<string, string | number | boolean>;
  readonly json?: unknown;
  readonly raw?: Uint8Array;
  readonly headers?: Record<string, string>;
  readonly auth?: string | null;
  readonly signal?: AbortSignal;
}

/** Thrown when the server could not be reached or the connection broke (not an HTTP status). */
export class TransportError extends Error {
  override name = "TransportError";
}

/** One request to `endpoint + path`; resolves with any HTTP status, rejects on transport failure. */
export async function call(
  endpoint: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse> {
  const url = new URL(endpoint + path);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== null) headers.authorization = options.auth ?? BASIC_AUTH;
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    headers["content-type"] ??= "application/octet-stream";
    body = new Uint8Array(options.raw); // a plain ArrayBuffer-backed copy, as fetch's types want
  }
  let res: Response;
  let bytes: Buffer;
  try {
    res = await fetch(url, { method, headers, body, signal: options.signal ?? null });
    bytes = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    throw new TransportError(`${method} ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown = bytes;
  if ((res.headers.get("content-type") ?? "").includes("json") && bytes.length > 0) {
    parsed = JSON.parse(bytes.toString("utf8"));
  }
  return { status: res.status, body: parsed, bytes };
}

/** Like `call`, but throws unless the status is one of `expected`. */
export async function expectStatus(
  endpoint: string,
  method: string,
  path: string,
  expected: number | readonly number[],
  options: RequestOptions = {},
): Promise<ApiResponse> {
  const res = await call(endpoint, method, path, options);
  const ok = typeof expected === "number" ? [expected] : expected;
  if (!ok.includes(res.status)) {
    throw new Error(
      `${method} ${path}: HTTP ${res.status} ${res.bytes.toString("utf8").slice(0, 300)}`,
    );
  }
  return res;
}
