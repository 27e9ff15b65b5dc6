/** Engine: tree work on the worker thread, and the one branch-update primitive. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { fsyncDir } from "../src/block/files.js";
import { EngineError } from "../src/core/errors.js";
import { updateBranch } from "../src/engine/branch-update.js";
import type { EngineContext } from "../src/engine/context.js";
import { TreeWorkerClient } from "../src/engine/tree-worker-client.js";
import { engineError, entry, type Fixture, openFixture, repo } from "./engine-support.js";

const R = "repo1";
let f: Fixture;
beforeEach(() => {
  f = openFixture();
});
afterEach(() => f.close());

/** The engine's context, to drive `updateBranch` directly. */
const contextOf = (fixture: Fixture) => (fixture.engine as unknown as { ctx: EngineContext }).ctx;

describe("tree worker", () => {
  it("fails jobs (never hangs) when the worker cannot start, and after close", async () => {
    const client = new TreeWorkerClient(join(f.dir, "no-such-dir", "metadata.db"));
    await assert.rejects(
      client.run({ kind: "apply-tokens", treeDir: f.dir, base: "", tokens: [] }),
      /tree worker (failed|exited)/,
    );
    await client.close();
    await assert.rejects(
      client.run({ kind: "apply-tokens", treeDir: f.dir, base: "", tokens: [] }),
      /engine is closed/,
    );
  });

  it("reports a failing job as an error and keeps serving", async () => {
    await repo(f);
    await f.engine.stageEntry(R, "main", "a", entry("a"));
    const { stagingToken } = (await contextOf(f).store.getBranch(R, "main"))!;
    const client = new TreeWorkerClient(join(f.dir, "metadata.db"));
    try {
      const job = { kind: "apply-tokens", treeDir: f.dir, tokens: [stagingToken] } as const;
      await assert.rejects(client.run({ ...job, base: "a".repeat(64) }), /is missing/);
      const applied = await client.run({ ...job, base: "" });
      assert.equal(applied.added, 1);
    } finally {
      await client.close();
    }
  });

  it("a commit surfaces a broken tree as an error", async () => {
    await repo(f);
    await f.engine.stageEntry(R, "main", "a", entry("a"));
    const c = await f.engine.commit(R, "main", { message: "one" });
    await f.engine.stageEntry(R, "main", "b", entry("b"));
    // A metarange id that does not exist as the head's tree: the worker's read fails.
    contextOf(f)
      .store.db.prepare("UPDATE commits SET metarange_id = ? WHERE id = ?")
      .run("b".repeat(64), c.id);
    await assert.rejects(f.engine.commit(R, "main", { message: "two" }), /is missing/);
  });

  it("checkpoints the WAL there; the engine's own connection never checkpoints automatically", async () => {
    await repo(f);
    for (let i = 0; i < 20; i++) await f.engine.stageEntry(R, "main", `k${i}`, entry(`k${i}`));
    const ctx = contextOf(f);
    assert.equal(ctx.store.db.pragma("wal_autocheckpoint", { simple: true }), 0);
    const done = await ctx.treeJobs.run({ kind: "checkpoint" });
    assert.ok(done.log > 0);
    assert.equal(done.checkpointed, done.log);
  });

  it("pages committed diffs there: two-dot with staging (branch$), three-dot, failures", async () => {
    await repo(f);
    const e = f.engine;
    await e.createBranch(R, { name: "dev", source: "main" });
    for (const k of ["a", "b", "c"]) await e.stageEntry(R, "dev", k, entry(k));
    await e.commit(R, "dev", { message: "abc" });
    await e.stageEntry(R, "dev", "d", entry("d"));
    const paths = (p: { results: { path: string; type: string }[] }) =>
      p.results.map((d) => `${d.type}:${d.path}`);
    const first = await e.diffRefs(R, "main", "dev$", { type: "two_dot", amount: 2 });
    assert.deepEqual(paths(first), ["added:a", "added:b"]);
    assert.equal(first.hasMore, true);
    const rest = await e.diffRefs(R, "main", "dev$", {
      type: "two_dot",
      amount: 2,
      after: first.nextOffset,
    });
    assert.deepEqual(paths(rest), ["added:c", "added:d"]);
    assert.deepEqual(paths(await e.diffRefs(R, "main", "dev")), ["added:a", "added:b", "added:c"]);
    await assert.rejects(
      e.diffRefs(R, "main", "dev", { type: "bogus" as "two_dot" }),
      (err: unknown) => err instanceof EngineError && err.kind === "bad_request",
    );
    // A tree the worker cannot read fails the page (never hangs).
    contextOf(f)
      .store.db.prepare("UPDATE commits SET metarange_id = ? WHERE id = ?")
      .run("c".repeat(64), (await e.getBranch(R, "dev")).commitId);
    await assert.rejects(e.diffRefs(R, "main", "dev", { type: "two_dot" }), /is missing/);
  });
});

