/**
 * The committed-data store: immutable, content-addressed ranges and metaranges (the graveler
 * model). A metarange id names a whole tree; "" is the empty tree of a repository's first commit (any
 * later empty tree is a written, empty metarange with an id of its own). Everything here is
 * synchronous: range files are small, immutable and cached, and the metadata store
 * (better-sqlite3) is synchronous too, so engine operations stay atomic within the process.
 */
import type { Change, Entry } from "../../core/entry.js";

export type MergeStrategy = "none" | "dest-wins" | "source-wins";

export interface DiffRecord {
  readonly key: string;
  readonly type: "added" | "removed" | "changed";
  /** The value on the left side (absent for "added"). */
  readonly left?: Entry;
  /** The value on the right side (absent for "removed"). */
  readonly right?: Entry;
}

export interface ApplyResult {
  readonly metarangeId: string;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

export type MergeResult =
  | { readonly metarangeId: string; readonly conflict?: undefined }
  | { readonly conflict: string; readonly metarangeId?: undefined };

export interface TreeStore {
  /**
   * Applies changes (sorted by `compareKeys`, unique keys) to the tree `base`, rewriting only the
   * ranges that changes touch. A change whose value has the same identity as the base value keeps
   * the base record and is not counted; a tombstone for a missing key is not counted.
   */
  apply(base: string, changes: Iterable<Change>): ApplyResult;
  /** The value of `key` in the tree, if any. */
  get(metarangeId: string, key: string): Entry | undefined;
  /** Entries in key order, starting at the first key >= `from` (all when absent). */
  entries(metarangeId: string, from?: string): Iterable<readonly [string, Entry]>;
  /** What changed from `left` to `right`, in key order, from the first key >= `from`. Equal range ids are skipped without reading them. */
  diff(left: string, right: string, from?: string): Iterable<DiffRecord>;
  /**
   * Three-way merge of `source` into `dest` relative to `base`. With strategy "none" it stops at
   * the first conflict and returns its key; otherwise the winning side's value is taken.
   */
  merge(base: string, source: string, dest: string, strategy: MergeStrategy): MergeResult;
  /** The stored bytes of one range or metarange file, or undefined when there is none. */
  rawFile(kind: "range" | "metarange", id: string): Buffer | undefined;
  /**
   * Stores other content-addressed bytes next to the trees (refs dumps), durably; returns the
   * id (hex SHA-256). `getBlob` reads them back, checked against the id.
   */
  putBlob(bytes: Uint8Array): string;
  getBlob(id: string): Buffer | undefined;
  /**
   * With `deferSync`: makes the files written since the last call durable and visible under
   * their ids. A no-op otherwise (every write is durable at once).
   */
  settle(): Promise<void>;
  /** With `deferSync`: drops the files written since the last `settle()` (a failed build). */
  discard(): void;
}
