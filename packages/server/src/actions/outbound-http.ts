/**
 * The main thread's half of Lua's `net/http`: one outbound request with lakeFS's 30-second
 * timeout (and the hook's own cancellation), answered with status, headers and body.
 */
import type { HostResponse, HttpCall } from "./lua-library/host-channel.js";

export const LUA_HTTP_TIMEOUT_MS = 30_000;
/** A response larger than this fails the call rather than the worker's memory limit. */
const MAX_BODY_BYTES = 32 << 20;

export async function outboundRequest(call: HttpCall, signal?: AbortSignal): Promise<HostResponse> {
  let url: URL;
  try {
    url = new URL(call.url);
  } catch {
    throw new Error(`${call.method} ${JSON.stringify(call.url)}: invalid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(
      `${call.method} ${JSON.stringify(call.url)}: unsupported protocol scheme "${url.protocol.slice(0, -1)}"`,
    );
  }
  const timeout = AbortSignal.timeout(LUA_HTTP_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, {
      method: call.method,
      headers: call.headers.map(([name, value]): [string, string] => [name, value]),
      body: call.body === undefined ? undefined : Buffer.from(call.body),
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
  } catch (err) {
    const reason = timeout.aborted
      ? `timed out after ${LUA_HTTP_TIMEOUT_MS / 1000} s`
      : ((err as Error & { cause?: Error }).cause?.message ?? (err as Error).message);
    throw new Error(`${call.method} ${JSON.stringify(call.url)}: ${reason}`);
  }
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new Error(`${call.method} ${JSON.stringify(call.url)}: response larger than 32 MiB`);
  }
  const body = new Uint8Array(await response.arrayBuffer());
  if (body.byteLength > MAX_BODY_BYTES) {
    throw new Error(`${call.method} ${JSON.stringify(call.url)}: response larger than 32 MiB`);
  }
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
  return { status: response.status, statusText: response.statusText, headers, body };
}
