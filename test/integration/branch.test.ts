import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  BadRequestError,
  type Branch,
  type Client,
  ConflictError,
  ImportManager,
  InvalidArgumentError,
  NotFoundError,
  type Repository,
  WriteableObject,
} from "lakefs-ts";
import { createRepo, openTarget, type TestTarget } from "../support/lakefs.js";

describe("Branch", () => {
  let target: TestTarget;
  let client: Client;
  let repo: Repository;
  let main: Branch;

  before(async () => {
    target = await openTarget();
    client = target.client();
  });
  after(() => target?.close());
  beforeEach(async () => {
    repo = await createRepo(target, client);
    main = repo.branch("main");
  });

  const write = (branch: Branch, path: string, data: string) => branch.object(path).upload(data);
  const paths = async (branch: Branch) =>
    (await branch.uncommitted().toArray()).map((c) => `${c.type}:${c.path}`);

  it("creates from a ref; existOk tolerates an existing branch", async () => {
    const dev = await repo.branch("dev").create(main);
    assert.equal((await dev.head()).id, (await main.head()).id);
    await assert.rejects(repo.branch("dev").create("main"), ConflictError);
    await repo.branch("dev").create("main", { existOk: true });
    await assert.rejects(repo.branch("x").create("no-such-ref"), NotFoundError);
  });

  it("commits staged changes with metadata and date, and refuses empty commits", async () => {
    await write(main, "a.txt", "A");
    assert.deepEqual(await paths(main), ["added:a.txt"]);
    const date = new Date("2024-05-06T07:08:09Z");
    const commit = await main.commit("add a", { metadata: { k: "v" }, date });
    assert.equal(commit.message, "add a");
    assert.deepEqual(commit.metadata, { k: "v" });
    assert.equal(commit.creationDate.toISOString(), date.toISOString());
    assert.equal(commit.id.length, 64);
    assert.deepEqual((await main.getCommit()).id, commit.id);
    assert.equal((await main.head()).id, commit.id);
    assert.deepEqual(await paths(main), []);
    await assert.rejects(main.commit("nothing"), (e: unknown) => {
      assert.ok(e instanceof BadRequestError);
      assert.match(e.message, /no changes/);
      return true;
    });
    const empty = await main.commit("empty on purpose", { allowEmpty: true });
    assert.deepEqual(empty.parents, [commit.id]);
  });

  it("merges into another branch; conflicts and dirty destinations are typed errors", async () => {
    const dev = await repo.branch("dev").create(main);
    await write(dev, "f.txt", "dev");
    await dev.commit("dev change");
    const merge = await dev.mergeInto(main, { message: "merge dev" });
    const merged = await main.getCommit();
    assert.deepEqual(merge, merged, "mergeInto returns the merge commit, like commit()");
    assert.equal(merged.message, "merge dev");
    assert.equal(merged.parents.length, 2);

    await write(dev, "c.txt", "dev");
    await dev.commit("dev c");
    await write(main, "c.txt", "main");
    await assert.rejects(dev.mergeInto("main"), (e: unknown) => {
      assert.ok(e instanceof BadRequestError);
      assert.match(e.message, /dirty/);
      return true;
    });
    await main.commit("main c");
    await assert.rejects(dev.mergeInto(main), (e: unknown) => {
      assert.ok(e instanceof ConflictError);
      assert.equal(e.message, "conflict merging dev into main");
      return true;
    });
    const resolved = await dev.mergeInto(main, { strategy: "source-wins" });
    assert.equal((await main.getCommit()).id, resolved.id);
    assert.equal(await main.object("c.txt").text(), "dev");
  });

  it("reverts and cherry-picks commits", async () => {
    await write(main, "r.txt", "1");
    const added = await main.commit("add r");
    const reverted = await main.revert(added);
    assert.match(reverted.message, /^Revert/);
    assert.deepEqual(await main.objects().toArray(), []);
    await assert.rejects(main.revert(added, { parentNumber: -1 }), InvalidArgumentError);

    const dev = await repo.branch("dev").create(main);
    await write(dev, "p.txt", "picked");
    const toPick = await dev.commit("pick me");
    const picked = await main.cherryPick(toPick);
    assert.equal(picked.message, "pick me");
    assert.equal(picked.metadata["cherry-pick-origin"], toPick.id);
    assert.deepEqual(
      (await main.objects().toArray()).map((o) => o.path),
      ["p.txt"],
    );
    await assert.rejects(main.cherryPick("no-such-ref"), NotFoundError);
  });

  it("resets uncommitted changes by object, prefix, or all", async () => {
    await write(main, "foo/a", "1");
    await write(main, "foo/b", "1");
    await write(main, "bar/a", "1");
    await write(main, "top", "1");
    await main.resetChanges({ pathType: "object", path: "bar/a" });
    assert.deepEqual(await paths(main), ["added:foo/a", "added:foo/b", "added:top"]);
    await main.resetChanges({ pathType: "common_prefix", path: "foo/" });
    assert.deepEqual(await paths(main), ["added:top"]);
    await main.resetChanges();
    assert.deepEqual(await paths(main), []);
    await assert.rejects(main.resetChanges({ pathType: "object" }), InvalidArgumentError);
    await assert.rejects(
      main.resetChanges({ pathType: "everything" as "reset" }),
      InvalidArgumentError,
    );
  });

  it("lists uncommitted changes with prefix, delimiter and maxAmount", async () => {
    await write(main, "d/x", "1");
    await write(main, "d/y", "1");
    await write(main, "e", "1");
    assert.deepEqual(
      (await main.uncommitted({ prefix: "d/" }).toArray()).map((c) => c.path),
      ["d/x", "d/y"],
    );
    const grouped = await main.uncommitted({ delimiter: "/" }).toArray();
    assert.deepEqual(
      grouped.map((c) => [c.path, c.pathType]),
      [
        ["d/", "common_prefix"],
        ["e", "object"],
      ],
    );
    assert.equal((await main.uncommitted({ maxAmount: 1 }).toArray()).length, 1);
  });

  it("deletes objects in batches of 1000, accepting handles and missing paths", async () => {
    const many = Array.from({ length: 1005 }, (_, i) => `bulk/${String(i).padStart(4, "0")}`);
    for (const p of many.slice(0, 3)) await write(main, p, "x");
    await write(main, "keep", "x");
    await main.deleteObjects([...many, main.object("keep")]);
    assert.deepEqual(await paths(main), []);
    await write(main, "single", "x");
    await main.deleteObjects("single");
    assert.deepEqual(await paths(main), []);
    await assert.rejects(main.deleteObjects([""]), InvalidArgumentError);
  });

  it("hard-resets to an earlier commit and deletes branches", async () => {
    const first = await main.getCommit();
    await write(main, "h", "1");
    await main.commit("h");
    await main.hardReset(first);
    assert.equal((await main.head()).id, first.id);
    const dev = await repo.branch("dev").create(main);
    await dev.delete();
    await assert.rejects(dev.head(), NotFoundError);
    await assert.rejects(dev.delete(), NotFoundError);
  });

  it("hands out writable object handles and import managers without requests", () => {
    assert.ok(main.object("p") instanceof WriteableObject);
    assert.ok(main.importData({ commitMessage: "m" }) instanceof ImportManager);
    assert.throws(() => main.object(""), InvalidArgumentError);
  });
});

