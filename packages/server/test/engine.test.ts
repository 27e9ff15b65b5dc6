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
  test("create makes the initial commit, the default branch and _lakefs/dummy", () => {
    const r = repo(f, "repo1", { defaultBranch: "trunk" });
    assert.deepEqual(r, {
      id: "repo1",
      storageNamespace: "local://repo1",
      defaultBranch: "trunk",
      creationDate: 1_700_000_000,
      readOnly: false,
    });
    assert.deepEqual(f.engine.getRepository("repo1"), r);
    const b = f.engine.getBranch("repo1", "trunk");
    const c = f.engine.getCommit("repo1", "trunk");
    assert.equal(b.commitId, c.id);
    assert.match(c.id, /^[0-9a-f]{64}$/);
    assert.equal(c.message, "Repository created");
    assert.equal(c.committer, "");
    assert.equal(c.metarangeId, "");
    assert.equal(c.generation, 1);
    assert.deepEqual(c.parents, []);
    assert.ok(readFileSync(join(f.nsDir("local://repo1"), "_lakefs", "dummy"), "utf8").length > 0);
  });

  test("validation, duplicates and namespace reuse", () => {
    const e = f.engine;
    for (const id of ["ab", "Repo", "-abc", "a_b_c", "a".repeat(64)]) {
      assert.throws(
        () => e.createRepository({ id, storageNamespace: `local://${id}` }),
        engineError("bad_request", /^argument name: /),
      );
    }
    repo(f);
    assert.throws(
      () => e.createRepository({ id: "repo1", storageNamespace: "local://other" }),
      engineError("conflict", "error creating repository: not unique"),
    );
    assert.throws(
      () => e.createRepository({ id: "repo2", storageNamespace: "local://repo1" }),
      engineError("bad_request", "storage namespace already in use"),
    );
    assert.throws(
      () => e.createRepository({ id: "repo2", storageNamespace: "" }),
      engineError("bad_request", "argument storage_namespace: required value: validation error"),
    );
    assert.throws(() => e.getRepository("nope"), engineError("not_found", "repository not found"));
    assert.throws(() => e.getRepository("NO"), engineError("bad_request"));
  });

  test("delete removes metadata only; the namespace stays claimed", () => {
    repo(f);
    f.engine.stageEntry("repo1", "main", "a", entry("a"));
    f.engine.commit("repo1", "main", { message: "c" });
    f.engine.deleteRepository("repo1");
    assert.throws(() => f.engine.getRepository("repo1"), engineError("not_found"));
    assert.ok(existsSync(join(f.nsDir("local://repo1"), "_lakefs", "dummy")));
    assert.throws(() => repo(f), engineError("bad_request", "storage namespace already in use"));
    // The same id on a fresh namespace starts from scratch.
    f.engine.createRepository({ id: "repo1", storageNamespace: "local://fresh" });
    assert.deepEqual(paths(f.engine.listEntries("repo1", "main")), []);
    assert.equal(f.engine.logCommits("repo1", "main").results.length, 1);
  });

  test("bare creates only the record", () => {
    f.engine.createRepository({ id: "bare1", storageNamespace: "local://bare1", bare: true });
    assert.equal(f.engine.getRepository("bare1").defaultBranch, "main");
    assert.throws(() => f.engine.getBranch("bare1", "main"), engineError("not_found"));
    assert.ok(!existsSync(join(f.nsDir("local://bare1"), "_lakefs", "dummy")));
  });

  test("list pages by id with prefix, after and search", () => {
    for (const id of ["aaa", "abc", "abd", "bcd", "bce"]) repo(f, id);
    const e = f.engine;
    assert.deepEqual(
      e.listRepositories().results.map((r) => r.id),
      ["aaa", "abc", "abd", "bcd", "bce"],
    );
    const p1 = e.listRepositories({ amount: 2 });
    assert.deepEqual(
      p1.results.map((r) => r.id),
      ["aaa", "abc"],
    );
    assert.equal(p1.hasMore, true);
    assert.equal(p1.nextOffset, "abc");
    const p2 = e.listRepositories({ amount: 2, after: p1.nextOffset });
    assert.deepEqual(
      p2.results.map((r) => r.id),
      ["abd", "bcd"],
    );
    const p3 = e.listRepositories({ amount: 2, after: p2.nextOffset });
    assert.deepEqual(p3, { results: [p3.results[0]], hasMore: false, nextOffset: "" });
    assert.deepEqual(
      e.listRepositories({ prefix: "ab" }).results.map((r) => r.id),
      ["abc", "abd"],
    );
    assert.deepEqual(
      e.listRepositories({ search: "bc" }).results.map((r) => r.id),
      ["abc", "bcd", "bce"],
    );
    // amount <= 0 means the default; huge amounts are capped.
    assert.equal(e.listRepositories({ amount: 0 }).results.length, 5);
    assert.equal(e.listRepositories({ amount: -3 }).results.length, 5);
  });

  test("metadata set, get and delete", () => {
    repo(f);
    const e = f.engine;
    assert.deepEqual(e.getRepositoryMetadata("repo1"), {});
    e.setRepositoryMetadata("repo1", { a: "1", b: "2" });
    e.setRepositoryMetadata("repo1", { b: "3" });
    assert.deepEqual(e.getRepositoryMetadata("repo1"), { a: "1", b: "3" });
    e.deleteRepositoryMetadata("repo1", ["a", "missing"]);
    assert.deepEqual(e.getRepositoryMetadata("repo1"), { b: "3" });
    assert.throws(() => e.getRepositoryMetadata("nope"), engineError("not_found"));
  });

  test("read-only repositories refuse writes unless forced", () => {
    repo(f);
    const e = f.engine;
    e.setReadOnly("repo1", true);
    assert.equal(e.getRepository("repo1").readOnly, true);
    const ro = engineError("forbidden", "read-only repository");
    assert.throws(() => e.stageEntry("repo1", "main", "a", entry("a")), ro);
    assert.throws(() => e.deleteEntry("repo1", "main", "a"), ro);
    assert.throws(() => e.createBranch("repo1", { name: "b", source: "main" }), ro);
    assert.throws(() => e.createTag("repo1", { id: "t", ref: "main" }), ro);
    assert.throws(() => e.commit("repo1", "main", { message: "m", allowEmpty: true }), ro);
    assert.throws(() => e.resetBranch("repo1", "main", { type: "reset" }), ro);
    assert.throws(() => e.deleteRepository("repo1"), ro);
    e.stageEntry("repo1", "main", "a", entry("a"), { force: true });
    e.commit("repo1", "main", { message: "m", force: true });
    e.createBranch("repo1", { name: "b", source: "main", force: true });
    assert.deepEqual(e.deleteEntries("repo1", "main", ["a"]), [
      { path: "a", statusCode: 403, message: "read-only repository" },
    ]);
    e.setReadOnly("repo1", false);
    e.stageEntry("repo1", "main", "b", entry("b"));
    // Read-only repositories can be created on a used namespace (no dummy check).
    e.createRepository({ id: "mirror", storageNamespace: "local://repo1", readOnly: true });
  });

  test("state survives reopening the database", () => {
    repo(f);
    f.engine.stageEntry("repo1", "main", "committed", entry("c"));
    f.engine.commit("repo1", "main", { message: "c" });
    f.engine.stageEntry("repo1", "main", "staged", entry("s2"));
    f.engine.close();
    const again = openEngine(f.dir, { namespaceDir: f.nsDir });
    assert.deepEqual(paths(again.listEntries("repo1", "main")), ["committed", "staged"]);
    assert.equal(again.getEntry("repo1", "main", "staged").etag, "etag-s2");
    assert.deepEqual(paths(again.listEntries("repo1", "main@")), ["committed"]);
    Object.assign(f, { engine: again });
  });

  test("two engines over one data directory see each other's writes and commits", () => {
    repo(f);
    const other = openEngine(f.dir, { namespaceDir: f.nsDir });
    try {
      f.engine.stageEntry("repo1", "main", "a", entry("a"));
      const c = other.commit("repo1", "main", { message: "from the other connection" });
      assert.equal(f.engine.getBranch("repo1", "main").commitId, c.id);
      assert.deepEqual(paths(f.engine.listEntries("repo1", "main@")), ["a"]);
      other.stageEntry("repo1", "main", "b", entry("b"));
      f.engine.commit("repo1", "main", { message: "back" });
      assert.deepEqual(paths(other.listEntries("repo1", "main@")), ["a", "b"]);
      assert.deepEqual(other.diffBranch("repo1", "main").results, []);
    } finally {
      other.close();
    }
  });

  test("refuses a database written by a newer schema", () => {
    f.engine.close();
    const db = openDatabase(f.dir);
    db.exec("UPDATE schema_version SET version = 999");
    assert.throws(() => new Engine({ db, namespaceDir: f.nsDir }), /schema version 999/);
    db.close();
    Object.assign(f, { engine: openEngine(join(f.dir, "fresh"), { namespaceDir: f.nsDir }) });
  });
});

