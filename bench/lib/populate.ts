/**
 * Filling a data directory with large repositories fast, through the engine directly (not 10^6
 * HTTP uploads): objects enter through `startImport` with a synthetic walker (metadata only, no
 * bytes), branches are created and changes staged with engine calls. Runs in its own process
 * (populate-main.ts) before the server opens the directory.
 */
import { createHash } from "node:crypto";

/** `count` objects named `destination` + `o<i>` (or `p<i / perPrefix>/o<i>` with `perPrefix`). */
export interface ObjectSet {
  readonly destination: string;
  readonly count: number;
  readonly perPrefix?: number;
}

/** A branch from `source`, with `changes` staged (a new value for each key), then committed if asked. */
export interface BranchSpec {
  readonly name: string;
  readonly source: string;
  readonly changes: readonly string[];
  readonly commit: boolean;
}

export interface RepoSpec {
  readonly id: string;
  readonly objects: readonly ObjectSet[];
  readonly branches: readonly BranchSpec[];
}

export interface PopulateSpec {
  readonly dataDir: string;
  readonly repos: readonly RepoSpec[];
}

const pad = (i: number) => String(i).padStart(7, "0");

/** The key of object `i` of a set. */
export function objectKey(set: ObjectSet, i: number): string {
  const dir = set.perPrefix ? `p${pad(Math.floor(i / set.perPrefix))}/` : "";
  return `${set.destination}${dir}o${pad(i)}`;
}

/** The path relative to the set's destination (what the import walker yields). */
export function relativeKey(set: ObjectSet, i: number): string {
  return objectKey(set, i).slice(set.destination.length);
}

/** A metadata-only entry for `key`; `version` changes its identity (size/ETag). */
export function syntheticEntry(key: string, version: number, mtime: number) {
  return {
    address: `data/bench/${createHash("md5").update(key).digest("hex")}-${version}`,
    addressType: "relative" as const,
    size: 4096,
    etag: createHash("md5").update(`${key}:${version}`).digest("hex"),
    mtime,
    metadata: {},
    contentType: "application/octet-stream",
  };
}
