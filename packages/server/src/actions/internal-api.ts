/**
 * The server's own REST API for Lua hooks (`lakefs` module): requests are injected into the
 * Fastify app in process, authenticated as the user who triggered the action with a login token
 * issued for the call, so they pass the same routes, validation and hooks as any client's.
 */
import type { FastifyInstance } from "fastify";
import type { ApiCall, HostResponse } from "./lua-library/host-channel.js";

/** Calls the API below `/api/v1` as `username`. */
export type InternalApi = (call: ApiCall, username: string) => Promise<HostResponse>;

export function injectedApi(
  app: FastifyInstance,
  apiPrefix: string,
  tokenFor: (username: string) => Promise<string>,
  userAgent: string,
): InternalApi {
  return async (call, username) => {
    const query = new URLSearchParams(call.query).toString();
    const response = await app.inject({
      method: call.method as "GET",
      url: `${apiPrefix}${call.path}${query ? `?${query}` : ""}`,
      headers: {
        authorization: `Bearer ${await tokenFor(username)}`,
        "user-agent": userAgent,
        ...(call.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(call.body === undefined ? {} : { payload: call.body }),
    });
    return {
      status: response.statusCode,
      statusText: response.statusMessage,
      body: new Uint8Array(response.rawPayload),
    };
  };
}