describe("branch updates", () => {
  it("loses no write staged while a commit runs", async () => {
    await repo(f);
    for (let i = 0; i < 50; i++)
      await f.engine.stageEntry(R, "main", `before/${i}`, entry(`b${i}`));
    const committing = f.engine.commit(R, "main", { message: "first" });
    // These land before the seal or while the tree is built: either way they must survive.
    const writes = Array.from({ length: 20 }, (_, i) =>
      f.engine.stageEntry(R, "main", `during/${i}`, entry(`d${i}`)),
    );
    const [first] = await Promise.all([committing, ...writes]);
    assert.equal((await f.engine.getBranch(R, "main")).commitId, first!.id);
    const second = await f.engine.commit(R, "main", { message: "second", allowEmpty: true });
    for (let i = 0; i < 20; i++) {
      assert.equal((await f.engine.getEntry(R, second.id, `during/${i}`)).etag, `etag-d${i}`);
    }
    assert.equal((await f.engine.getEntry(R, second.id, "before/0")).etag, "etag-b0");
  });

  it("refuses a merge whose destination got a write while the merge was computed", async () => {
    await repo(f);
    await f.engine.createBranch(R, { name: "feature", source: "main" });
    await f.engine.stageEntry(R, "feature", "x", entry("x"));
    await f.engine.commit(R, "feature", { message: "x" });
    await f.engine.stageEntry(R, "main", "y", entry("y"));
    await f.engine.commit(R, "main", { message: "y" });
    // Hold the merge's tree job until the write has landed, whatever the machine's timing.
    const jobs = contextOf(f).treeJobs;
    const run = jobs.run.bind(jobs);
    let release!: () => void;
    const written = new Promise<void>((resolve) => {
      release = resolve;
    });
    jobs.run = (async (job: Parameters<typeof run>[0]) => {
      await written;
      return run(job);
    }) as typeof jobs.run;
    const merging = f.engine.merge(R, "feature", "main");
    await f.engine.stageEntry(R, "main", "during", entry("d"));
    release();
    await assert.rejects(merging, engineError("bad_request", "uncommitted changes (dirty branch)"));
    // The write made during the merge is still there.
    assert.equal((await f.engine.getEntry(R, "main", "during")).etag, "etag-d");
  });

  it("retries a lost compare-and-set, then answers 429 when every attempt loses", async () => {
    await repo(f);
    const ctx = contextOf(f);
    let calls = 0;
    const result = await updateBranch(ctx, R, "main", (b) => {
      calls++;
      // The first snapshot goes stale: another update moves the staging token meanwhile.
      if (calls === 1) ctx.store.updateBranch(R, b, { ...b, stagingToken: `${R}-main:other` });
      return { next: b, result: calls };
    });
    assert.equal(result, 2);
    await assert.rejects(
      updateBranch(ctx, R, "main", (b) => {
        ctx.store.updateBranch(R, b, { ...b, stagingToken: `${b.stagingToken}x` });
        return { next: b, result: undefined };
      }),
      engineError("too_many_attempts", "Too many attempts, try again later"),
    );
  });
});

describe("group commit", () => {
  it("commits concurrent writes together; a refused one fails alone", async () => {
    await repo(f);
    await f.engine.stageEntry(R, "main", "taken", entry("t"));
    const writes = Array.from({ length: 30 }, (_, i) =>
      f.engine.stageEntry(R, "main", `w/${i}`, entry(`w${i}`)),
    );
    const refused = f.engine.stageEntry(R, "main", "taken", entry("again"), { ifNoneMatch: true });
    const deleted = f.engine.deleteEntry(R, "main", "w/0");
    await Promise.all(writes);
    await assert.rejects(refused, engineError("precondition_failed"));
    await deleted;
    assert.equal((await f.engine.getEntry(R, "main", "taken")).etag, "etag-t");
    assert.equal((await f.engine.getEntry(R, "main", "w/29")).etag, "etag-w29");
    // Writes apply in submission order within the batch: the delete came after w/0's write.
    await assert.rejects(f.engine.getEntry(R, "main", "w/0"), engineError("not_found"));
  });

  it("shares directory fsyncs between concurrent callers and reports errors to each", async () => {
    const dirs = Array.from({ length: 20 }, () => fsyncDir(f.dir));
    await Promise.all(dirs);
    const missing = join(f.dir, "missing");
    const failing = Array.from({ length: 3 }, () => fsyncDir(missing));
    for (const p of failing) await assert.rejects(p, /ENOENT/);
    await fsyncDir(f.dir);
  });
});
