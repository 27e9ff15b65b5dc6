/** Engine: commits (ids, generation, options), ref expressions and the commit log. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { commitId } from "../src/engine/commit-id.js";
import { engineError, entry, type Fixture, openFixture, paths, repo } from "./engine-support.js";

let f: Fixture;
beforeEach(async () => {
  f = openFixture();
  await repo(f);
});
afterEach(() => f.close());

const R = "repo1";

/** Stages `key` with content `content` on `branch` and commits; returns the commit. */
async function put(branch: string, key: string, content = key, message = `put ${key}`) {
  await f.engine.stageEntry(R, branch, key, entry(content));
  f.tick();
  return await f.engine.commit(R, branch, { message });
}

describe("commit", () => {
  test("commit record, id hashing and generation", async () => {
    const e = f.engine;
    const initial = await e.getCommit(R, "main");
    await e.stageEntry(R, "main", "a", entry("a"));
    const c = await e.commit(R, "main", {
      message: "first",
      metadata: { b: "2", a: "1" },
      committer: "alice",
      date: 1_600_000_000,
    });
    assert.deepEqual(c.parents, [initial.id]);
    assert.equal(c.generation, 2);
    assert.equal(c.version, 1);
    assert.equal(c.creationDate, 1_600_000_000);
    assert.equal(c.committer, "alice");
    assert.deepEqual(c.metadata, { a: "1", b: "2" });
    assert.notEqual(c.metarangeId, "");
    assert.equal(c.id, commitId(c));
    assert.deepEqual(await e.getCommit(R, c.id), c);
    assert.equal((await e.getBranch(R, "main")).commitId, c.id);
    // Every hashed field matters; generation and version do not.
    for (const change of [
      { committer: "bob" },
      { message: "other" },
      { metarangeId: "" },
      { creationDate: 1 },
      { metadata: { a: "1" } },
      { parents: [] },
    ]) {
      assert.notEqual(commitId({ ...c, ...change }), c.id, JSON.stringify(change));
    }
    assert.equal(commitId({ ...c, metadata: { b: "2", a: "1" } }), c.id);
  });

  test("no changes, allowEmpty, identity-equal rewrites, tombstones of missing keys", async () => {
    const e = f.engine;
    await assert.rejects(
      async () => await e.commit(R, "main", { message: "m" }),
      engineError("bad_request", "commit: no changes"),
    );
    const empty = await e.commit(R, "main", { message: "empty", allowEmpty: true });
    // A written, empty tree: only the first commit has the unwritten "".
    assert.match(empty.metarangeId, /^[0-9a-f]{64}$/);
    await e.stageEntry(R, "main", "a", entry("a"));
    await e.commit(R, "main", { message: "a" });
    // Same identity at a new address is no change (address and mtime are not identity).
    await e.stageEntry(R, "main", "a", entry("a", { mtime: 5 }));
    await e.deleteEntry(R, "main", "never");
    await assert.rejects(
      async () => await e.commit(R, "main", { message: "m" }),
      engineError("bad_request", "commit: no changes"),
    );
    // Content type is part of identity.
    await e.stageEntry(R, "main", "a", entry("a", { contentType: "text/plain" }));
    await e.commit(R, "main", { message: "ct" });
  });

  test("sourceMetarange commits an existing tree verbatim on a clean branch", async () => {
    const e = f.engine;
    await e.createBranch(R, { name: "b", source: "main" });
    const src = await put("b", "x");
    f.tick();
    const c = await e.commit(R, "main", { message: "mr", sourceMetarange: src.metarangeId });
    assert.equal(c.metarangeId, src.metarangeId);
    assert.deepEqual(paths(await e.listEntries(R, "main")), ["x"]);
    await e.stageEntry(R, "main", "dirty", entry("d"));
    await assert.rejects(
      async () => await e.commit(R, "main", { message: "mr", sourceMetarange: src.metarangeId }),
      engineError(
        "bad_request",
        "cannot use source MetaRange on a branch with uncommitted changes",
      ),
    );
  });

  test("commit errors", async () => {
    await assert.rejects(
      async () => await f.engine.commit(R, "ghost", { message: "m" }),
      engineError("not_found", "branch not found"),
    );
    await assert.rejects(
      async () => await f.engine.getCommit(R, "f".repeat(64)),
      engineError("not_found"),
    );
  });
});

