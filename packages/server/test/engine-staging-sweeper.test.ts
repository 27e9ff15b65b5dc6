/**
 * Engine: staged rows of dropped staging tokens are deleted in the background (staging-sweeper),
 * never inline in the transaction that drops them, and a sweep cut short resumes on reopen.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { afterEach, beforeEach, test } from "node:test";
import { openEngine } from "../src/engine/engine.js";
import { entry, type Fixture, openFixture, paths, repo } from "./engine-support.js";

const R = "repo1";
let f: Fixture;
beforeEach(async () => {
  f = openFixture();
  await repo(f, R);
});
afterEach(() => f.close());

const count = (sql: string) => (f.engine.deps.db.prepare(sql).get() as { n: number }).n;
const stagedRows = () => count("SELECT count(*) AS n FROM staged");
const droppedTokens = () => count("SELECT count(*) AS n FROM dropped_tokens");

async function stageMany(branch: string, n: number, prefix = "k/"): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      f.engine.stageEntry(R, branch, `${prefix}${String(i).padStart(5, "0")}`, entry(`v${i}`)),
    ),
  );
}

test("a commit drops its sealed token; the sweeper deletes its rows and keeps the data", async () => {
  await stageMany("main", 1200);
  assert.equal(stagedRows(), 1200);
  await f.engine.commit(R, "main", { message: "many" });
  await f.engine.sweeper.idle();
  assert.equal(stagedRows(), 0);
  assert.equal(droppedTokens(), 0);
  const listed = await f.engine.listEntries(R, "main", { prefix: "k/", amount: 1000 });
  assert.equal(listed.results.length, 1000);
  assert.equal(listed.hasMore, true);
});

test("a reset, a deleted branch and a deleted repository leave no staged rows", async () => {
  await f.engine.createBranch(R, { name: "dev", source: "main" });
  await stageMany("dev", 600, "d/");
  await stageMany("main", 10, "m/");
  await f.engine.deleteBranch(R, "dev");
  await f.engine.sweeper.idle();
  assert.equal(stagedRows(), 10, "only main's rows remain");

  await f.engine.resetBranch(R, "main", { type: "reset" });
  await f.engine.sweeper.idle();
  assert.equal(stagedRows(), 0);

  await stageMany("main", 700, "again/");
  await f.engine.deleteRepository(R);
  await f.engine.sweeper.idle();
  assert.equal(stagedRows(), 0);
  assert.equal(droppedTokens(), 0);
});

test("rows of other tokens are never touched, whatever is dropped", async () => {
  await f.engine.createBranch(R, { name: "keep", source: "main" });
  await stageMany("keep", 50, "keep/");
  await stageMany("main", 900);
  await f.engine.commit(R, "main", { message: "drop main's token" });
  await f.engine.sweeper.idle();
  assert.equal(stagedRows(), 50);
  const kept = await f.engine.listEntries(R, "keep", { prefix: "keep/", amount: 100 });
  assert.equal(paths(kept).length, 50);
});

test("a sweep cut short by a close resumes when the engine opens again", async () => {
  await stageMany("main", 2000);
  // As if the process ended before the sweep ran: the drop is recorded, no row deleted yet.
  await f.engine.sweeper.stop();
  await f.engine.resetBranch(R, "main", { type: "reset" });
  assert.equal(stagedRows(), 2000);
  await f.engine.close();
  const reopened = openEngine(f.dir, { namespaceDir: f.nsDir });
  try {
    const left = (sql: string) => (reopened.deps.db.prepare(sql).get() as { n: number }).n;
    assert.equal(left("SELECT count(*) AS n FROM dropped_tokens"), 1);
    await reopened.sweeper.idle();
    assert.equal(left("SELECT count(*) AS n FROM staged"), 0);
    assert.equal(left("SELECT count(*) AS n FROM dropped_tokens"), 0);
    assert.deepEqual(paths(await reopened.listEntries(R, "main", { amount: 10 })), []);
  } finally {
    await reopened.close();
    rmSync(f.dir, { recursive: true, force: true });
    f = openFixture(); // afterEach closes a fixture of its own
  }
});

test("a sweep stopped half-way keeps the token listed until its rows are gone", async () => {
  await stageMany("main", 3000);
  await f.engine.commit(R, "main", { message: "many" });
  await f.engine.sweeper.stop();
  // Wherever the stop landed, a token is forgotten only once none of its rows remain.
  if (droppedTokens() === 0) assert.equal(stagedRows(), 0);
  if (stagedRows() > 0) assert.equal(droppedTokens(), 1);
});