describe("branches", () => {
  beforeEach(() => repo(f));

  test("create, get, list (hidden), delete", () => {
    const e = f.engine;
    const head = e.getBranch("repo1", "main").commitId;
    assert.equal(e.createBranch("repo1", { name: "feature", source: "main" }), head);
    e.createBranch("repo1", { name: "tmp_x", source: head, hidden: true });
    assert.deepEqual(e.getBranch("repo1", "feature"), {
      id: "feature",
      commitId: head,
      hidden: false,
    });
    assert.deepEqual(paths0(e.listBranches("repo1")), ["feature", "main"]);
    assert.deepEqual(paths0(e.listBranches("repo1", { showHidden: true })), [
      "feature",
      "main",
      "tmp_x",
    ]);
    const p = e.listBranches("repo1", { amount: 1 });
    assert.deepEqual([paths0(p), p.hasMore, p.nextOffset], [["feature"], true, "feature"]);
    assert.deepEqual(paths0(e.listBranches("repo1", { after: "feature" })), ["main"]);
    assert.deepEqual(paths0(e.listBranches("repo1", { prefix: "m" })), ["main"]);
    e.deleteBranch("repo1", "feature");
    assert.throws(
      () => e.getBranch("repo1", "feature"),
      engineError("not_found", "branch not found"),
    );
  });

  test("create errors", () => {
    const e = f.engine;
    e.createBranch("repo1", { name: "b1", source: "main" });
    assert.throws(
      () => e.createBranch("repo1", { name: "b1", source: "main" }),
      engineError("conflict", "branch already exists: not unique"),
    );
    assert.throws(
      () => e.createBranch("repo1", { name: "-bad", source: "main" }),
      engineError("bad_request", "argument name: branch id: invalid value: validation error"),
    );
    assert.throws(
      () => e.createBranch("repo1", { name: "a/b", source: "main" }),
      engineError("bad_request"),
    );
    assert.throws(
      () => e.createBranch("repo1", { name: "b2", source: "nothere" }),
      engineError("not_found"),
    );
    assert.throws(
      () => e.createBranch("repo1", { name: "b2", source: "main$" }),
      engineError("bad_request", "reference to staging area with $ is not a commit"),
    );
    assert.throws(
      () => e.createBranch("repo1", { name: "b2", source: "has space" }),
      engineError("bad_request"),
    );
    e.createTag("repo1", { id: "v1", ref: "main" });
    assert.throws(
      () => e.createBranch("repo1", { name: "v1", source: "main" }),
      engineError("conflict", "conflict found"),
    );
    const head = e.getBranch("repo1", "main").commitId;
    assert.throws(
      () => e.createBranch("repo1", { name: head, source: "main" }),
      engineError("conflict", "conflict found"),
    );
    assert.throws(
      () => e.createBranch("nope", { name: "x", source: "main" }),
      engineError("not_found", "repository not found"),
    );
  });

  test("delete refuses the default branch and missing branches; drops staged data", () => {
    const e = f.engine;
    assert.throws(
      () => e.deleteBranch("repo1", "main"),
      engineError("forbidden", "cannot delete repository default branch"),
    );
    assert.throws(
      () => e.deleteBranch("repo1", "ghost"),
      engineError("not_found", "branch not found"),
    );
    e.createBranch("repo1", { name: "b", source: "main" });
    e.stageEntry("repo1", "b", "x", entry("x"));
    e.deleteBranch("repo1", "b");
    e.createBranch("repo1", { name: "b", source: "main" });
    assert.deepEqual(paths(e.listEntries("repo1", "b")), []);
  });

  test("protection rules block staging writes, resets, deletes and commits but not merges", () => {
    const e = f.engine;
    assert.deepEqual(e.getBranchProtectionRules("repo1"), []);
    e.createBranch("repo1", { name: "release-1", source: "main" });
    e.createBranch("repo1", { name: "dev", source: "main" });
    e.stageEntry("repo1", "dev", "f", entry("f"));
    e.commit("repo1", "dev", { message: "dev" });
    e.setBranchProtectionRules("repo1", [{ pattern: "main" }, { pattern: "release-*" }]);
    assert.deepEqual(e.getBranchProtectionRules("repo1"), [
      { pattern: "main" },
      { pattern: "release-*" },
    ]);
    const write = engineError("forbidden", "cannot write to protected branch");
    for (const b of ["main", "release-1"]) {
      assert.throws(() => e.stageEntry("repo1", b, "a", entry("a")), write);
      assert.throws(() => e.deleteEntry("repo1", b, "a"), write);
      assert.throws(() => e.resetBranch("repo1", b, { type: "reset" }), write);
      assert.throws(() => e.updateUserMetadata("repo1", b, "a", {}), write);
      assert.throws(
        () => e.commit("repo1", b, { message: "m", allowEmpty: true }),
        engineError("forbidden", "cannot commit to protected branch"),
      );
    }
    assert.throws(() => e.deleteBranch("repo1", "release-1"), write);
    assert.deepEqual(e.deleteEntries("repo1", "main", ["a"]), [
      { path: "a", statusCode: 403, message: "cannot write to protected branch" },
    ]);
    e.merge("repo1", "dev", "main");
    assert.deepEqual(paths(e.listEntries("repo1", "main")), ["f"]);
    e.setBranchProtectionRules("repo1", []);
    e.stageEntry("repo1", "main", "a", entry("a"));
    assert.throws(
      () => e.setBranchProtectionRules("repo1", [{ pattern: "" }]),
      engineError("bad_request"),
    );
  });
});