describe("refs", () => {
  test("resolution order and modifiers", async () => {
    const e = f.engine;
    const c0 = await e.getCommit(R, "main");
    const c1 = await put("main", "a");
    const c2 = await put("main", "b");
    await e.createBranch(R, { name: "side", source: c1.id });
    const s1 = await put("side", "s");
    f.tick();
    const m = await e.merge(R, "side", "main");
    await e.createTag(R, { id: "v1", ref: c1.id });
    assert.equal((await e.resolveRef(R, m.id)).commitId, m.id);
    assert.equal((await e.resolveRef(R, m.id.slice(0, 6))).commitId, m.id);
    assert.deepEqual(await e.resolveRef(R, "main"), {
      type: "branch",
      commitId: m.id,
      branch: "main",
      readsStaging: true,
      staging: false,
    });
    assert.equal((await e.resolveRef(R, "main@")).readsStaging, false);
    assert.equal((await e.resolveRef(R, "main$")).staging, true);
    assert.deepEqual(await e.resolveRef(R, "v1"), {
      type: "tag",
      commitId: c1.id,
      branch: undefined,
      readsStaging: false,
      staging: false,
    });
    assert.equal((await e.getCommit(R, "main~1")).id, c2.id);
    assert.equal((await e.getCommit(R, "main~")).id, c2.id);
    assert.equal((await e.getCommit(R, "main~3")).id, c0.id);
    assert.equal((await e.getCommit(R, "main^2")).id, s1.id);
    assert.equal((await e.getCommit(R, "main^0")).id, m.id);
    assert.equal((await e.getCommit(R, "main^2~1")).id, c1.id);
    assert.equal((await e.getCommit(R, "v1~1")).id, c0.id);
    assert.equal((await e.resolveRef(R, "main~1")).type, "commit");
    assert.equal((await e.resolveRef(R, "main~1")).readsStaging, false);
    await assert.rejects(async () => await e.getCommit(R, "main~4"), engineError("not_found"));
    await assert.rejects(async () => await e.getCommit(R, "main^3"), engineError("not_found"));
    await assert.rejects(async () => await e.resolveRef(R, "v1@"), engineError("bad_request"));
    await assert.rejects(async () => await e.resolveRef(R, "main@~1"), engineError("not_found"));
    await assert.rejects(async () => await e.resolveRef(R, "a b"), engineError("bad_request"));
    await assert.rejects(async () => await e.resolveRef(R, ""), engineError("bad_request"));
    await assert.rejects(async () => await e.resolveRef(R, "ghost"), engineError("not_found"));
    await assert.rejects(async () => await e.getCommit(R, "main$"), engineError("bad_request"));
    // A branch named like a hex prefix wins over the prefix.
    await e.createBranch(R, { name: m.id.slice(0, 8), source: c0.id });
    assert.equal((await e.resolveRef(R, m.id.slice(0, 8))).commitId, c0.id);
  });
});

describe("log", () => {
  test("order, paging, firstParent, since, stopAt, limit, object and prefix filters", async () => {
    const e = f.engine;
    const c0 = await e.getCommit(R, "main");
    f.setNow(2000);
    const a = await put("main", "dir/a", "a1");
    await e.createBranch(R, { name: "side", source: "main" });
    const s = await put("side", "other/s");
    const b = await put("main", "dir/b");
    const a2 = await put("main", "dir/a", "a2");
    f.tick();
    const m = await e.merge(R, "side", "main");
    // Generation order (b and s share one; the newer comes first).
    const msgs = (p: { results: { id: string }[] }) => p.results.map((c) => c.id);
    assert.deepEqual(msgs(await e.logCommits(R, "main")), [m.id, a2.id, b.id, s.id, a.id, c0.id]);
    assert.deepEqual(msgs(await e.logCommits(R, "main", { firstParent: true })), [
      m.id,
      a2.id,
      b.id,
      a.id,
      c0.id,
    ]);
    const p1 = await e.logCommits(R, "main", { amount: 2 });
    assert.deepEqual([msgs(p1), p1.hasMore, p1.nextOffset], [[m.id, a2.id], true, a2.id]);
    const p2 = await e.logCommits(R, "main", { amount: 10, after: p1.nextOffset });
    assert.deepEqual([msgs(p2), p2.hasMore], [[b.id, s.id, a.id, c0.id], false]);
    assert.deepEqual(msgs(await e.logCommits(R, "main", { since: 2002 })), [
      m.id,
      a2.id,
      b.id,
      s.id,
    ]);
    assert.deepEqual(msgs(await e.logCommits(R, "main", { stopAt: b.id })), [m.id, a2.id, b.id]);
    const limited = await e.logCommits(R, "main", { amount: 2, limit: true });
    assert.deepEqual([msgs(limited), limited.hasMore], [[m.id, a2.id], false]);
    assert.deepEqual(msgs(await e.logCommits(R, "main", { objects: ["dir/a"] })), [a2.id, a.id]);
    assert.deepEqual(msgs(await e.logCommits(R, "main", { prefixes: ["other/"] })), [m.id, s.id]);
    assert.deepEqual(
      msgs(await e.logCommits(R, "main", { prefixes: ["dir/"], firstParent: true })),
      [a2.id, b.id, a.id],
    );
    assert.deepEqual(
      msgs(await e.logCommits(R, "main", { objects: ["dir/b"], prefixes: ["other/"] })),
      [m.id, b.id, s.id],
    );
    assert.deepEqual(msgs(await e.logCommits(R, "side")), [s.id, a.id, c0.id]);
    await assert.rejects(async () => await e.logCommits(R, "ghost"), engineError("not_found"));
  });
});
