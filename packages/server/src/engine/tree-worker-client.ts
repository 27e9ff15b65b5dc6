/**
 * Runs tree jobs on one worker thread, started on first use. A job's engine error comes back as
 * the same `EngineError`; a crashed worker fails every pending job (the next job starts a fresh
 * worker), so no request waits forever. `close()` terminates the worker.
 */
import type { Worker } from "node:worker_threads";
import { fromWorkerError, startModuleWorker } from "../core/module-worker.js";
import type { TreeStoreOptions } from "./tree/index.js";
import type { TreeJob, TreeJobResult, TreeJobRunner } from "./tree-jobs.js";
import type { TreeWorkerData, TreeWorkerReply } from "./tree-worker.js";

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class TreeWorkerClient implements TreeJobRunner {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly dbPath: string,
    private readonly treeOptions?: TreeStoreOptions | undefined,
  ) {}

  run<J extends TreeJob>(job: J): Promise<TreeJobResult<J>> {
    if (this.closed) return Promise.reject(new Error("engine is closed"));
    const worker = this.start();
    const id = this.nextId++;
    // Referenced only while jobs are pending: an idle worker must not keep the process alive.
    worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error("engine is closed"));
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const workerData: TreeWorkerData = { dbPath: this.dbPath, treeOptions: this.treeOptions };
    const worker = startModuleWorker(import.meta.url, "tree-worker", { workerData });
    worker.on("message", (reply: TreeWorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ("error" in reply) p.reject(fromWorkerError(reply.error));
      else p.resolve(reply.result);
    });
    const lost = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(err);
    };
    worker.on("error", (err) => lost(new Error(`tree worker failed: ${err.message}`)));
    worker.on("exit", (code) => lost(new Error(`tree worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
  }
}
