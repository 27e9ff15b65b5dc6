/** Engine: repositories, branches, tags, protection rules, read-only repositories, persistence. */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { Engine, openEngine } from "../src/engine/engine.js";
import { openDatabase } from "../src/engine/store.js";
import { engineError, entry, type Fixture, openFixture, paths, repo } from "./engine-support.js";

let f: Fixture;
beforeEach(() => {
  f = openFixture();
});
afterEach(() => f.close());

describe("repositories", () => {
  test("create makes the initial commit, the default branch and _lakefs/dummy", async () => {
    const r = await repo(f, "repo1", { defaultBranch: "trunk" });
    assert.deepEqual(r, {
      id: "repo1",
      storageNamespace: "local://repo1",
      defaultBranch: "trunk",
      creationDate: 1_700_000_000,
      readOnly: false,
    });
    assert.deepEqual(await f.engine.getRepository("repo1"), r);
    const b = await f.engine.getBranch("repo1", "trunk");
    const c = await f.engine.getCommit("repo1", "trunk");
    assert.equal(b.commitId, c.id);
    assert.match(c.id, /^[0-9a-f]{64}$/);
    assert.equal(c.message, "Repository created");
    assert.equal(c.committer, "");
    assert.equal(c.metarangeId, "");
    assert.equal(c.generation, 1);
    assert.deepEqual(c.parents, []);
    assert.ok(readFileSync(join(f.nsDir("local://repo1"), "_lakefs", "dummy"), "utf8").length > 0);
  });

  test("validation, duplicates and namespace reuse", async () => {
    const e = f.engine;
    for (const id of ["ab", "Repo", "-abc", "a_b_c", "a".repeat(64)]) {
      await assert.rejects(
        async () => await e.createRepository({ id, storageNamespace: `local://${id}` }),
        engineError("bad_request", /^argument name: /),
      );
    }
    await repo(f);
    await assert.rejects(
      async () => await e.createRepository({ id: "repo1", storageNamespace: "local://other" }),
      engineError("conflict", "error creating repository: not unique"),
    );
    await assert.rejects(
      async () => await e.createRepository({ id: "repo2", storageNamespace: "local://repo1" }),
      engineError("bad_request", "storage namespace already in use"),
    );
    await assert.rejects(
      async () => await e.createRepository({ id: "repo2", storageNamespace: "" }),
      engineError("bad_request", "argument storage_namespace: required value: validation error"),
    );
    await assert.rejects(
      async () => await e.getRepository("nope"),
      engineError("not_found", "repository not found"),
    );
    await assert.rejects(async () => await e.getRepository("NO"), engineError("bad_request"));
  });

  test("delete removes metadata only; the namespace stays claimed", async () => {
    await repo(f);
    await f.engine.stageEntry("repo1", "main", "a", entry("a"));
    await f.engine.commit("repo1", "main", { message: "c" });
    await f.engine.deleteRepository("repo1");
    await assert.rejects(
      async () => await f.engine.getRepository("repo1"),
      engineError("not_found"),
    );
    assert.ok(existsSync(join(f.nsDir("local://repo1"), "_lakefs", "dummy")));
    await assert.rejects(
      async () => await repo(f),
      engineError("bad_request", "storage namespace already in use"),
    );
    // The same id on a fresh namespace starts from scratch.
    await f.engine.createRepository({ id: "repo1", storageNamespace: "local://fresh" });
    assert.deepEqual(paths(await f.engine.listEntries("repo1", "main")), []);
    assert.equal((await f.engine.logCommits("repo1", "main")).results.length, 1);
  });

  test("bare creates only the record", async () => {
    await f.engine.createRepository({ id: "bare1", storageNamespace: "local://bare1", bare: true });
    assert.equal((await f.engine.getRepository("bare1")).defaultBranch, "main");
    await assert.rejects(
      async () => await f.engine.getBranch("bare1", "main"),
      engineError("not_found"),
    );
    assert.ok(!existsSync(join(f.nsDir("local://bare1"), "_lakefs", "dummy")));
  });

  test("list pages by id with prefix, after and search", async () => {
    for (const id of ["aaa", "abc", "abd", "bcd", "bce"]) await repo(f, id);
    const e = f.engine;
    assert.deepEqual(
      (await e.listRepositories()).results.map((r) => r.id),
      ["aaa", "abc", "abd", "bcd", "bce"],
    );
    const p1 = await e.listRepositories({ amount: 2 });
    assert.deepEqual(
      p1.results.map((r) => r.id),
      ["aaa", "abc"],
    );
    assert.equal(p1.hasMore, true);
    assert.equal(p1.nextOffset, "abc");
    const p2 = await e.listRepositories({ amount: 2, after: p1.nextOffset });
    assert.deepEqual(
      p2.results.map((r) => r.id),
      ["abd", "bcd"],
    );
    const p3 = await e.listRepositories({ amount: 2, after: p2.nextOffset });
    assert.deepEqual(p3, { results: [p3.results[0]], hasMore: false, nextOffset: "" });
    assert.deepEqual(
      (await e.listRepositories({ prefix: "ab" })).results.map((r) => r.id),
      ["abc", "abd"],
    );
    assert.deepEqual(
      (await e.listRepositories({ search: "bc" })).results.map((r) => r.id),
      ["abc", "bcd", "bce"],
    );
    // amount <= 0 means the default; huge amounts are capped.
    assert.equal((await e.listRepositories({ amount: 0 })).results.length, 5);
    assert.equal((await e.listRepositories({ amount: -3 })).results.length, 5);
  });

  test("metadata set, get and delete", async () => {
    await repo(f);
    const e = f.engine;
    assert.deepEqual(await e.getRepositoryMetadata("repo1"), {});
    await e.setRepositoryMetadata("repo1", { a: "1", b: "2" });
    await e.setRepositoryMetadata("repo1", { b: "3" });
    assert.deepEqual(await e.getRepositoryMetadata("repo1"), { a: "1", b: "3" });
    await e.deleteRepositoryMetadata("repo1", ["a", "missing"]);
    assert.deepEqual(await e.getRepositoryMetadata("repo1"), { b: "3" });
    await assert.rejects(
      async () => await e.getRepositoryMetadata("nope"),
      engineError("not_found"),
    );
  });

  test("read-only repositories refuse writes unless forced", async () => {
    await repo(f);
    const e = f.engine;
    await e.setReadOnly("repo1", true);
    assert.equal((await e.getRepository("repo1")).readOnly, true);
    const ro = engineError("forbidden", "read-only repository");
    await assert.rejects(async () => await e.stageEntry("repo1", "main", "a", entry("a")), ro);
    await assert.rejects(async () => await e.deleteEntry("repo1", "main", "a"), ro);
    await assert.rejects(
      async () => await e.createBranch("repo1", { name: "b", source: "main" }),
      ro,
    );
    await assert.rejects(async () => await e.createTag("repo1", { id: "t", ref: "main" }), ro);
    await assert.rejects(
      async () => await e.commit("repo1", "main", { message: "m", allowEmpty: true }),
      ro,
    );
    await assert.rejects(async () => await e.resetBranch("repo1", "main", { type: "reset" }), ro);
    await assert.rejects(async () => await e.deleteRepository("repo1"), ro);
    await e.stageEntry("repo1", "main", "a", entry("a"), { force: true });
    await e.commit("repo1", "main", { message: "m", force: true });
    await e.createBranch("repo1", { name: "b", source: "main", force: true });
    assert.deepEqual(await e.deleteEntries("repo1", "main", ["a"]), [
      { path: "a", statusCode: 403, message: "read-only repository" },
    ]);
    await e.setReadOnly("repo1", false);
    await e.stageEntry("repo1", "main", "b", entry("b"));
    // Read-only repositories can be created on a used namespace (no dummy check).
    await e.createRepository({ id: "mirror", storageNamespace: "local://repo1", readOnly: true });
  });

  test("state survives reopening the database", async () => {
    await repo(f);
    await f.engine.stageEntry("repo1", "main", "committed", entry("c"));
    await f.engine.commit("repo1", "main", { message: "c" });
    await f.engine.stageEntry("repo1", "main", "staged", entry("s2"));
    await f.engine.close();
    const again = openEngine(f.dir, { namespaceDir: f.nsDir });
    assert.deepEqual(paths(await again.listEntries("repo1", "main")), ["committed", "staged"]);
    assert.equal((await again.getEntry("repo1", "main", "staged")).etag, "etag-s2");
    assert.deepEqual(paths(await again.listEntries("repo1", "main@")), ["committed"]);
    Object.assign(f, { engine: again });
  });

  test("two engines over one data directory see each other's writes and commits", async () => {
    await repo(f);
    const other = openEngine(f.dir, { namespaceDir: f.nsDir });
    try {
      await f.engine.stageEntry("repo1", "main", "a", entry("a"));
      const c = await other.commit("repo1", "main", { message: "from the other connection" });
      assert.equal((await f.engine.getBranch("repo1", "main")).commitId, c.id);
      assert.deepEqual(paths(await f.engine.listEntries("repo1", "main@")), ["a"]);
      await other.stageEntry("repo1", "main", "b", entry("b"));
      await f.engine.commit("repo1", "main", { message: "back" });
      assert.deepEqual(paths(await other.listEntries("repo1", "main@")), ["a", "b"]);
      assert.deepEqual((await other.diffBranch("repo1", "main")).results, []);
    } finally {
      await other.close();
    }
  });

  test("refuses a database written by a newer schema", async () => {
    await f.engine.close();
    const db = openDatabase(f.dir);
    db.exec("UPDATE schema_version SET version = 999");
    assert.throws(() => new Engine({ db, namespaceDir: f.nsDir }), /schema version 999/);
    db.close();
    Object.assign(f, { engine: openEngine(join(f.dir, "fresh"), { namespaceDir: f.nsDir }) });
  });
});

