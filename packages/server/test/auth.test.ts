import assert from "node:assert/strict";
import crypto from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it, mock } from "node:test";
import Database from "better-sqlite3";
import { SignJWT } from "jose";
import { AuthService, generateCredentials, LOGIN_TOKEN_SECONDS } from "../src/auth/credentials.js";
import { deriveKey, loadOrCreateSecret } from "../src/auth/secret.js";
import { EngineError } from "../src/core/errors.js";

const isKind = (kind: string, message?: RegExp) => (err: unknown) =>
  err instanceof EngineError &&
  err.kind === kind &&
  (message === undefined || message.test(err.message));

const ALICE = {
  accessKeyId: "AKIAIOSFODNN7ALICE00",
  secretAccessKey: "alice/secret+key=with-symbols",
};
const DAY = 24 * 60 * 60 * 1000;

describe("server secret", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "auth-secret-test-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is created once as 32 random bytes in hex, mode 0600, and reloaded after", () => {
    const secret = loadOrCreateSecret(dir);
    assert.equal(secret.length, 32);
    assert.equal(readFileSync(join(dir, "secret"), "utf8").trim(), secret.toString("hex"));
    assert.equal(statSync(join(dir, "secret")).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateSecret(dir), secret);
    assert.deepEqual(readdirSync(dir), ["secret"]);
  });

  it("refuses a corrupt secret file instead of replacing it", () => {
    const other = mkdtempSync(join(dir, "corrupt-"));
    writeFileSync(join(other, "secret"), "not hex\n");
    assert.throws(() => loadOrCreateSecret(other), /not a server secret/);
    assert.equal(readFileSync(join(other, "secret"), "utf8"), "not hex\n");
  });

  it("derives a distinct key per purpose", () => {
    const secret = crypto.randomBytes(32);
    const keys = (["jwt", "presign", "credentials"] as const).map((p) =>
      deriveKey(secret, p).toString("hex"),
    );
    assert.equal(new Set(keys).size, 3);
  });
});

