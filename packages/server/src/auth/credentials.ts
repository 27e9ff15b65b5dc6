/**
 * Users and access keys, login tokens and the first-user setup flow. Secrets are never stored:
 * only HMAC-SHA256 (keyed by a key derived from the server secret) of each, compared in constant
 * time. Tables live in the shared metadata database and are created here.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
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
}

export class AuthService {
  private readonly hashKey: Buffer;
  private readonly jwtKey: Buffer;
  /** A stable id for this data directory (`GET /usage-report/summary`), derived from its secret. */
  readonly installationId: string;
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
    this.credentialByKey = db.prepare(
      `SELECT u.username, u.created_at, c.secret_hash FROM auth_credentials c
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
    return row !== undefined && matches ? toUser(row) : undefined;
  }

  /** `POST /auth/login`: an HS256 JWT (sub = username, aud `login`, 7 days); 401 on bad keys. */
  async login(accessKeyId: string, secretAccessKey: string, now = Date.now()): Promise<LoginToken> {
    const user = this.verifyBasic(accessKeyId, secretAccessKey);
    if (user === undefined) throw new EngineError("unauthorized", "error authenticating request");
    const issuedAt = Math.floor(now / 1000);
    const tokenExpiration = issuedAt + LOGIN_TOKEN_SECONDS;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(user.username)
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
        "INSERT INTO auth_credentials (access_key_id, username, secret_hash, created_at) VALUES (?, ?, ?, ?)",
      )
      .run(key.accessKeyId, username, this.hashSecret(key.secretAccessKey), creationDate);
    return { ...key, creationDate };
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
