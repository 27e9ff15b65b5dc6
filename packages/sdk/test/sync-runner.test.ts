/** The directory transfer runner: files in flight, and the cap on large ones (pure logic). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { TransferLedger } from "../src/node/sync/progress.js";
import {
  type FileTask,
  LARGE_FILE_BYTES,
  LARGE_FILES_IN_FLIGHT,
  runTasks,
} from "../src/node/sync/runner.js";

/** Tasks that record how many of each size run at once. */
function trackedTasks(sizes: readonly number[]) {
  const now = { all: 0, large: 0 };
  const peak = { all: 0, large: 0 };
  async function* plan(): AsyncGenerator<FileTask> {
    for (const [i, bytes] of sizes.entries()) {
      yield {
        key: `f${i}`,
        bytes,
        change: { key: `f${i}`, action: "uploaded", sizeBytes: bytes },
        async run(loaded) {
          const large = bytes >= LARGE_FILE_BYTES;
          now.all += 1;
          if (large) now.large += 1;
          peak.all = Math.max(peak.all, now.all);
          peak.large = Math.max(peak.large, now.large);
          await new Promise((r) => setTimeout(r, large ? 8 : 2));
          loaded(bytes);
          now.all -= 1;
          if (large) now.large -= 1;
        },
      };
    }
  }
  return { plan: plan(), peak };
}

test("small files fill every slot; large ones never exceed their cap", async () => {
  const sizes = Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? LARGE_FILE_BYTES : 4096));
  const { plan, peak } = trackedTasks(sizes);
  const ledger = new TransferLedger({});
  await runTasks(plan, ledger, { concurrency: 16, dryRun: false, signal: undefined });
  assert.equal(ledger.filesDone, sizes.length);
  assert.equal(
    ledger.bytesDone,
    sizes.reduce((a, b) => a + b, 0),
  );
  assert.equal(peak.large, LARGE_FILES_IN_FLIGHT);
  assert.ok(peak.all > LARGE_FILES_IN_FLIGHT && peak.all <= 16, `peak ${peak.all}`);
});

test("a concurrency below the cap bounds large files too", async () => {
  const { plan, peak } = trackedTasks(Array(10).fill(LARGE_FILE_BYTES));
  await runTasks(plan, new TransferLedger({}), {
    concurrency: 2,
    dryRun: false,
    signal: undefined,
  });
  assert.equal(peak.large, 2);
});

test("a failure stops the run; tasks waiting for a large slot do not start after it", async () => {
  let started = 0;
  async function* plan(): AsyncGenerator<FileTask> {
    for (let i = 0; i < 12; i++) {
      yield {
        key: `f${i}`,
        bytes: LARGE_FILE_BYTES,
        change: { key: `f${i}`, action: "uploaded", sizeBytes: LARGE_FILE_BYTES },
        async run(_loaded, signal) {
          started += 1;
          if (i === 0) throw new Error("disk full");
          await new Promise((r) => setTimeout(r, 20));
          signal.throwIfAborted();
        },
      };
    }
  }
  await assert.rejects(
    runTasks(plan(), new TransferLedger({}), { concurrency: 8, dryRun: false, signal: undefined }),
    /disk full/,
  );
  // The first slots' tasks, and at most one that took the failed task's slot before the abort.
  assert.ok(started <= LARGE_FILES_IN_FLIGHT + 1, `${started} started`);
});