describe("AuthService", () => {
  let dir: string;
  let db: Database.Database;
  let secret: Buffer;
  let auth: AuthService;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "auth-test-"));
    db = new Database(join(dir, "metadata.db"));
    db.pragma("journal_mode = WAL");
    secret = loadOrCreateSecret(dir);
    auth = new AuthService(db, secret);
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    mock.restoreAll();
    syncBuiltinESMExports();
  });

  describe("setup", () => {
    it("starts uninitialised and rejects an empty username or key", () => {
      assert.equal(auth.isInitialized(), false);
      assert.throws(() => auth.setup({ username: "" }), isKind("bad_request"));
      assert.throws(() => auth.setup({ username: "  " }), isKind("bad_request"));
      assert.throws(
        () => auth.setup({ username: "alice", key: { accessKeyId: "", secretAccessKey: "x" } }),
        isKind("bad_request"),
      );
      assert.throws(
        () => auth.setup({ username: "alice", key: { accessKeyId: "AK", secretAccessKey: "" } }),
        isKind("bad_request"),
      );
      assert.equal(auth.isInitialized(), false);
    });

    it("creates the first user with the given key, then refuses with 409", () => {
      const issued = auth.setup({ username: "alice", key: ALICE });
      assert.equal(issued.accessKeyId, ALICE.accessKeyId);
      assert.equal(issued.secretAccessKey, ALICE.secretAccessKey);
      assert.ok(Math.abs(issued.creationDate - Date.now() / 1000) < 60);
      assert.equal(auth.isInitialized(), true);
      assert.deepEqual(auth.getUser("alice"), {
        username: "alice",
        creationDate: issued.creationDate,
      });
      assert.equal(auth.getUser("bob"), undefined);
      assert.throws(
        () => auth.setup({ username: "bob" }),
        isKind("conflict", /^lakeFS already initialized$/),
      );
    });
  });

  describe("verifyBasic", () => {
    it("accepts the right pair only", () => {
      assert.equal(auth.verifyBasic(ALICE.accessKeyId, ALICE.secretAccessKey)?.username, "alice");
      assert.equal(auth.verifyBasic(ALICE.accessKeyId, `${ALICE.secretAccessKey}x`), undefined);
      assert.equal(auth.verifyBasic(ALICE.accessKeyId, ""), undefined);
      assert.equal(auth.verifyBasic("AKIAUNKNOWN", ALICE.secretAccessKey), undefined);
      assert.equal(
        auth.verifyBasic(ALICE.accessKeyId.toLowerCase(), ALICE.secretAccessKey),
        undefined,
      );
    });

    it("does the same constant-time comparison for unknown keys and wrong secrets", () => {
      const compare = mock.method(crypto, "timingSafeEqual");
      syncBuiltinESMExports();
      auth.verifyBasic(ALICE.accessKeyId, "wrong");
      auth.verifyBasic("AKIAUNKNOWN", "wrong");
      auth.verifyBasic(ALICE.accessKeyId, ALICE.secretAccessKey);
      assert.equal(compare.mock.callCount(), 3);
      for (const call of compare.mock.calls) {
        const [a, b] = call.arguments as [Buffer, Buffer];
        assert.equal(a.length, 32);
        assert.equal(b.length, 32);
      }
    });

    it("never stores secrets in plaintext", () => {
      db.pragma("wal_checkpoint(TRUNCATE)");
      const files = readdirSync(dir).filter((f) => f.startsWith("metadata.db"));
      const bytes = Buffer.concat(files.map((f) => readFileSync(join(dir, f))));
      assert.ok(bytes.includes(Buffer.from(ALICE.accessKeyId)), "sanity: the key id is stored");
      assert.ok(!bytes.includes(Buffer.from(ALICE.secretAccessKey)));
      assert.ok(!bytes.includes(Buffer.from(ALICE.secretAccessKey).toString("base64")));
      assert.ok(
        !bytes.includes(crypto.createHash("sha256").update(ALICE.secretAccessKey).digest()),
      );
    });

    it("does not verify under a different server secret", () => {
      const other = new AuthService(db, crypto.randomBytes(32));
      assert.equal(other.verifyBasic(ALICE.accessKeyId, ALICE.secretAccessKey), undefined);
    });
  });

  describe("login tokens", () => {
    it("issues a 7-day HS256 token for the user", async () => {
      const now = Date.now();
      const { token, tokenExpiration } = await auth.login(
        ALICE.accessKeyId,
        ALICE.secretAccessKey,
        now,
      );
      assert.equal(tokenExpiration, Math.floor(now / 1000) + LOGIN_TOKEN_SECONDS);
      const [header, payload] = token
        .split(".")
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, "base64url").toString()));
      assert.equal(header.alg, "HS256");
      assert.equal(payload.sub, "alice");
      assert.equal(payload.aud, "login");
      assert.equal((await auth.verifyToken(token))?.username, "alice");
      assert.equal((await auth.verifyToken(token, now + 6 * DAY))?.username, "alice");
    });

    it("refuses to log in with bad credentials (401)", async () => {
      await assert.rejects(
        auth.login(ALICE.accessKeyId, "wrong"),
        isKind("unauthorized", /^error authenticating request$/),
      );
      await assert.rejects(auth.login("AKIAUNKNOWN", "wrong"), isKind("unauthorized"));
    });

    it("rejects expired tokens", async () => {
      const { token } = await auth.login(
        ALICE.accessKeyId,
        ALICE.secretAccessKey,
        Date.now() - 8 * DAY,
      );
      assert.equal(await auth.verifyToken(token), undefined);
    });

    it("rejects forged, foreign-audience, unsigned and garbage tokens", async () => {
      const { token } = await auth.login(ALICE.accessKeyId, ALICE.secretAccessKey);
      const [header, , signature] = token.split(".");
      const forgedPayload = Buffer.from(
        JSON.stringify({ sub: "admin", aud: "login", exp: Math.floor(Date.now() / 1000) + 3600 }),
      ).toString("base64url");
      const now = Math.floor(Date.now() / 1000);
      const sign = (key: Uint8Array, audience: string, alg = "HS256") =>
        new SignJWT({})
          .setProtectedHeader({ alg })
          .setSubject("alice")
          .setAudience(audience)
          .setExpirationTime(now + 60)
          .sign(key);
      const jwtKey = deriveKey(secret, "jwt");
      const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${forgedPayload}.`;
      const candidates = [
        `${header}.${forgedPayload}.${signature}`,
        await sign(crypto.randomBytes(32), "login"),
        await sign(secret, "login"), // the root secret itself is not the JWT key
        await sign(jwtKey, "other"),
        await sign(jwtKey, "login", "HS512"),
        unsigned,
        "",
        "not.a.jwt",
      ];
      for (const candidate of candidates) {
        assert.equal(await auth.verifyToken(candidate), undefined, candidate);
      }
      assert.equal((await auth.verifyToken(await sign(jwtKey, "login")))?.username, "alice");
    });

    it("rejects tokens of users that no longer exist", async () => {
      db.prepare("INSERT INTO auth_users (username, created_at) VALUES ('ghost', 0)").run();
      const jwtKey = deriveKey(secret, "jwt");
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("ghost")
        .setAudience("login")
        .setExpirationTime(Math.floor(Date.now() / 1000) + 60)
        .sign(jwtKey);
      assert.equal((await auth.verifyToken(token))?.username, "ghost");
      db.prepare("DELETE FROM auth_users WHERE username = 'ghost'").run();
      assert.equal(await auth.verifyToken(token), undefined);
    });
  });
});

describe("ensureAdmin", () => {
  let dir: string;
  let db: Database.Database;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "auth-admin-test-"));
    db = new Database(join(dir, "metadata.db"));
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("generates lakeFS-shaped credentials", () => {
    const { accessKeyId, secretAccessKey } = generateCredentials();
    assert.match(accessKeyId, /^AKIAJ[A-Z0-9]{14}Q$/);
    assert.equal(Buffer.from(secretAccessKey, "base64").length, 30);
    assert.notEqual(generateCredentials().accessKeyId, accessKeyId);
  });

  it("creates admin with generated credentials on a fresh database", () => {
    const auth = new AuthService(db, crypto.randomBytes(32));
    const creds = auth.ensureAdmin();
    assert.ok(creds);
    assert.match(creds.accessKeyId, /^AKIAJ[A-Z0-9]{14}Q$/);
    assert.equal(auth.verifyBasic(creds.accessKeyId, creds.secretAccessKey)?.username, "admin");
    // Already set up: the secret cannot be recovered, and setup is closed.
    assert.equal(auth.ensureAdmin(), undefined);
    assert.throws(() => auth.setup({ username: "x" }), isKind("conflict"));
  });

  it("installs given credentials once and recognises them after a restart", () => {
    const other = new Database(join(dir, "given.db"));
    const serverSecret = crypto.randomBytes(32);
    const given = {
      accessKeyId: "AKIAIOSFOLQUICKSTART",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    };
    assert.deepEqual(new AuthService(other, serverSecret).ensureAdmin(given), given);
    const restarted = new AuthService(other, serverSecret);
    assert.deepEqual(restarted.ensureAdmin(given), given);
    assert.equal(restarted.ensureAdmin({ ...given, secretAccessKey: "different" }), undefined);
    assert.equal(restarted.verifyBasic(given.accessKeyId, "different"), undefined);
    other.close();
  });
});

describe("sealed secrets for signature checks (S3 gateway)", () => {
  const secret = crypto.randomBytes(32);
  const open = (db = new Database(":memory:")) => ({ db, auth: new AuthService(db, secret) });

  it("stores the secret encrypted, never in clear, and gives it back for its key only", () => {
    const { db, auth } = open();
    auth.setup({ username: "alice", key: ALICE });
    assert.equal(auth.signingKey(ALICE.accessKeyId)?.secretAccessKey, ALICE.secretAccessKey);
    assert.equal(auth.signingKey(ALICE.accessKeyId)?.user.username, "alice");
    assert.equal(auth.signingKey("AKIAUNKNOWN"), undefined);
    const row = db.prepare("SELECT * FROM auth_credentials").get() as Record<string, unknown>;
    for (const value of Object.values(row)) {
      if (Buffer.isBuffer(value)) assert.ok(!value.includes(Buffer.from(ALICE.secretAccessKey)));
    }
  });

  it("another server secret, or an altered sealed value, yields nothing", () => {
    const { db, auth } = open();
    auth.setup({ username: "alice", key: ALICE });
    assert.equal(
      new AuthService(db, crypto.randomBytes(32)).signingKey(ALICE.accessKeyId),
      undefined,
    );
    const sealed = (
      db.prepare("SELECT secret_sealed FROM auth_credentials").get() as { secret_sealed: Buffer }
    ).secret_sealed;
    sealed[sealed.length - 1]! ^= 1;
    db.prepare("UPDATE auth_credentials SET secret_sealed = ?").run(sealed);
    assert.equal(auth.signingKey(ALICE.accessKeyId), undefined);
  });

  it("a key stored before sealing existed is sealed the first time its secret is presented", () => {
    const { db, auth } = open();
    auth.setup({ username: "alice", key: ALICE });
    db.prepare("UPDATE auth_credentials SET secret_sealed = NULL").run();
    assert.equal(auth.signingKey(ALICE.accessKeyId), undefined);
    assert.equal(auth.verifyBasic(ALICE.accessKeyId, "wrong"), undefined);
    assert.equal(auth.signingKey(ALICE.accessKeyId), undefined);
    assert.ok(auth.verifyBasic(ALICE.accessKeyId, ALICE.secretAccessKey));
    assert.equal(auth.signingKey(ALICE.accessKeyId)?.secretAccessKey, ALICE.secretAccessKey);
  });

  it("a database from before the column existed is migrated", () => {
    const db = new Database(":memory:");
    db.exec(`CREATE TABLE auth_users (username TEXT PRIMARY KEY, created_at INTEGER NOT NULL) STRICT;
      CREATE TABLE auth_credentials (access_key_id TEXT PRIMARY KEY, username TEXT NOT NULL
        REFERENCES auth_users(username) ON DELETE CASCADE, secret_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL) STRICT;`);
    const { auth } = open(db);
    auth.setup({ username: "alice", key: ALICE });
    assert.equal(auth.signingKey(ALICE.accessKeyId)?.secretAccessKey, ALICE.secretAccessKey);
  });
});
