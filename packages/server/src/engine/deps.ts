/** What the engine is opened with: its database, where namespaces live, and test hooks. */
import type Database from "better-sqlite3";
import type { TreeStoreOptions } from "./tree/index.js";
import type { ImportWalker } from "./types.js";

export interface EngineDeps {
  /** An open better-sqlite3 connection; the engine creates/migrates its schema. */
  readonly db: Database.Database;
  /** Absolute directory of a storage namespace; trees live in `<dir>/_lakefs`. */
  namespaceDir(storageNamespace: string): string;
  /** Default walker for `startImport` when the call does not pass one. */
  readonly importSource?: ImportWalker | undefined;
  /** Passed to `createTreeStore` (e.g. a small `raggedness` in tests for many ranges). */
  readonly treeOptions?: TreeStoreOptions | undefined;
  /** Clock in unix seconds (tests pin it). */
  readonly now?: (() => number) | undefined;
}