describe("branches", () => {
  beforeEach(async () => await repo(f));

  test("create, get, list (hidden), delete", async () => {
    const e = f.engine;
    const head = (await e.getBranch("repo1", "main")).commitId;
    assert.equal(await e.createBranch("repo1", { name: "feature", source: "main" }), head);
    await e.createBranch("repo1", { name: "tmp_x", source: head, hidden: true });
    assert.deepEqual(await e.getBranch("repo1", "feature"), {
      id: "feature",
      commitId: head,
      hidden: false,
    });
    assert.deepEqual(paths0(await e.listBranches("repo1")), ["feature", "main"]);
    assert.deepEqual(paths0(await e.listBranches("repo1", { showHidden: true })), [
      "feature",
      "main",
      "tmp_x",
    ]);
    const p = await e.listBranches("repo1", { amount: 1 });
    assert.deepEqual([paths0(p), p.hasMore, p.nextOffset], [["feature"], true, "feature"]);
    assert.deepEqual(paths0(await e.listBranches("repo1", { after: "feature" })), ["main"]);
    assert.deepEqual(paths0(await e.listBranches("repo1", { prefix: "m" })), ["main"]);
    await e.deleteBranch("repo1", "feature");
    await assert.rejects(
      async () => await e.getBranch("repo1", "feature"),
      engineError("not_found", "branch not found"),
    );
  });

  test("create errors", async () => {
    const e = f.engine;
    await e.createBranch("repo1", { name: "b1", source: "main" });
    await assert.rejects(
      async () => await e.createBranch("repo1", { name: "b1", source: "main" }),
      engineError("conflict", "branch already exists: not unique"),
    );
    await assert.rejects(
      async () => await e.createBranch("repo1", { name: "-bad", source: "main" }),
      engineError("bad_request", "argument name: branch id: invalid value: validation error"),
    );
    await assert.rejects(
      async () => await e.createBranch("repo1", { name: "a/b", source: "main" }),
      engineError("bad_request"),
    );
    await assert.rejects(
      async () => await e.createBranch("repo1", { name: "b2", source: "nothere" }),
      engineError("not_found"),
    );
    await assert.rejects(
      async () => await e.createBranch("repo1", { name: "b2", source: "main$" }),
      engineError("bad_request", "reference to staging area with $ is not a commit"),
    );
    await assert.rejects(
      async () => await e.createBranch("repo1", { name: "b2", source: "has space" }),
      engineError("bad_request"),
    );
    await e.createTag("repo1", { id: "v1", ref: "main" });
    await assert.rejects(
      async () => await e.createBranch("repo1", { name: "v1", source: "main" }),
      engineError("conflict", "conflict found"),
    );
    const head = (await e.getBranch("repo1", "main")).commitId;
    await assert.rejects(
      async () => await e.createBranch("repo1", { name: head, source: "main" }),
      engineError("conflict", "conflict found"),
    );
    await assert.rejects(
      async () => await e.createBranch("nope", { name: "x", source: "main" }),
      engineError("not_found", "repository not found"),
    );
  });

  test("delete refuses the default branch and missing branches; drops staged data", async () => {
    const e = f.engine;
    await assert.rejects(
      async () => await e.deleteBranch("repo1", "main"),
      engineError("forbidden", "cannot delete repository default branch"),
    );
    await assert.rejects(
      async () => await e.deleteBranch("repo1", "ghost"),
      engineError("not_found", "branch not found"),
    );
    await e.createBranch("repo1", { name: "b", source: "main" });
    await e.stageEntry("repo1", "b", "x", entry("x"));
    await e.deleteBranch("repo1", "b");
    await e.createBranch("repo1", { name: "b", source: "main" });
    assert.deepEqual(paths(await e.listEntries("repo1", "b")), []);
  });

  test("protection rules block staging writes, resets, deletes and commits but not merges", async () => {
    const e = f.engine;
    assert.deepEqual(await e.getBranchProtectionRules("repo1"), []);
    await e.createBranch("repo1", { name: "release-1", source: "main" });
    await e.createBranch("repo1", { name: "dev", source: "main" });
    await e.stageEntry("repo1", "dev", "f", entry("f"));
    await e.commit("repo1", "dev", { message: "dev" });
    await e.setBranchProtectionRules("repo1", [{ pattern: "main" }, { pattern: "release-*" }]);
    assert.deepEqual(await e.getBranchProtectionRules("repo1"), [
      { pattern: "main" },
      { pattern: "release-*" },
    ]);
    const write = engineError("forbidden", "cannot write to protected branch");
    for (const b of ["main", "release-1"]) {
      await assert.rejects(async () => await e.stageEntry("repo1", b, "a", entry("a")), write);
      await assert.rejects(async () => await e.deleteEntry("repo1", b, "a"), write);
      await assert.rejects(async () => await e.resetBranch("repo1", b, { type: "reset" }), write);
      await assert.rejects(async () => await e.updateUserMetadata("repo1", b, "a", {}), write);
      await assert.rejects(
        async () => await e.commit("repo1", b, { message: "m", allowEmpty: true }),
        engineError("forbidden", "cannot commit to protected branch"),
      );
    }
    await assert.rejects(async () => await e.deleteBranch("repo1", "release-1"), write);
    assert.deepEqual(await e.deleteEntries("repo1", "main", ["a"]), [
      { path: "a", statusCode: 403, message: "cannot write to protected branch" },
    ]);
    await e.merge("repo1", "dev", "main");
    assert.deepEqual(paths(await e.listEntries("repo1", "main")), ["f"]);
    await e.setBranchProtectionRules("repo1", []);
    await e.stageEntry("repo1", "main", "a", entry("a"));
    await assert.rejects(
      async () => await e.setBranchProtectionRules("repo1", [{ pattern: "" }]),
      engineError("bad_request"),
    );
  });
});

