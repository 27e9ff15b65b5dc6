/** Engine: diffs (two-dot, three-dot, uncommitted), merge base, merge, revert, cherry-pick. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { MergeConflictError } from "../src/core/errors.js";
import { engineError, entry, type Fixture, openFixture, repo } from "./engine-support.js";

let f: Fixture;
beforeEach(async () => {
  f = openFixture();
  await repo(f);
});
afterEach(() => f.close());

const R = "repo1";

/** Applies writes (string = content, null = delete) on a branch and commits them. */
async function change(branch: string, writes: Record<string, string | null>, message = "change") {
  for (const [k, v] of Object.entries(writes)) {
    if (v === null) await f.engine.deleteEntry(R, branch, k);
    else await f.engine.stageEntry(R, branch, k, entry(v));
  }
  f.tick();
  return await f.engine.commit(R, branch, { message });
}

const kinds = (p: { results: readonly { path: string; type: string }[] }) =>
  p.results.map((d) => `${d.type}:${d.path}`);

const content = async (ref: string) =>
  Object.fromEntries(
    (await f.engine.listEntries(R, ref, { amount: 1000 })).results.map((r) => [
      r.path,
      r.entry?.etag,
    ]),
  );

describe("diff", () => {
  test("two-dot, three-dot with conflicts, delimiter grouping, paging", async () => {
    const e = f.engine;
    await change("main", { "a/1": "a1", "a/2": "a2", "b/1": "b1", c: "c", d: "d" });
    await e.createBranch(R, { name: "dev", source: "main" });
    await change("dev", { "a/1": "dev", "a/3": "new", "b/1": null, c: "same" });
    await change("main", { c: "same", d: "main", "b/1": "main" });
    assert.deepEqual(kinds(await e.diffRefs(R, "main", "dev", { type: "two_dot" })), [
      "changed:a/1",
      "added:a/3",
      "removed:b/1",
      "changed:d",
    ]);
    // Three-dot: what merging dev into main changes. c was changed identically on both sides.
    assert.deepEqual(kinds(await e.diffRefs(R, "main", "dev")), [
      "changed:a/1",
      "added:a/3",
      "conflict:b/1",
    ]);
    assert.deepEqual(kinds(await e.diffRefs(R, "main", "dev", { delimiter: "/" })), [
      "prefix_changed:a/",
      "prefix_changed:b/",
    ]);
    const grouped = (await e.diffRefs(R, "main", "dev", { delimiter: "/" })).results[0]!;
    assert.equal(grouped.pathType, "common_prefix");
    assert.deepEqual(kinds(await e.diffRefs(R, "main", "dev", { prefix: "a/", type: "two_dot" })), [
      "changed:a/1",
      "added:a/3",
    ]);
    const p1 = await e.diffRefs(R, "main", "dev", { type: "two_dot", amount: 2 });
    assert.deepEqual(
      [kinds(p1), p1.hasMore, p1.nextOffset],
      [["changed:a/1", "added:a/3"], true, "a/3"],
    );
    const p2 = await e.diffRefs(R, "main", "dev", { type: "two_dot", amount: 2, after: "a/3" });
    assert.deepEqual([kinds(p2), p2.hasMore], [["removed:b/1", "changed:d"], false]);
    const added = (await e.diffRefs(R, "main", "dev", { type: "two_dot" })).results[1]!;
    assert.equal(added.sizeBytes, 3);
    assert.equal(added.right?.etag, "etag-new");
    assert.deepEqual((await e.diffRefs(R, "main", "main")).results, []);
    await assert.rejects(
      async () => await e.diffRefs(R, "main", "ghost"),
      engineError("not_found"),
    );
    await assert.rejects(
      async () => await e.diffRefs(R, "main", "dev", { type: "bogus" as "two_dot" }),
      engineError("bad_request"),
    );
  });

  test("plain branch names diff committed state; branch$ overlays staging in two-dot", async () => {
    const e = f.engine;
    await e.createBranch(R, { name: "dev", source: "main" });
    await e.stageEntry(R, "dev", "x", entry("x"));
    assert.deepEqual((await e.diffRefs(R, "main", "dev")).results, []);
    assert.deepEqual(kinds(await e.diffRefs(R, "main", "dev$", { type: "two_dot" })), ["added:x"]);
    await assert.rejects(
      async () => await e.diffRefs(R, "main", "dev$"),
      engineError("bad_request"),
    );
  });

  test("uncommitted diff against the head", async () => {
    const e = f.engine;
    await change("main", { keep: "k", mod: "m", del: "d" });
    await e.stageEntry(R, "main", "mod", entry("m2"));
    await e.stageEntry(R, "main", "keep", entry("k"));
    await e.deleteEntry(R, "main", "del");
    await e.stageEntry(R, "main", "dir/new", entry("n"));
    assert.deepEqual(kinds(await e.diffBranch(R, "main")), [
      "removed:del",
      "added:dir/new",
      "changed:mod",
    ]);
    assert.deepEqual(kinds(await e.diffBranch(R, "main", { delimiter: "/" })), [
      "removed:del",
      "prefix_changed:dir/",
      "changed:mod",
    ]);
    assert.deepEqual(kinds(await e.diffBranch(R, "main", { prefix: "m" })), ["changed:mod"]);
    assert.deepEqual(kinds(await e.diffBranch(R, "main", { after: "del", amount: 1 })), [
      "added:dir/new",
    ]);
  });
});

