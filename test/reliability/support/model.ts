/**
 * What the harness clients know the server acknowledged: the visible contents of a branch, the
 * snapshots of acknowledged commits, and the paths whose last write was in flight when the server
 * died (either outcome is allowed, nothing else).
 */
import { createHash } from "node:crypto";
import { call, expectStatus } from "./api.js";

/** An object as the listing shows it: MD5, size and user metadata. */
export interface ObjectState {
  readonly checksum: string;
  readonly size: number;
  readonly metadata: Readonly<Record<string, string>>;
  /** MD5 of the bytes, when the checksum is something else (a multipart ETag). */
  readonly contentMd5?: string;
}

export type Content = Map<string, ObjectState>;

export function objectState(bytes: Uint8Array, metadata: Record<string, string>): ObjectState {
  return { checksum: createHash("md5").update(bytes).digest("hex"), size: bytes.length, metadata };
}

export function sameObject(a: ObjectState | undefined, b: ObjectState | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.checksum === b.checksum &&
    a.size === b.size &&
    JSON.stringify(sortKeys(a.metadata)) === JSON.stringify(sortKeys(b.metadata))
  );
}

function sortKeys(m: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1));
}

interface WireObject {
  path: string;
  checksum: string;
  size_bytes: number;
  metadata?: Record<string, string>;
}

/** Every object visible at `ref` (all pages), as a Content map. */
export async function listContent(endpoint: string, repo: string, ref: string): Promise<Content> {
  const content: Content = new Map();
  let after = "";
  for (;;) {
    const res = await expectStatus(
      endpoint,
      "GET",
      `/repositories/${repo}/refs/${encodeURIComponent(ref)}/objects/ls`,
      200,
      { query: { after, amount: 1000, user_metadata: true } },
    );
    const page = res.body as {
      results: WireObject[];
      pagination: { has_more: boolean; next_offset: string };
    };
    for (const o of page.results) {
      content.set(o.path, { checksum: o.checksum, size: o.size_bytes, metadata: o.metadata ?? {} });
    }
    if (!page.pagination.has_more) return content;
    after = page.pagination.next_offset;
  }
}

/** Describes how `actual` differs from `expected`; empty when equal. */
export function contentDifferences(expected: Content, actual: Content, limit = 5): string[] {
  const out: string[] = [];
  for (const [path, want] of expected) {
    const got = actual.get(path);
    if (!sameObject(want, got)) {
      out.push(`${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got ?? null)}`);
    }
  }
  for (const path of actual.keys()) {
    if (!expected.has(path)) out.push(`${path}: present but never acknowledged`);
  }
  return out.slice(0, limit);
}

/** The bytes at `ref`/`path` hash to `want` (an end-to-end read through the block store). */
export async function readMatches(
  endpoint: string,
  repo: string,
  ref: string,
  path: string,
  want: ObjectState,
): Promise<string | undefined> {
  const res = await call(endpoint, "GET", `/repositories/${repo}/refs/${ref}/objects`, {
    query: { path },
  });
  if (res.status !== 200) return `GET ${ref}/${path}: HTTP ${res.status}`;
  const got = createHash("md5").update(res.bytes).digest("hex");
  if (got !== (want.contentMd5 ?? want.checksum) || res.bytes.length !== want.size) {
    return `GET ${ref}/${path}: ${res.bytes.length} bytes with MD5 ${got}, expected ${want.size} bytes ${want.checksum}`;
  }
  return undefined;
}