describe("Branch options", () => {
  let target: TestTarget;
  let client: Client;
  before(async () => {
    target = await openTarget();
    client = target.client();
  });
  after(() => target?.close());

  it("squash-merges, allows empty merges, and overrides revert / cherry-pick commits", async () => {
    const repo = await createRepo(target, client);
    const main = repo.branch("main");
    const dev = await repo.branch("dev").create(main);
    await dev.object("s1").upload("1");
    await dev.commit("s1");
    await dev.object("s2").upload("2");
    await dev.commit("s2");
    await dev.mergeInto(main, { squashMerge: true, message: "squashed", metadata: { k: "v" } });
    const squashed = await main.getCommit();
    assert.equal(squashed.message, "squashed");
    assert.equal(squashed.metadata.k, "v");
    assert.equal(squashed.parents.length, 1);

    const same = await repo.branch("same").create(main);
    await assert.rejects(same.mergeInto(main), BadRequestError);
    const emptyMerge = await same.mergeInto(main, { allowEmpty: true });
    assert.equal((await main.getCommit()).id, emptyMerge.id);
    assert.equal(emptyMerge.parents.length, 2);

    const reverted = await main.revert(squashed, { commitOverrides: { message: "undo squash" } });
    assert.equal(reverted.message, "undo squash");
    const picked = await main.cherryPick(squashed, {
      commitOverrides: { message: "redo", metadata: { again: "yes" } },
    });
    assert.equal(picked.message, "redo");
    assert.equal(picked.metadata.again, "yes");
  });
});
