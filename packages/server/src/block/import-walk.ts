/**
 * The import walk off the HTTP thread: a worker thread per walk runs `importEntriesSync` (stat,
 * read and MD5 of every file) and hands the files over in batches, one batch ahead of the
 * consumer. Blocking calls there never delay a request here, and they stay out of libuv's thread
 * pool, which the server's own file reads (downloads) share.
 */
import type { Worker } from "node:worker_threads";
import { fromWorkerError, startModuleWorker, type WorkerError } from "../core/module-worker.js";
import type { ImportedFile, ImportSourceType } from "./import.js";
import type { WalkWorkerData } from "./import-walk-worker.js";

export type WalkReply =
  | { readonly files: readonly ImportedFile[]; readonly done: boolean }
  | { readonly error: WorkerError };

/**
 * Yields the files at or beneath `source` in key order, as `importEntriesSync` does. Leaving the
 * loop early stops the walk.
 */
export async function* importEntries(
  source: string,
  realRoots: readonly string[],
  type?: ImportSourceType,
): AsyncGenerator<ImportedFile> {
  const workerData: WalkWorkerData = { source, realRoots, type };
  const worker = startModuleWorker(import.meta.url, "import-walk-worker", { workerData });
  try {
    let pending = requestBatch(worker);
    for (;;) {
      const reply = await pending;
      if ("error" in reply) throw fromWorkerError(reply.error);
      if (!reply.done) pending = requestBatch(worker);
      yield* reply.files;
      if (reply.done) return;
    }
  } finally {
    await worker.terminate();
  }
}

/** Asks the walker for its next batch; fails (never hangs) if the worker dies first. */
function requestBatch(worker: Worker): Promise<WalkReply> {
  const reply = new Promise<WalkReply>((resolve, reject) => {
    const settle = () => {
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
    };
    const onMessage = (r: WalkReply) => {
      settle();
      resolve(r);
    };
    const onError = (err: Error) => {
      settle();
      reject(new Error(`import walker failed: ${err.message}`));
    };
    const onExit = (code: number) => {
      settle();
      reject(new Error(`import walker exited (code ${code})`));
    };
    worker.on("message", onMessage).on("error", onError).on("exit", onExit);
    worker.postMessage("next");
  });
  // A batch fetched ahead may fail after the consumer stopped reading; nobody awaits it then.
  reply.catch(() => {});
  return reply;
}
