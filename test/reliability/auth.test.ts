/**
 * Authentication sweep: every operation in swagger.yml, called with no credentials, a wrong
 * secret, an unknown key, malformed Authorization headers and forged or expired tokens, must get
 * the same 401 (only the public operations excepted), so no answer tells whether a key exists.
 * Also: secrets are stored only hashed and never logged.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { QUICKSTART_CREDENTIALS } from "lakefs-ts-server";
import { deriveKey } from "../../packages/server/src/auth/secret.js";
import { openTarget, type TestTarget } from "../support/lakefs.js";
import { BASIC_AUTH, call } from "./support/api.js";
import { fillPath, loadSpec } from "./support/swagger.js";

const { accessKeyId, secretAccessKey } = QUICKSTART_CREDENTIALS;
const basic = (user: string, pass: string) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;

/** An HS256 login-shaped token signed with `key`. */
function token(
  key: Uint8Array,
  claims: { sub?: string; exp: number; aud?: string },
): Promise<string> {
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience(claims.aud ?? "login")
    .setIssuedAt(claims.exp - 3600)
    .setExpirationTime(claims.exp);
  if (claims.sub) jwt.setSubject(claims.sub);
  return jwt.sign(key);
}

const unsigned = (payload: object) =>
  `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.`;

describe("authentication sweep over every swagger operation", () => {
  let target: TestTarget;
  let variants: [string, Record<string, string>][];
  const spec = loadSpec();

  before(async () => {
    target = await openTarget();
    const secret = Buffer.from(readFileSync(join(target.dataDir!, "secret"), "utf8").trim(), "hex");
    const jwtKey = deriveKey(secret, "jwt");
    const now = Math.floor(Date.now() / 1000);
    const login = await call(target.endpoint, "POST", "/auth/login", {
      auth: null,
      json: { access_key_id: accessKeyId, secret_access_key: secretAccessKey },
    });
    const valid = (login.body as { token: string }).token;
    const [h, p, s] = valid.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: "someone-else" })).toString("base64url")}.${s}`;
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    variants = [
      ["no credentials", {}],
      ["wrong secret", { authorization: basic(accessKeyId, `${secretAccessKey}x`) }],
      ["unknown key", { authorization: basic("AKIAUNKNOWNKEY000000", secretAccessKey) }],
      ["empty key and secret", { authorization: basic("", "") }],
      ["Basic without value", { authorization: "Basic" }],
      ["Basic not base64", { authorization: "Basic %%%not-base64%%%" }],
      [
        "Basic without colon",
        { authorization: `Basic ${Buffer.from(accessKeyId).toString("base64")}` },
      ],
      ["unknown scheme", { authorization: `Digest ${accessKeyId}` }],
      ["Bearer without token", { authorization: "Bearer" }],
      ["Bearer garbage", bearer("not.a.jwt")],
      [
        "token signed with another key",
        bearer(await token(Buffer.alloc(32, 7), { sub: payload.sub, exp: now + 3600 })),
      ],
      ["expired token", bearer(await token(jwtKey, { sub: payload.sub, exp: now - 60 }))],
      ["token for an unknown user", bearer(await token(jwtKey, { sub: "ghost", exp: now + 3600 }))],
      [
        "token for another audience",
        bearer(await token(jwtKey, { sub: payload.sub, exp: now + 3600, aud: "presign" })),
      ],
      ["token without subject", bearer(await token(jwtKey, { exp: now + 3600 }))],
      ["alg none token", bearer(unsigned({ ...payload }))],
      ["tampered token", bearer(tampered)],
      ["garbage session cookie", { cookie: "internal_auth_session=garbage" }],
      [
        "expired session cookie",
        {
          cookie: `internal_auth_session=${await token(jwtKey, { sub: payload.sub, exp: now - 60 })}`,
        },
      ],
    ];
  });
  after(() => target.close());

  it("sends the valid credentials' control request through (the sweep is not vacuous)", async () => {
    const res = await call(target.endpoint, "GET", "/repositories", { auth: BASIC_AUTH });
    assert.equal(res.status, 200);
  });

  it("answers every protected operation with the same 401 for every bad credential", async () => {
    const protectedOps = spec.operations.filter((o) => !o.public);
    assert.ok(protectedOps.length > 100, "swagger.yml lists the lakeFS API");
    const failures: string[] = [];
    let calls = 0;
    for (const op of protectedOps) {
      const path = fillPath(op.path, (name) => `${name}-x`);
      for (const [what, headers] of variants) {
        const res = await call(target.endpoint, op.method, path, {
          auth: null,
          headers,
          ...(op.jsonBody ? { json: {} } : {}),
        });
        calls++;
        const message =
          op.method === "HEAD" ? undefined : (res.body as { message?: string }).message;
        if (
          res.status !== 401 ||
          (op.method !== "HEAD" && message !== "error authenticating request")
        ) {
          failures.push(
            `${op.operationId} ${op.method} ${path} [${what}]: ${res.status} ${res.bytes.toString().slice(0, 120)}`,
          );
        }
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${calls} calls`);
  });

  it("answers public operations without a 5xx or an auth error hinting at the key", async () => {
    for (const op of spec.operations.filter((o) => o.public)) {
      for (const [what, headers] of variants) {
        const res = await call(target.endpoint, op.method, op.path, {
          auth: null,
          headers,
          ...(op.jsonBody ? { json: {} } : {}),
        });
        assert.ok(
          res.status < 500 || res.status === 501,
          `${op.operationId} [${what}]: ${res.status}`,
        );
      }
    }
  });

  it("does not tell an unknown key from a wrong secret, at login or on a route", async () => {
    const attempt = (id: string, secret: string) =>
      call(target.endpoint, "POST", "/auth/login", {
        auth: null,
        json: { access_key_id: id, secret_access_key: secret },
      });
    const wrong = await attempt(accessKeyId, "wrong-secret");
    const unknown = await attempt("AKIAUNKNOWNKEY000000", "wrong-secret");
    assert.equal(wrong.status, 401);
    assert.deepEqual([unknown.status, unknown.body], [wrong.status, wrong.body]);
    const onRoute = async (auth: string) => {
      const res = await call(target.endpoint, "GET", "/user", { auth });
      return [res.status, res.body];
    };
    assert.deepEqual(
      await onRoute(basic("AKIAUNKNOWNKEY000000", "x")),
      await onRoute(basic(accessKeyId, "x")),
    );
  });

  it("stores secrets only hashed: neither the secret nor its base64 appears in the data directory", async () => {
    const needles = [secretAccessKey, Buffer.from(secretAccessKey).toString("base64")];
    const files = readdirSync(target.dataDir!).filter((f) => f.startsWith("metadata.db"));
    assert.ok(files.length > 0);
    for (const file of files) {
      const bytes = readFileSync(join(target.dataDir!, file));
      for (const needle of needles)
        assert.equal(bytes.includes(needle), false, `${file} holds the secret`);
    }
  });
});

describe("request logging", () => {
  it("never writes a secret or token to the log", async () => {
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(chunk.toString());
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    const target = await openTarget({ logger: true });
    try {
      const login = await call(target.endpoint, "POST", "/auth/login", {
        auth: null,
        json: { access_key_id: accessKeyId, secret_access_key: secretAccessKey },
      });
      const jwt = (login.body as { token: string }).token;
      await call(target.endpoint, "GET", "/user", { auth: `Bearer ${jwt}` });
      await call(target.endpoint, "GET", "/repositories", { auth: BASIC_AUTH });
      await call(target.endpoint, "GET", "/repositories", {
        auth: basic(accessKeyId, "a-wrong-secret"),
      });
      const log = written.join("");
      assert.ok(log.includes("/repositories"), "the request log was captured");
      for (const needle of [secretAccessKey, BASIC_AUTH.slice(6), jwt, "a-wrong-secret"]) {
        assert.equal(log.includes(needle), false, `log contains ${needle.slice(0, 12)}…`);
      }
    } finally {
      process.stderr.write = original;
      await target.close();
    }
  });
});
