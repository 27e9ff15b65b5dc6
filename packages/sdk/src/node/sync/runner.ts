/**
 * Runs planned file tasks `concurrency` at a time, in completion order (a large file does not
 * hold up the small ones behind it), at most `LARGE_FILES_IN_FLIGHT` of them large. The plan is
 * read ahead by a bounded window so totals are known early; the first failure aborts the tasks
 * in flight.
 */
import { setMaxListeners } from "node:events";
import pMap, { pMapSkip } from "p-map";
import { DEFAULT_PART_SIZE } from "../../io/parts.js";
import { lookahead } from "./lookahead.js";
import type { DirectoryChange, TransferLedger } from "./progress.js";

/** One unit of work: a transfer or a deletion. */
export interface FileTask {
  readonly key: string;
  /** Bytes it will move (0 for a deletion). */
  readonly bytes: number;
  readonly change: DirectoryChange;
  /** Does the work, reporting cumulative bytes through `loaded`. */
  run(loaded: (bytes: number) => void, signal: AbortSignal): Promise<void>;
}

/** Planned tasks read ahead of the transfers. */
const LOOKAHEAD = 10_000;

/**
 * Files from this size on move in parts (the SDK's default part size), and a download buffers
 * up to part size × part concurrency of each (32 MiB); capping them at a few keeps memory
 * bounded however many small files share the in-flight slots.
 */
export const LARGE_FILE_BYTES = DEFAULT_PART_SIZE;
export const LARGE_FILES_IN_FLIGHT = 4;

/** A counting semaphore: the function it returns runs `work` once one of `size` slots is free. */
function limiter(size: number) {
  let free = size;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

export async function runTasks(
  plan: AsyncIterable<FileTask>,
  ledger: TransferLedger,
  options: { concurrency: number; dryRun: boolean; signal: AbortSignal | undefined },
): Promise<void> {
  const controller = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, controller.signal])
    : controller.signal;
  // Every file in flight listens on it (several listeners each, inside the SDK).
  setMaxListeners(options.concurrency * 8 + 16, signal);
  // p-map rejects at the first failure; the tasks still running are stopped and awaited here
  // so that nothing (a temp file, a request) outlives the call.
  const running = new Set<Promise<void>>();
  async function* planned() {
    yield* plan;
    ledger.scanned();
  }
  const large = limiter(LARGE_FILES_IN_FLIGHT);
  const perform = async (task: FileTask) => {
    if (!options.dryRun) {
      let reported = 0;
      const loaded = (bytes: number) => {
        const delta = bytes - reported;
        reported = bytes;
        ledger.progressed({ key: task.key, loadedBytes: bytes, totalBytes: task.bytes }, delta);
      };
      const work =
        task.bytes >= LARGE_FILE_BYTES
          ? large(async () => {
              signal.throwIfAborted(); // waited for its slot while the run failed
              return task.run(loaded, signal);
            })
          : task.run(loaded, signal);
      running.add(work);
      try {
        await work;
      } finally {
        running.delete(work);
      }
      if (reported < task.bytes) loaded(task.bytes);
    }
    ledger.completed(task.change);
    return pMapSkip;
  };
  try {
    await pMap(
      lookahead(planned(), LOOKAHEAD, (task) => ledger.planned(task.bytes)),
      perform,
      {
        concurrency: options.concurrency,
        signal: options.signal,
      },
    );
  } catch (error) {
    controller.abort(error);
    await Promise.allSettled(running);
    throw error;
  }
}
