import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { QUICKSTART_CREDENTIALS } from "lakefs-ts-server";
import { basicAuth, openApi, type TestApi } from "./http-helpers.js";

describe("HTTP authentication", () => {
  let api: TestApi;
  before(async () => {
    api = await openApi();
  });
  after(() => api?.close());

  const unauthorized = { status: 401, message: "error authenticating request" };

  it("refuses API calls without credentials, with wrong ones, or malformed headers", async () => {
    const attempts: (string | null)[] = [
      null,
      basicAuth(QUICKSTART_CREDENTIALS.accessKeyId, "wrong-secret"),
      basicAuth("AKIAUNKNOWN", QUICKSTART_CREDENTIALS.secretAccessKey),
      `Basic ${Buffer.from("no-colon").toString("base64")}`,
      "Basic !!!not-base64",
      "Bearer not.a.jwt",
      "Digest whatever",
    ];
    for (const auth of attempts) {
      const r = await api.call("GET", "/repositories", { auth, contract: false });
      assert.deepEqual({ status: r.status, message: r.json?.message }, unauthorized, String(auth));
    }
  });

  it("accepts HTTP Basic with the quickstart key pair; /user names the admin `quickstart`, as lakeFS", async () => {
    const r = await api.call("GET", "/user");
    assert.equal(r.status, 200);
    assert.equal(r.json.user.id, "quickstart");
    assert.equal(typeof r.json.user.creation_date, "number");
  });

  it("logs in with the key pair and accepts the JWT as Bearer and as session cookie", async () => {
    const login = await api.call("POST", "/auth/login", {
      auth: null,
      json: {
        access_key_id: QUICKSTART_CREDENTIALS.accessKeyId,
        secret_access_key: QUICKSTART_CREDENTIALS.secretAccessKey,
      },
    });
    assert.equal(login.status, 200);
    const { token, token_expiration } = login.json;
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const sevenDays = 7 * 24 * 3600;
    assert.ok(Math.abs(token_expiration - (Date.now() / 1000 + sevenDays)) < 120);
    assert.match(
      login.headers.get("set-cookie") ?? "",
      /^internal_auth_session=[\w.-]+;.*HttpOnly/,
    );

    const bearer = await api.call("GET", "/user", { auth: `Bearer ${token}` });
    assert.equal(bearer.status, 200);
    assert.equal(bearer.json.user.id, "quickstart");
    const cookie = await api.call("GET", "/repositories", {
      auth: null,
      headers: { cookie: `other=1; internal_auth_session=${token}` },
    });
    assert.equal(cookie.status, 200);

    // A token with a tampered signature is refused.
    const forged = `${token.slice(0, -4)}AAAA`;
    const r = await api.call("GET", "/user", { auth: `Bearer ${forged}`, contract: false });
    assert.equal(r.status, 401);
  });

  it("refuses login with wrong keys (401) and malformed bodies (400)", async () => {
    const wrong = await api.call("POST", "/auth/login", {
      auth: null,
      json: { access_key_id: QUICKSTART_CREDENTIALS.accessKeyId, secret_access_key: "nope" },
    });
    assert.deepEqual({ status: wrong.status, message: wrong.json.message }, unauthorized);
    const missing = await api.call("POST", "/auth/login", {
      auth: null,
      json: { access_key_id: "x" },
      contract: false,
    });
    assert.equal(missing.status, 400);
    assert.match(missing.json.message, /secret_access_key/);
  });

  it("serves the public routes without credentials", async () => {
    const health = await api.call("GET", "/healthcheck", { auth: null });
    assert.equal(health.status, 204);
    assert.equal(health.text, "");
    const setup = await api.call("GET", "/setup_lakefs", { auth: null });
    assert.equal(setup.status, 200);
    assert.equal(setup.json.state, "initialized");
    assert.deepEqual(setup.json.login_config.login_cookie_names, ["internal_auth_session"]);
    const caps = await api.call("GET", "/auth/capabilities", { auth: null });
    assert.equal(caps.status, 200);
    const prefs = await api.call("POST", "/setup_comm_prefs", {
      auth: null,
      json: { email: "a@b.c", featureUpdates: false, securityUpdates: false },
    });
    assert.equal(prefs.status, 200);
  });

  it("answers setup_lakefs on an initialized server with 409, and validates its body", async () => {
    const again = await api.call("POST", "/setup_lakefs", {
      auth: null,
      json: { username: "bob" },
    });
    assert.equal(again.status, 409);
    assert.equal(again.json.message, "lakeFS already initialized");
    const empty = await api.call("POST", "/setup_lakefs", { auth: null, json: { username: "" } });
    assert.equal(empty.status, 400);
  });

  it("requires credentials on everything else, including routes it does not implement", async () => {
    for (const [method, path] of [
      ["GET", "/config"],
      ["GET", "/user"],
      ["GET", "/auth/users"],
      ["POST", "/repositories"],
    ] as const) {
      const r = await api.call(method, path, { auth: null, contract: false });
      assert.equal(r.status, 401, `${method} ${path}`);
    }
  });
});
