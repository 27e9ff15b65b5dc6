/** Engine store: writes that skip the per-commit fsync or sync the WAL off the calling thread, and chunked deletion. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { openDatabase, Store } from "../src/engine/store.js";
import { WalCheckpointer } from "../src/engine/wal-checkpoint.js";
import { WalSync } from "../src/engine/wal-sync.js";
import { entry } from "./engine-support.js";

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lakefs-store-"));
  store = new Store(openDatabase(dir));
});
afterEach(() => {
  store.db.close();
  rmSync(dir, { recursive: true, force: true });
});

const synchronous = () => store.db.pragma("synchronous", { simple: true });
const keysOf = (token: string) => [...store.scanStaged(token)].map((c) => c.key);

describe("Store.unsyncedTransaction", () => {
  it("commits its writes and leaves the connection synchronous = FULL", () => {
    assert.equal(synchronous(), 2);
    const got = store.unsyncedTransaction(() => {
      store.putStaged("t", "a", entry("a"));
      return synchronous();
    });
    assert.equal(got, 1); // NORMAL while it ran
    assert.equal(synchronous(), 2);
    assert.deepEqual(keysOf("t"), ["a"]);
  });

  it("rolls back and restores FULL when its function throws", () => {
    assert.throws(
      () =>
        store.unsyncedTransaction(() => {
          store.putStaged("t", "a", entry("a"));
          throw new Error("refused");
        }),
      /refused/,
    );
    assert.equal(synchronous(), 2);
    assert.deepEqual(keysOf("t"), []);
  });

  it("never raises a connection set below NORMAL (the power-loss harness's OFF)", () => {
    store.db.pragma("synchronous = OFF");
    store.unsyncedTransaction(() => store.putStaged("t", "a", entry("a")));
    assert.equal(synchronous(), 0);
  });
});

describe("Store.deleteStagedChunk", () => {
  it("deletes at most `limit` rows of one token and reports how many", () => {
    for (const k of ["a", "b", "c", "d", "e"]) store.putStaged("t", k, entry(k));
    store.putStaged("other", "a", entry("a"));
    assert.equal(store.deleteStagedChunk("t", 2), 2);
    assert.equal(keysOf("t").length, 3);
    assert.equal(store.deleteStagedChunk("t", 2), 2);
    assert.equal(store.deleteStagedChunk("t", 2), 1);
    assert.equal(store.deleteStagedChunk("t", 2), 0);
    assert.deepEqual(keysOf("other"), ["a"]);
    assert.equal(synchronous(), 2);
  });
});

describe("Store.durableTransaction", () => {
  it("commits, leaves the connection synchronous = FULL and resolves after the WAL sync", async () => {
    const got = await store.durableTransaction(() => {
      store.putStaged("t", "a", entry("a"));
      return "done";
    });
    assert.equal(got, "done");
    assert.equal(synchronous(), 2);
    assert.deepEqual(keysOf("t"), ["a"]);
    await assert.rejects(
      store.durableTransaction(() => {
        store.putStaged("t", "b", entry("b"));
        throw new Error("refused");
      }),
      /refused/,
    );
    assert.deepEqual(keysOf("t"), ["a"]);
  });
});

describe("WalSync", () => {
  /** A flush that stays pending until released, counting its runs. */
  function gatedFlush() {
    const gates: (() => void)[] = [];
    let runs = 0;
    return {
      runs: () => runs,
      release: () => gates.shift()?.(),
      flush: () => {
        runs++;
        return new Promise<void>((resolve) => gates.push(resolve));
      },
    };
  }

  it("shares syncs: callers during a running sync all wait for one more, started after it", async () => {
    const g = gatedFlush();
    const wal = new WalSync(g.flush);
    let firstDone = false;
    let laterDone = 0;
    const first = wal.sync().then(() => {
      firstDone = true;
    });
    const later = [wal.sync(), wal.sync(), wal.sync()].map((p) => p.then(() => laterDone++));
    assert.equal(g.runs(), 1);
    g.release();
    await first;
    assert.equal(firstDone, true);
    await new Promise((r) => setImmediate(r));
    assert.equal(laterDone, 0); // their commits may postdate the first sync's start
    assert.equal(g.runs(), 1 + 1);
    g.release();
    await Promise.all(later);
    assert.equal(laterDone, 3);
  });

  it("fails the callers of a failed sync, and the next sync runs afresh", async () => {
    let fail = true;
    const wal = new WalSync(async () => {
      if (fail) throw new Error("EIO");
    });
    await assert.rejects(wal.sync(), /EIO/);
    fail = false;
    await wal.sync();
  });

  it("a database's syncer fails when its WAL file is missing", async () => {
    await assert.rejects(WalSync.forDatabase(join(dir, "nope.db")).sync(), /ENOENT/);
  });
});

describe("WalCheckpointer", () => {
  it("checkpoints only past the threshold, one at a time, and survives a failing one", async () => {
    const wal = join(dir, "fake-wal");
    let calls = 0;
    let fail = false;
    const checkpointer = new WalCheckpointer(
      wal,
      async () => {
        calls++;
        if (fail) throw new Error("worker gone");
      },
      100,
    );
    await checkpointer.check(); // no WAL file yet
    writeFileSync(wal, Buffer.alloc(99));
    await checkpointer.check();
    assert.equal(calls, 0);
    writeFileSync(wal, Buffer.alloc(100));
    await Promise.all([checkpointer.check(), checkpointer.check()]);
    assert.equal(calls, 1);
    fail = true;
    await checkpointer.check(); // resolves: the next check retries
    assert.equal(calls, 2);
  });
});
