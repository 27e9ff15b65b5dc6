/**
 * User metadata for uploads. The proxied upload carries metadata in `x-lakefs-meta-<key>`
 * headers, whose names are case-insensitive (lakeFS stores them lower-cased), while the presigned
 * paths send JSON that would keep case. Keys are lower-cased for every path so an object's
 * metadata does not depend on how it was uploaded (the Python SDK's §12.15 inconsistency).
 *
 * lakeFS reserves keys starting with `::lakefs::` (e.g. `::lakefs::client-mtime`, set by
 * `lakectl local`). A header name cannot hold `:`, so on the proxied path they travel as
 * `x-lakefs-internal-<rest>`, which lakeFS stores back under `::lakefs::<rest>`.
 */

import { InvalidArgumentError } from "../errors.js";

const HEADER_PREFIX = "x-lakefs-meta-";
const INTERNAL_HEADER_PREFIX = "x-lakefs-internal-";
/** The prefix of metadata keys lakeFS reserves for its own tools. */
export const LAKEFS_METADATA_PREFIX = "::lakefs::";
// RFC 9110 token characters: what a header name may contain.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
// Header values must be Latin-1 without control characters; keep to printable ASCII + tab.
const VALUE = /^[\t\x20-\x7e]*$/;

/** Validates metadata and returns it with lower-cased keys. Throws InvalidArgumentError on bad input. */
export function normaliseMetadata(
  metadata: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  if (metadata === undefined) return result;
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new InvalidArgumentError("metadata must be an object of string keys and string values");
  }
  for (const [key, value] of Object.entries(metadata)) {
    const lower = key.toLowerCase();
    const name = lower.startsWith(LAKEFS_METADATA_PREFIX)
      ? lower.slice(LAKEFS_METADATA_PREFIX.length)
      : lower;
    if (!TOKEN.test(name)) {
      throw new InvalidArgumentError(
        `invalid metadata key ${JSON.stringify(key)}: use letters, digits and !#$%&'*+-.^_\`|~`,
      );
    }
    if (typeof value !== "string" || !VALUE.test(value)) {
      throw new InvalidArgumentError(
        `invalid metadata value for ${JSON.stringify(key)}: must be a string of printable ASCII`,
      );
    }
    if (lower in result) {
      throw new InvalidArgumentError(
        `metadata keys ${JSON.stringify(key)} differ only in case from another key`,
      );
    }
    result[lower] = value;
  }
  return result;
}

/** `x-lakefs-meta-*` request headers for already normalised metadata. */
export function metadataHeaders(
  metadata: Readonly<Record<string, string>>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (key.startsWith(LAKEFS_METADATA_PREFIX)) {
      headers[INTERNAL_HEADER_PREFIX + key.slice(LAKEFS_METADATA_PREFIX.length)] = value;
    } else {
      headers[HEADER_PREFIX + key] = value;
    }
  }
  return headers;
}
