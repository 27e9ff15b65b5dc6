/** Login (JWT), auth capabilities and the current user. */
import type { Schema } from "lakefs-ts/api";
import type { User } from "../../auth/credentials.js";
import { badRequest, EngineError, notFound } from "../../core/errors.js";
import { SESSION_COOKIE } from "../auth-hook.js";
import type { RouteArea } from "../context.js";
import { AUTH_FAILED, BODY_MISSING } from "../errors.js";
import { nonEmpty, operation, type Route } from "../validation.js";
import { listOf } from "../wire.js";

/** One shape for a user everywhere it appears (`/user`, `/auth/users`). */
/** lakeFS's user shape, with its email and friendly name (never set here, so empty). */
function userWire(user: User): Schema<"User"> {
  return { id: user.username, creation_date: user.creationDate, email: "", friendly_name: "" };
}

export const authRoutes: RouteArea = (app, { auth }) => {
  app.post<Route<"login">>(
    "/auth/login",
    {
      config: { public: true },
      // Empty keys are a malformed request (400), not a failed login; the spec has no minLength.
      schema: operation("login", { body: nonEmpty("access_key_id", "secret_access_key") }),
    },
    async (req, reply) => {
      // The spec makes the body optional; there is no login without one.
      if (!req.body) throw badRequest(BODY_MISSING);
      const { access_key_id, secret_access_key } = req.body;
      const login = await auth.login(access_key_id, secret_access_key);
      const expires = new Date(login.tokenExpiration * 1000).toUTCString();
      reply.header(
        "Set-Cookie",
        `${SESSION_COOKIE}=${login.token}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax`,
      );
      const token: Schema<"AuthenticationToken"> = {
        token: login.token,
        token_expiration: login.tokenExpiration,
      };
      return token;
    },
  );

  app.get(
    "/auth/capabilities",
    { config: { public: true } },
    async (): Promise<Schema<"AuthCapabilities">> => ({
      invite_user: false,
      forgot_password: false,
    }),
  );

  app.get("/user", async (req): Promise<Schema<"CurrentUser">> => {
    const user = req.caller && auth.getUser(req.caller.username);
    if (!user) throw new EngineError("unauthorized", AUTH_FAILED);
    return { user: userWire(user) };
  });

  // lakeFS OSS (single-user "basic" auth) serves user reads; creating or deleting users,
  // credentials, groups and policies stay 501 here (see unimplemented.ts).
  app.get(
    "/auth/users",
    { schema: operation("listUsers") },
    async (): Promise<Schema<"UserList">> => {
      const users = auth.listUsers();
      return listOf({ results: users, hasMore: false, nextOffset: "" }, userWire);
    },
  );

  app.get<Route<"getUser">>(
    "/auth/users/:userId",
    { schema: operation("getUser") },
    async (req): Promise<Schema<"User">> => {
      const user = auth.getUser(req.params.userId);
      if (!user) throw notFound("user not found");
      return userWire(user);
    },
  );
};
