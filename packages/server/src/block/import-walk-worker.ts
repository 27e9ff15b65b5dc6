/**
 * Worker-thread entry of the import walker (import-walk.ts): walks one source with blocking file
 * calls and answers each `next` request with the following batch of files.
 */
import { parentPort, workerData } from "node:worker_threads";
import { toWorkerError } from "../core/module-worker.js";
import { type ImportSourceType, importEntriesSync } from "./import.js";
import type { WalkReply } from "./import-walk.js";

export interface WalkWorkerData {
  readonly source: string;
  readonly realRoots: readonly string[];
  readonly type?: ImportSourceType | undefined;
}

const BATCH = 1000;
const data = workerData as WalkWorkerData;
const files = importEntriesSync(data.source, data.realRoots, data.type);

parentPort!.on("message", () => {
  let reply: WalkReply;
  try {
    const batch = [];
    let done = false;
    while (batch.length < BATCH) {
      const next = files.next();
      if (next.done) {
        done = true;
        break;
      }
      batch.push(next.value);
    }
    reply = { files: batch, done };
  } catch (err) {
    reply = { error: toWorkerError(err) };
  }
  parentPort!.postMessage(reply);
});
