/**
 * Commit identity: a SHA-256 over a typed, length-prefixed encoding of committer, message,
 * metarange id, creation second, sorted metadata and the parents' list hash. Generation and
 * version are deliberately not part of it, so identical content at the same second is one commit.
 */
import { createHash, type Hash } from "node:crypto";
import type { Commit } from "./types.js";

const STRING = 1;
const INT = 2;
const MAP = 3;

function writeString(h: Hash, s: string): void {
  const bytes = Buffer.from(s, "utf8");
  const head = Buffer.alloc(9);
  head.writeUInt8(STRING, 0);
  head.writeBigUInt64BE(BigInt(bytes.length), 1);
  h.update(head);
  h.update(bytes);
}

function writeInt(h: Hash, n: number): void {
  const b = Buffer.alloc(9);
  b.writeUInt8(INT, 0);
  b.writeBigInt64BE(BigInt(Math.trunc(n)), 1);
  h.update(b);
}

function writeMap(h: Hash, m: Readonly<Record<string, string>>): void {
  const keys = Object.keys(m).sort();
  const head = Buffer.alloc(9);
  head.writeUInt8(MAP, 0);
  head.writeBigUInt64BE(BigInt(keys.length), 1);
  h.update(head);
  for (const k of keys) {
    writeString(h, k);
    writeString(h, m[k]!);
  }
}

function parentsIdentity(parents: readonly string[]): string {
  const h = createHash("sha256");
  writeInt(h, parents.length);
  for (const p of parents) writeString(h, p);
  return h.digest("hex");
}

export type CommitContent = Omit<Commit, "id" | "generation" | "version">;

/** The 64-hex id of a commit with this content. */
export function commitId(c: CommitContent): string {
  const h = createHash("sha256");
  writeString(h, "commit:v1");
  writeString(h, c.committer);
  writeString(h, c.message);
  writeString(h, c.metarangeId);
  writeInt(h, c.creationDate);
  writeMap(h, c.metadata);
  writeString(h, parentsIdentity(c.parents));
  return h.digest("hex");
}

/** A full commit record from its content and its parents' generations. */
export function makeCommit(content: CommitContent, parentGenerations: readonly number[]): Commit {
  return {
    ...content,
    id: commitId(content),
    generation: parentGenerations.length === 0 ? 1 : Math.max(...parentGenerations) + 1,
    version: 1,
  };
}