describe("merge", () => {
  test("a tree emptied by a commit is a written tree: merging it into the first commit is a change", async () => {
    const e = f.engine;
    const initial = await e.getCommit(R, "main");
    assert.equal(initial.metarangeId, "");
    await e.createBranch(R, { name: "dev", source: "main" });
    await e.createBranch(R, { name: "idle", source: "main" });
    // A branch still at the first commit has nothing to merge.
    await assert.rejects(
      async () => await e.merge(R, "idle", "main"),
      engineError("bad_request", "update branch main: no changes"),
    );
    await change("dev", { x: "x" });
    const emptied = await change("dev", { x: null });
    assert.match(emptied.metarangeId, /^[0-9a-f]{64}$/);
    assert.notEqual(emptied.metarangeId, initial.metarangeId);

    f.tick();
    const merged = await e.merge(R, "dev", "main");
    assert.deepEqual(merged.parents, [initial.id, emptied.id]);
    assert.equal(merged.metarangeId, emptied.metarangeId);
    assert.equal((await e.getBranch(R, "main")).commitId, merged.id);
    assert.deepEqual(await content("main"), {});
  });

  test("commit shape, default message, strategy metadata, generation", async () => {
    const e = f.engine;
    await e.createBranch(R, { name: "dev", source: "main" });
    const d = await change("dev", { x: "x" });
    const mainHead = await e.getCommit(R, "main");
    f.tick();
    const m = await e.merge(R, "dev", "main", { committer: "me", metadata: { k: "v" } });
    assert.deepEqual(m.parents, [mainHead.id, d.id]);
    assert.equal(m.message, "Merge 'dev' into 'main'");
    assert.deepEqual(m.metadata, { k: "v", ".lakefs.merge.strategy": "default" });
    assert.equal(m.committer, "me");
    assert.equal(m.generation, Math.max(mainHead.generation, d.generation) + 1);
    // Fast-forward-able merges still write a commit, with the source's tree.
    assert.equal(m.metarangeId, d.metarangeId);
    assert.equal((await e.getBranch(R, "main")).commitId, m.id);
    assert.deepEqual(await e.findMergeBase(R, "dev", "main"), {
      baseCommitId: d.id,
      sourceCommitId: d.id,
      destinationCommitId: m.id,
    });
  });

  test("no changes unless allowEmpty/force; merging identical content still commits", async () => {
    const e = f.engine;
    await e.createBranch(R, { name: "dev", source: "main" });
    await assert.rejects(
      async () => await e.merge(R, "dev", "main"),
      engineError("bad_request", "update branch main: no changes"),
    );
    f.tick();
    const forced = await e.merge(R, "dev", "main", { allowEmpty: true, message: "empty" });
    assert.equal(forced.message, "empty");
    await change("dev", { same: "s" });
    await change("main", { same: "s" });
    f.tick();
    const m = await e.merge(R, "dev", "main");
    assert.equal(m.parents.length, 2);
    assert.deepEqual(await content("main"), { same: "etag-s" });
  });

  test("three-way outcomes and conflicts per strategy", async () => {
    const e = f.engine;
    await change("main", {
      same: "A",
      src: "A",
      dst: "A",
      both: "A",
      conflict: "A",
      srcdel: "A",
      dstdel: "A",
      chgdel: "A",
    });
    await e.createBranch(R, { name: "dev", source: "main" });
    await change("dev", {
      src: "B",
      both: "B",
      conflict: "B",
      srcdel: null,
      chgdel: "B",
      added: "N",
    });
    await change("main", { dst: "B", both: "B", conflict: "C", dstdel: null, chgdel: null });
    await assert.rejects(
      async () => await e.merge(R, "dev", "main"),
      (err) =>
        err instanceof MergeConflictError &&
        err.kind === "conflict" &&
        err.message === "conflict found",
    );
    await assert.rejects(
      async () => await e.merge(R, "dev", "main", { strategy: "default" }),
      engineError("bad_request", "argument strategy: invalid value: validation error"),
    );
    const head = (await e.getBranch(R, "main")).commitId;
    assert.equal((await e.getBranch(R, "main")).commitId, head, "a failed merge changes nothing");
    await e.createBranch(R, { name: "main2", source: "main" });
    f.tick();
    const sw = await e.merge(R, "dev", "main", { strategy: "source-wins" });
    assert.equal(sw.metadata[".lakefs.merge.strategy"], "source-wins");
    assert.deepEqual(await content("main"), {
      same: "etag-A",
      src: "etag-B",
      dst: "etag-B",
      both: "etag-B",
      conflict: "etag-B",
      chgdel: "etag-B",
      added: "etag-N",
    });
    f.tick();
    await e.merge(R, "dev", "main2", { strategy: "dest-wins" });
    assert.deepEqual(await content("main2"), {
      same: "etag-A",
      src: "etag-B",
      dst: "etag-B",
      both: "etag-B",
      conflict: "etag-C",
      added: "etag-N",
    });
  });

  test("squash keeps one parent; dirty destinations and bad input are refused", async () => {
    const e = f.engine;
    await e.createBranch(R, { name: "dev", source: "main" });
    await change("dev", { x: "x" });
    const head = (await e.getBranch(R, "main")).commitId;
    await e.stageEntry(R, "main", "dirty", entry("d"));
    await assert.rejects(
      async () => await e.merge(R, "dev", "main"),
      engineError("bad_request", "uncommitted changes (dirty branch)"),
    );
    await e.resetBranch(R, "main", { type: "reset" });
    const sq = await e.merge(R, "dev", "main", { squashMerge: true });
    assert.deepEqual(sq.parents, [head]);
    await assert.rejects(async () => await e.merge(R, "ghost", "main"), engineError("not_found"));
    await assert.rejects(
      async () => await e.merge(R, "dev", "ghost"),
      engineError("not_found", "branch not found"),
    );
    await assert.rejects(async () => await e.merge(R, "dev$", "main"), engineError("bad_request"));
    // A staged value identical to the head does not make the branch dirty.
    await e.stageEntry(R, "main", "x", entry("x"));
    await change("dev", { y: "y" });
    await e.merge(R, "dev", "main");
  });
});

