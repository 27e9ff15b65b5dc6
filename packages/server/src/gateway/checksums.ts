/**
 * Integrity checks on object bytes as they stream in: `Content-MD5`, the signed payload SHA-256
 * and S3's flexible checksums (`x-amz-checksum-<algorithm>`, in a header or an aws-chunked
 * trailer). Every algorithm S3 defines is verified: CRC32 with zlib, CRC32C and CRC64NVME with
 * ./crc.ts, SHA-1 and SHA-256 with node:crypto.
 */
import { createHash, type Hash } from "node:crypto";
import { crc32 } from "node:zlib";
import { Crc64Nvme, crc32c } from "./crc.js";
import { S3Error } from "./errors.js";

/** Accumulates a digest over streamed bytes; `value()` in the encoding clients send it. */
export interface Digest {
  update(bytes: Uint8Array): void;
  value(): string;
}

function hashDigest(algorithm: string, encoding: "hex" | "base64"): Digest {
  const hash: Hash = createHash(algorithm);
  return { update: (bytes) => hash.update(bytes), value: () => hash.digest(encoding) };
}

/** A CRC-32 family digest: 4 big-endian bytes in base64. */
function crc32FamilyDigest(step: (bytes: Uint8Array, previous: number) => number): Digest {
  let crc = 0;
  return {
    update: (bytes) => {
      crc = step(bytes, crc);
    },
    value: () => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc >>> 0);
      return out.toString("base64");
    },
  };
}

function crc64NvmeDigest(): Digest {
  const crc = new Crc64Nvme();
  return { update: (bytes) => crc.update(bytes), value: () => crc.digest().toString("base64") };
}

/** The checksum header names S3 defines, and how to compute each. */
const FLEXIBLE_CHECKSUMS: Record<string, () => Digest> = {
  "x-amz-checksum-crc32": () => crc32FamilyDigest(crc32),
  "x-amz-checksum-crc32c": () => crc32FamilyDigest(crc32c),
  "x-amz-checksum-crc64nvme": crc64NvmeDigest,
  "x-amz-checksum-sha1": () => hashDigest("sha1", "base64"),
  "x-amz-checksum-sha256": () => hashDigest("sha256", "base64"),
};

/** A digest to compare against `expected` at the end of the body, failing with `code`. */
export interface PendingCheck {
  readonly digest: Digest;
  /** The value, or (for a trailer) undefined until the trailer has been read. */
  expected: string | undefined;
  readonly code: "BadDigest" | "XAmzContentSHA256Mismatch";
  readonly name: string;
}

export const isChecksumHeader = (name: string) => name in FLEXIBLE_CHECKSUMS;

/** A check for the flexible checksum `name`. */
export function checksumCheck(name: string, expected: string | undefined): PendingCheck {
  const make = FLEXIBLE_CHECKSUMS[name];
  if (make === undefined) {
    throw new S3Error("InvalidRequest", `unsupported checksum ${name}`);
  }
  return { digest: make(), expected, code: "BadDigest", name };
}

/** The check for a `Content-MD5` header (malformed → InvalidDigest). */
export function contentMd5Check(header: string): PendingCheck {
  const bytes = Buffer.from(header.trim(), "base64");
  if (bytes.length !== 16 || bytes.toString("base64") !== header.trim()) {
    throw new S3Error("InvalidDigest", "The Content-MD5 you specified was invalid.");
  }
  return {
    digest: hashDigest("md5", "base64"),
    expected: header.trim(),
    code: "BadDigest",
    name: "Content-MD5",
  };
}

/** The check that the body hashes to the SHA-256 the signature covered. */
export function payloadSha256Check(hex: string): PendingCheck {
  return {
    digest: hashDigest("sha256", "hex"),
    expected: hex,
    code: "XAmzContentSHA256Mismatch",
    name: "x-amz-content-sha256",
  };
}

/** Throws when a finished digest differs from what the client declared. */
export function settle(check: PendingCheck): void {
  if (check.expected === undefined) {
    throw new S3Error("IncompleteBody", `The request ended without the ${check.name} trailer`);
  }
  if (check.digest.value() !== check.expected) {
    throw new S3Error(
      check.code,
      check.code === "BadDigest"
        ? `The ${check.name} you specified did not match what we received.`
        : "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
}
