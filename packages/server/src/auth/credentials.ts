/**
 * Users and access keys, login tokens and the first-user setup flow. Secrets are never stored in
 * clear: Basic auth checks an HMAC-SHA256 of the secret (compared in constant time), and the S3
 * gateway's signature checks (SigV4/SigV2 are HMACs keyed by the secret itself, so the verifier
 * needs the secret) decrypt a copy sealed with AES-256-GCM under a key derived from the server
 * secret, as lakeFS encrypts its stored secrets. Keys created before sealing existed are sealed
 * the first time their secret is presented (Basic auth, login, or a restart with credentials).
 * Tables live in the shared metadata database and are created here.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from "node:crypto";
import type BetterSqlite3 from "better-sqlite3";
import { jwtVerify, SignJWT } from "jose";
import { badRequest, EngineError } from "../core/errors.js";
import type { Credentials } from "../options.js";
import { deriveKey } from "./secret.js";

type Database = BetterSqlite3.Database;

/** lakeFS's default login token lifetime (`auth.login_duration`): 7 days. */
export const LOGIN_TOKEN_SECONDS = 7 * 24 * 60 * 60;
const TOKEN_AUDIENCE = "login";
/** The user that `ensureAdmin` creates. */
const ADMIN_USERNAME = "admin";
/** The admin's name on `--quickstart`, as lakeFS names it. */
export const QUICKSTART_USERNAME = "quickstart";

export interface User {
  readonly username: string;
  /** Unix seconds. */
  readonly creationDate: number;
}

export interface IssuedCredentials extends Credentials {
  /** Unix seconds. */
  readonly creationDate: number;
}

export interface LoginToken {
  readonly token: string;
  /** Unix seconds. */
  readonly tokenExpiration: number;
}

interface UserRow {
  username: string;
  created_at: number;
}

interface CredentialRow extends UserRow {
  secret_hash: Buffer;
  secret_sealed: Buffer | null;
}

/** A key pair's owner and its secret, for verifying request signatures (the S3 gateway). */
export interface SigningKey {
  readonly user: User;
  readonly secretAccessKey: string;
}

const SEAL_IV_BYTES = 12;
const SEAL_TAG_BYTES = 16;

export class AuthService {
  private readonly hashKey: Buffer;
  private readonly jwtKey: Buffer;
  /** A stable id for this data directory (`GET /usage-report/summary`), derived from its secret. */
  readonly installationId: string;
  private readonly sealKey: Buffer;
  /** Compared against when the access key is unknown, so that case costs the same work. */
  private readonly decoyHash: Buffer;
  private readonly credentialByKey: BetterSqlite3.Statement<[string], CredentialRow>;
  private readonly userByName: BetterSqlite3.Statement<[string], UserRow>;

  constructor(
    private readonly db: Database,
    secret: Uint8Array,
  ) {
    this.hashKey = deriveKey(secret, "credentials");
    this.jwtKey = deriveKey(secret, "jwt");
    this.installationId = uuidOf(deriveKey(secret, "installation"));
    this.sealKey = deriveKey(secret, "credential-seal");
    this.decoyHash = this.hashSecret(randomBytes(30).toString("base64"));
    db.exec(`
      CREATE TABLE IF NOT EXISTS auth_users (
        username TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS auth_credentials (
        access_key_id TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES auth_users(username) ON DELETE CASCADE,
        secret_hash BLOB NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `);
    const columns = db.prepare("PRAGMA table_info(auth_credentials)").all() as { name: string }[];
    if (!columns.some((c) => c.name === "secret_sealed")) {
      db.exec("ALTER TABLE auth_credentials ADD COLUMN secret_sealed BLOB");
    }
    this.credentialByKey = db.prepare(
      `SELECT u.username, u.created_at, c.secret_hash, c.secret_sealed FROM auth_credentials c
       JOIN auth_users u ON u.username = c.username WHERE c.access_key_id = ?`,
    );
    this.userByName = db.prepare("SELECT username, created_at FROM auth_users WHERE username = ?");
  }

  /** True once the first user exists (`GET /setup_lakefs` state `initialized`). */
  isInitialized(): boolean {
    return this.db.prepare("SELECT 1 FROM auth_users LIMIT 1").get() !== undefined;
  }

  /**
   * Creates the first user with the given key pair, or a generated one (`POST /setup_lakefs`).
   * 409 `lakeFS already initialized` once a user exists; 400 for an empty username or key.
   */
  setup(request: { username: string; key?: Credentials | undefined }): IssuedCredentials {
    const { username } = request;
    if (username.trim() === "") throw badRequest("argument username: required value");
    if (request.key !== undefined) checkKey(request.key);
    return this.db.transaction(() => {
      if (this.isInitialized()) throw new EngineError("conflict", "lakeFS already initialized");
      return this.createUserWithKey(username, request.key ?? generateCredentials());
    })();
  }

  /**
   * Makes sure an admin exists, for servers started with credentials (or quickstart). On a fresh
   * data directory creates user `username` (lakeFS's quickstart names it `quickstart`) with
   * `credentials` (or a generated pair) and returns it.
   * Otherwise returns `credentials` when they are valid, and `undefined` when none (valid) were
   * given: an existing secret cannot be recovered, only its hash is stored.
   */
  ensureAdmin(credentials?: Credentials, username = ADMIN_USERNAME): Credentials | undefined {
    if (credentials !== undefined) checkKey(credentials);
    return this.db.transaction((): Credentials | undefined => {
      if (!this.isInitialized()) {
        const issued = this.createUserWithKey(username, credentials ?? generateCredentials());
        return { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey };
      }
      if (credentials && this.verifyBasic(credentials.accessKeyId, credentials.secretAccessKey)) {
        return credentials;
      }
      return undefined;
    })();
  }

