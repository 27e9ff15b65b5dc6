/**
 * The server secret (`<dataDir>/secret`, 32 random bytes as hex, mode 0600): the root key from
 * which the JWT, presign, credential-hashing and credential-sealing keys are derived, one key per purpose.
 */
import { createHmac, randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { fsyncDirSync } from "../core/durable.js";

const SECRET_HEX = /^[0-9a-f]{64}$/;

/**
 * Reads the data directory's secret, creating it on first start. The new secret is written to a
 * temp file and hard-linked into place, so a crash never leaves a partial secret and two racing
 * starts agree on one.
 */
export function loadOrCreateSecret(dataDir: string): Buffer {
  const path = join(dataDir, "secret");
  try {
    return readSecret(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const secret = randomBytes(32);
  const tmp = `${path}.${randomBytes(8).toString("hex")}.tmp`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, `${secret.toString("hex")}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return readSecret(path); // another process created it first
  } finally {
    unlinkSync(tmp);
  }
  fsyncDirSync(dataDir);
  return secret;
}

function readSecret(path: string): Buffer {
  const text = readFileSync(path, "utf8").trim();
  if (!SECRET_HEX.test(text)) {
    throw new Error(`${path} is not a server secret (expected 64 hex characters)`);
  }
  return Buffer.from(text, "hex");
}

export type KeyPurpose = "jwt" | "presign" | "credentials" | "installation" | "credential-seal";

/** A 32-byte key for one purpose, so no two mechanisms ever share a key. */
export function deriveKey(secret: Uint8Array, purpose: KeyPurpose): Buffer {
  return createHmac("sha256", secret).update(`lakefs-ts/${purpose}`).digest();
}