describe("tags", () => {
  beforeEach(() => repo(f));

  test("create, get, list, delete", () => {
    const e = f.engine;
    const head = e.getBranch("repo1", "main").commitId;
    assert.deepEqual(e.createTag("repo1", { id: "v1.0", ref: "main" }), {
      id: "v1.0",
      commitId: head,
    });
    e.createTag("repo1", { id: "v2~x", ref: head.slice(0, 10) });
    assert.deepEqual(e.getTag("repo1", "v1.0"), { id: "v1.0", commitId: head });
    assert.deepEqual(paths0(e.listTags("repo1")), ["v1.0", "v2~x"]);
    assert.deepEqual(paths0(e.listTags("repo1", { after: "v1.0" })), ["v2~x"]);
    assert.equal(e.getCommit("repo1", "v1.0").id, head);
    e.deleteTag("repo1", "v1.0");
    assert.throws(() => e.getTag("repo1", "v1.0"), engineError("not_found", "tag not found"));
    assert.throws(() => e.deleteTag("repo1", "v1.0"), engineError("not_found", "tag not found"));
  });

  test("errors: duplicates (force does not overwrite), collisions, invalid ids", () => {
    const e = f.engine;
    e.createTag("repo1", { id: "t", ref: "main" });
    assert.throws(
      () => e.createTag("repo1", { id: "t", ref: "main", force: true }),
      engineError("conflict", "tag already exists: not unique"),
    );
    assert.throws(
      () => e.createTag("repo1", { id: "main", ref: "main" }),
      engineError("conflict", "conflict found"),
    );
    for (const id of ["@", "a.", "a.lock", "a..b", "a/b", "a@{b", "a^b", "a:b", "a b", "a\u0001"]) {
      assert.throws(
        () => e.createTag("repo1", { id, ref: "main" }),
        engineError("bad_request"),
        id,
      );
    }
    assert.throws(() => e.createTag("repo1", { id: "u", ref: "nope" }), engineError("not_found"));
  });
});

function paths0(page: { results: readonly { id: string }[] }): string[] {
  return page.results.map((r) => r.id);
}
