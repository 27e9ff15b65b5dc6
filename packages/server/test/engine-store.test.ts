/** Engine store: writes that skip the per-commit fsync, and chunked deletion of a token's rows. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { openDatabase, Store } from "../src/engine/store.js";
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