describe("tags", () => {
  beforeEach(async () => await repo(f));

  test("create, get, list, delete", async () => {
    const e = f.engine;
    const head = (await e.getBranch("repo1", "main")).commitId;
    assert.deepEqual(await e.createTag("repo1", { id: "v1.0", ref: "main" }), {
      id: "v1.0",
      commitId: head,
    });
    await e.createTag("repo1", { id: "v2~x", ref: head.slice(0, 10) });
    assert.deepEqual(await e.getTag("repo1", "v1.0"), { id: "v1.0", commitId: head });
    assert.deepEqual(paths0(await e.listTags("repo1")), ["v1.0", "v2~x"]);
    assert.deepEqual(paths0(await e.listTags("repo1", { after: "v1.0" })), ["v2~x"]);
    assert.equal((await e.getCommit("repo1", "v1.0")).id, head);
    await e.deleteTag("repo1", "v1.0");
    await assert.rejects(
      async () => await e.getTag("repo1", "v1.0"),
      engineError("not_found", "tag not found"),
    );
    await assert.rejects(
      async () => await e.deleteTag("repo1", "v1.0"),
      engineError("not_found", "tag not found"),
    );
  });

  test("errors: duplicates (force does not overwrite), collisions, invalid ids", async () => {
    const e = f.engine;
    await e.createTag("repo1", { id: "t", ref: "main" });
    await assert.rejects(
      async () => await e.createTag("repo1", { id: "t", ref: "main", force: true }),
      engineError("conflict", "tag already exists: not unique"),
    );
    await assert.rejects(
      async () => await e.createTag("repo1", { id: "main", ref: "main" }),
      engineError("conflict", "conflict found"),
    );
    for (const id of ["@", "a.", "a.lock", "a..b", "a/b", "a@{b", "a^b", "a:b", "a b", "a\u0001"]) {
      await assert.rejects(
        async () => await e.createTag("repo1", { id, ref: "main" }),
        engineError("bad_request"),
        id,
      );
    }
    await assert.rejects(
      async () => await e.createTag("repo1", { id: "u", ref: "nope" }),
      engineError("not_found"),
    );
  });
});

function paths0(page: { results: readonly { id: string }[] }): string[] {
  return page.results.map((r) => r.id);
}