describe("revert and cherry-pick", () => {
  test("revert undoes a commit; merge commits need a parent number", async () => {
    const e = f.engine;
    await change("main", { a: "a1", b: "b1" });
    const c2 = await change("main", { a: "a2", c: "c" }, "second");
    await change("main", { b: "b2" });
    f.tick();
    const rv = await e.revert(R, "main", { ref: c2.id, committer: "me" });
    assert.equal(rv.message, `Revert ${c2.id}`);
    assert.equal(rv.parents.length, 1);
    assert.deepEqual(await content("main"), { a: "etag-a1", b: "etag-b2" });
    // Reverting again: nothing to undo.
    await assert.rejects(
      async () => await e.revert(R, "main", { ref: c2.id }),
      engineError("bad_request"),
    );
    f.tick();
    await e.revert(R, "main", {
      ref: c2.id,
      allowEmpty: true,
      commitOverrides: { message: "again", metadata: { x: "y" } },
    });
    assert.deepEqual((await e.getCommit(R, "main")).metadata, { x: "y" });
    // Conflict: the reverted change was modified afterwards.
    const c5 = await change("main", { z: "z1" });
    await change("main", { z: "z2" });
    await assert.rejects(
      async () => await e.revert(R, "main", { ref: c5.id }),
      engineError("conflict", "conflict found"),
    );
    // Merge commits.
    await e.createBranch(R, { name: "dev", source: "main" });
    await change("dev", { d: "d" });
    f.tick();
    const m = await e.merge(R, "dev", "main");
    await assert.rejects(
      async () => await e.revert(R, "main", { ref: m.id }),
      engineError("conflict", "must specify 1-based parent number for reverting merge commit"),
    );
    await assert.rejects(
      async () => await e.revert(R, "main", { ref: m.id, parentNumber: 3 }),
      engineError("bad_request"),
    );
    f.tick();
    await e.revert(R, "main", { ref: m.id, parentNumber: 1 });
    assert.equal((await content("main")).d, undefined);
    await e.stageEntry(R, "main", "dirty", entry("x"));
    await assert.rejects(
      async () => await e.revert(R, "main", { ref: c5.id }),
      engineError("bad_request", "uncommitted changes (dirty branch)"),
    );
  });

  test("cherry-pick applies a commit's change with origin metadata", async () => {
    const e = f.engine;
    await change("main", { base: "b" });
    await e.createBranch(R, { name: "dev", source: "main" });
    await change("dev", { one: "1" });
    await e.stageEntry(R, "dev", "two", entry("2"));
    f.tick();
    const picked = await e.commit(R, "dev", {
      message: "pick me",
      metadata: { m: "1" },
      committer: "bob",
    });
    f.tick();
    const c = await e.cherryPick(R, "main", { ref: picked.id, committer: "me" });
    assert.equal(c.message, "pick me");
    assert.equal(c.committer, "me");
    assert.deepEqual(c.metadata, {
      m: "1",
      "cherry-pick-origin": picked.id,
      "cherry-pick-committer": "bob",
    });
    assert.deepEqual(c.parents, [(await e.getCommit(R, "main~1")).id]);
    assert.deepEqual(await content("main"), { base: "etag-b", two: "etag-2" });
    await change("dev", { base: "dev" });
    await change("main", { base: "main" });
    await assert.rejects(
      async () => await e.cherryPick(R, "main", { ref: "dev" }),
      engineError("conflict", "conflict found"),
    );
    f.tick();
    const m = await e.merge(R, "main", "dev", { strategy: "source-wins" });
    await assert.rejects(
      async () => await e.cherryPick(R, "main", { ref: m.id }),
      engineError(
        "bad_request",
        "must specify 1-based parent number for cherry-picking merge commit",
      ),
    );
    await change("dev", { three: "3" });
    f.tick();
    await e.cherryPick(R, "main", { ref: "dev", commitOverrides: { message: "override" } });
    assert.equal((await content("main")).three, "etag-3");
    assert.equal((await e.getCommit(R, "main")).message, "override");
  });
});