  /**
   * The user owning this key pair, or undefined. Unknown keys and wrong secrets take the same
   * path (hash + constant-time compare), so a caller cannot tell which one failed.
   */
  verifyBasic(accessKeyId: string, secretAccessKey: string): User | undefined {
    const row = this.credentialByKey.get(accessKeyId);
    const candidate = this.hashSecret(secretAccessKey);
    const matches = timingSafeEqual(candidate, row?.secret_hash ?? this.decoyHash);
    if (row === undefined || !matches) return undefined;
    if (row.secret_sealed === null) {
      this.db
        .prepare("UPDATE auth_credentials SET secret_sealed = ? WHERE access_key_id = ?")
        .run(this.seal(secretAccessKey), accessKeyId);
    }
    return toUser(row);
  }

  /**
   * The owner and secret of an access key, for checking a request signature; undefined when the
   * key is unknown or its secret has not been sealed yet (see the module comment).
   */
  signingKey(accessKeyId: string): SigningKey | undefined {
    const row = this.credentialByKey.get(accessKeyId);
    if (row?.secret_sealed == null) return undefined;
    const secretAccessKey = this.unseal(row.secret_sealed);
    return secretAccessKey === undefined ? undefined : { user: toUser(row), secretAccessKey };
  }

  /** `POST /auth/login`: an HS256 JWT (sub = username, aud `login`, 7 days); 401 on bad keys. */
  async login(accessKeyId: string, secretAccessKey: string, now = Date.now()): Promise<LoginToken> {
    const user = this.verifyBasic(accessKeyId, secretAccessKey);
    if (user === undefined) throw new EngineError("unauthorized", "error authenticating request");
    return this.issueToken(user.username, now);
  }

  /** A login token for `username`, without its keys: for the server's own calls as that user. */
  async issueToken(username: string, now = Date.now()): Promise<LoginToken> {
    const issuedAt = Math.floor(now / 1000);
    const tokenExpiration = issuedAt + LOGIN_TOKEN_SECONDS;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(username)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(tokenExpiration)
      .setJti(randomBytes(16).toString("hex"))
      .sign(this.jwtKey);
    return { token, tokenExpiration };
  }

  /** The user a login token belongs to, or undefined when it is forged, expired or foreign. */
  async verifyToken(token: string, now = Date.now()): Promise<User | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.jwtKey, {
        algorithms: ["HS256"],
        audience: TOKEN_AUDIENCE,
        currentDate: new Date(now),
        requiredClaims: ["sub", "exp"],
      });
      return payload.sub === undefined ? undefined : this.getUser(payload.sub);
    } catch {
      return undefined;
    }
  }

  /** Every user, by name (one on a single-user server, as lakeFS OSS). */
  listUsers(): User[] {
    return this.db
      .prepare<[], UserRow>("SELECT username, created_at FROM auth_users ORDER BY username")
      .all()
      .map(toUser);
  }

  getUser(username: string): User | undefined {
    const row = this.userByName.get(username);
    return row === undefined ? undefined : toUser(row);
  }

  private createUserWithKey(username: string, key: Credentials): IssuedCredentials {
    const creationDate = Math.floor(Date.now() / 1000);
    this.db
      .prepare("INSERT INTO auth_users (username, created_at) VALUES (?, ?)")
      .run(username, creationDate);
    this.db
      .prepare(
        "INSERT INTO auth_credentials (access_key_id, username, secret_hash, secret_sealed, created_at) VALUES (?, ?, ?, ?, ?)",
      )
      .run(
        key.accessKeyId,
        username,
        this.hashSecret(key.secretAccessKey),
        this.seal(key.secretAccessKey),
        creationDate,
      );
    return { ...key, creationDate };
  }

  /** AES-256-GCM: iv ‖ tag ‖ ciphertext. */
  private seal(secretAccessKey: string): Buffer {
    const iv = randomBytes(SEAL_IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.sealKey, iv);
    const body = Buffer.concat([cipher.update(secretAccessKey, "utf8"), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** Undefined when the sealed value was not made with this server's secret (or was altered). */
  private unseal(sealed: Buffer): string | undefined {
    try {
      const iv = sealed.subarray(0, SEAL_IV_BYTES);
      const tag = sealed.subarray(SEAL_IV_BYTES, SEAL_IV_BYTES + SEAL_TAG_BYTES);
      const decipher = createDecipheriv("aes-256-gcm", this.sealKey, iv);
      decipher.setAuthTag(tag);
      const body = sealed.subarray(SEAL_IV_BYTES + SEAL_TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    } catch {
      return undefined;
    }
  }

  private hashSecret(secretAccessKey: string): Buffer {
    return createHmac("sha256", this.hashKey).update(secretAccessKey, "utf8").digest();
  }
}

/** 16 bytes of `key` written as a version-4-shaped UUID. */
function uuidOf(key: Buffer): string {
  const b = Buffer.from(key.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toUser(row: UserRow): User {
  return { username: row.username, creationDate: row.created_at };
}

function checkKey(key: Credentials): void {
  if (key.accessKeyId.trim() === "" || key.secretAccessKey === "") {
    throw badRequest("argument key: access_key_id and secret_access_key are required");
  }
}

const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A key pair shaped like lakeFS's: `AKIAJ` + 14 random characters + `Q`, 30-byte base64 secret. */
export function generateCredentials(): Credentials {
  let middle = "";
  for (let i = 0; i < 14; i++) middle += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return { accessKeyId: `AKIAJ${middle}Q`, secretAccessKey: randomBytes(30).toString("base64") };
}
