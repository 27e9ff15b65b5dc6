/** First-user setup (`/setup_lakefs`) and communication preferences; both unauthenticated. */
import type { Schema } from "lakefs-ts/api";
import { SESSION_COOKIE } from "../auth-hook.js";
import type { RouteArea } from "../context.js";
import { operation, type Route } from "../validation.js";

const loginConfig: Schema<"LoginConfig"> = {
  RBAC: "none",
  login_url: "/auth/login",
  login_cookie_names: [SESSION_COOKIE],
  logout_url: "/logout",
  // lakeFS's defaults; "none" is the open-source login flow (lakeFS credentials only).
  login_failed_message: "The credentials don't match.",
  login_url_method: "none",
};

export const setupRoutes: RouteArea = (app, { auth }) => {
  app.get(
    "/setup_lakefs",
    { config: { public: true } },
    async (): Promise<Schema<"SetupState">> => ({
      state: auth.isInitialized() ? "initialized" : "not_initialized",
      comm_prefs_missing: false,
      login_config: loginConfig,
    }),
  );

  app.post<Route<"setup">>(
    "/setup_lakefs",
    { config: { public: true }, schema: operation("setup") },
    async (req): Promise<Schema<"CredentialsWithSecret">> => {
      const { username, key } = req.body;
      const issued = auth.setup({
        username,
        key: key && { accessKeyId: key.access_key_id, secretAccessKey: key.secret_access_key },
      });
      return {
        access_key_id: issued.accessKeyId,
        secret_access_key: issued.secretAccessKey,
        creation_date: issued.creationDate,
      };
    },
  );

  // Nothing is sent anywhere; the preferences are accepted so setup clients can proceed.
  app.post<Route<"setupCommPrefs">>(
    "/setup_comm_prefs",
    { config: { public: true }, schema: operation("setupCommPrefs") },
    async (_req, reply) => reply.code(200).send(),
  );
};
