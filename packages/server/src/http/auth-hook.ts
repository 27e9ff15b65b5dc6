/**
 * Authentication for `/api/v1`: HTTP Basic with an access key pair, or a login JWT as
 * `Authorization: Bearer` or in the `internal_auth_session` cookie. Routes marked
 * `config: { public: true }` skip it. Every failure is the same 401, so callers learn nothing
 * about which part was wrong.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AuthService } from "../auth/credentials.js";
import type { Caller } from "./context.js";
import { AUTH_FAILED, sendError } from "./errors.js";

/** The cookie lakeFS keeps the login token in. */
export const SESSION_COOKIE = "internal_auth_session";

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

/** The caller a request proves to be, or undefined. */
export async function authenticate(
  auth: AuthService,
  request: FastifyRequest,
): Promise<Caller | undefined> {
  const header = request.headers.authorization;
  if (header) {
    const space = header.indexOf(" ");
    const scheme = space < 0 ? header : header.slice(0, space);
    const value = space < 0 ? "" : header.slice(space + 1).trim();
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0) return undefined;
      return auth.verifyBasic(decoded.slice(0, colon), decoded.slice(colon + 1));
    }
    if (/^bearer$/i.test(scheme)) return auth.verifyToken(value);
    return undefined;
  }
  const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
  return token ? auth.verifyToken(token) : undefined;
}

/** Installs the authentication hook on a scope. */
export function requireAuthentication(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest("caller", null);
  app.addHook("onRequest", async (request, reply) => {
    if (request.routeOptions.config.public || request.is404) return;
    const caller = await authenticate(auth, request);
    if (!caller) return sendError(reply, 401, AUTH_FAILED);
    request.caller = caller;
  });
}
