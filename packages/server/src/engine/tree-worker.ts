/**
 * Worker-thread entry for tree jobs (tree-jobs.ts): its own SQLite connection (WAL lets it read
 * while the main thread writes) and its own tree stores and range cache. Jobs run one at a time,
 * in arrival order; each answer carries the job's id, and an error keeps its engine kind. Tree
 * files are written with deferred sync and settled (synced together) before the answer.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { toWorkerError, type WorkerError } from "../core/module-worker.js";
import { Store } from "./store.js";
import { createTreeStore, type TreeStore, type TreeStoreOptions } from "./tree/index.js";
import { runTreeJob, type TreeJob } from "./tree-jobs.js";

export interface TreeWorkerData {
  readonly dbPath: string;
  readonly treeOptions?: TreeStoreOptions | undefined;
}

export type TreeWorkerReply =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: WorkerError };

const data = workerData as TreeWorkerData;
const store = new Store(new Database(data.dbPath));
const trees = new Map<string, TreeStore>();

/** Runs one job; its new files are durable (settled) before the answer names them. */
async function answer(msg: { id: number; job: TreeJob }): Promise<TreeWorkerReply> {
  const used = new Set<TreeStore>();
  const treeOf = (treeDir: string) => {
    let tree = trees.get(treeDir);
    if (!tree) {
      tree = createTreeStore(treeDir, { ...data.treeOptions, deferSync: true });
      trees.set(treeDir, tree);
    }
    used.add(tree);
    return tree;
  };
  try {
    const result = runTreeJob(store, treeOf, msg.job);
    for (const tree of used) await tree.settle();
    return { id: msg.id, result };
  } catch (err) {
    for (const tree of used) tree.discard();
    return { id: msg.id, error: toWorkerError(err) };
  }
}

// One job at a time, in arrival order, although settling a job's files is asynchronous.
let queue = Promise.resolve();
parentPort!.on("message", (msg: { id: number; job: TreeJob }) => {
  queue = queue.then(async () => parentPort!.postMessage(await answer(msg)));
});
