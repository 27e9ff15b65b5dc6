/**
 * The long tree computations of branch updates, as plain-data jobs: building a commit's tree
 * from sealed staging tokens, an import's tree, and a three-way merge. They read staged rows and
 * range files and write new range files, never branch records, so they can run on another
 * thread (tree-worker.ts) while the HTTP thread keeps serving; the caller then moves the head
 * with one compare-and-set (branch-update.ts). Pages of committed diffs run there too: a sparse
 * diff of two large trees reads many ranges.
 */
import { type Change, compareKeys } from "../core/entry.js";
import { type CommittedDiff, committedDiffPage } from "./diff-streams.js";
import type { KeyedPageOptions } from "./paging.js";
import { mergeByKey, stagedChanges } from "./staging.js";
import type { Store, WalCheckpoint } from "./store.js";
import type { ApplyResult, MergeResult, MergeStrategy, TreeStore } from "./tree/index.js";
import type { DiffEntry, Page } from "./types.js";

export type TreeJob =
  | {
      /** Commit: `base` with the changes of `tokens` (newest first) applied. */
      readonly kind: "apply-tokens";
      readonly treeDir: string;
      readonly base: string;
      readonly tokens: readonly string[];
    }
  | {
      /** Import: `base` with everything under `replacePrefixes` replaced by `token`'s rows. */
      readonly kind: "import";
      readonly treeDir: string;
      readonly base: string;
      readonly token: string;
      readonly replacePrefixes: readonly string[];
    }
  | {
      readonly kind: "merge";
      readonly treeDir: string;
      readonly base: string;
      readonly source: string;
      readonly dest: string;
      readonly strategy: MergeStrategy;
    }
  | {
      /**
       * Moves the WAL's committed frames into the database file (PASSIVE: never waits for a
       * lock). Checkpoints write and sync the database file, so they belong off the HTTP thread.
       */
      readonly kind: "checkpoint";
    }
  | {
      /** One page of a committed diff: read-only, but a sparse diff reads many ranges. */
      readonly kind: "diff-page";
      readonly treeDir: string;
      readonly diff: CommittedDiff;
      readonly options: KeyedPageOptions;
    };

export type TreeJobResult<J extends TreeJob> = J extends { kind: "merge" }
  ? MergeResult
  : J extends { kind: "diff-page" }
    ? Page<DiffEntry>
    : J extends { kind: "checkpoint" }
      ? WalCheckpoint
      : ApplyResult;

/** Runs tree jobs somewhere (a worker thread in the server). */
export interface TreeJobRunner {
  run<J extends TreeJob>(job: J): Promise<TreeJobResult<J>>;
  /** Stops whatever runs the jobs; pending jobs fail. */
  close(): Promise<void>;
}

/** Executes one job against a store connection and the tree store of `job.treeDir`. */
export function runTreeJob(
  store: Store,
  treeOf: (treeDir: string) => TreeStore,
  job: TreeJob,
): ApplyResult | MergeResult | Page<DiffEntry> | WalCheckpoint {
  if (job.kind === "checkpoint") return store.checkpoint();
  const tree = treeOf(job.treeDir);
  switch (job.kind) {
    case "apply-tokens":
      return tree.apply(job.base, stagedChanges(store, job.tokens));
    case "import": {
      // Tombstones for everything under the destination prefixes; imported entries win.
      const removed = new Set<string>();
      for (const prefix of job.replacePrefixes) {
        for (const [key] of tree.entries(job.base, prefix)) {
          if (!key.startsWith(prefix)) break;
          removed.add(key);
        }
      }
      const tombstones = [...removed]
        .sort(compareKeys)
        .map((key): Change => ({ key, value: null }));
      return tree.apply(job.base, mergeByKey<Change>([store.scanStaged(job.token), tombstones]));
    }
    case "merge":
      return tree.merge(job.base, job.source, job.dest, job.strategy);
    case "diff-page":
      return committedDiffPage(store, tree, job.diff, job.options);
  }
}
