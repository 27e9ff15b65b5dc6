import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  BadRequestError,
  type Client,
  ConflictError,
  ImportManagerError,
  InvalidArgumentError,
  PermissionError,
  type Repository,
} from "lakefs-ts";
import { createRepo, needsEmbedded, openTarget, type TestTarget } from "../support/lakefs.js";

describe("ImportManager", { skip: needsEmbedded }, () => {
  let target: TestTarget;
  let client: Client;
  let repo: Repository;
  const source = mkdtempSync(join(tmpdir(), "lakefs-import-src-"));

  before(async () => {
    mkdirSync(join(source, "data/sub"), { recursive: true });
    writeFileSync(join(source, "data/one.csv"), "1");
    writeFileSync(join(source, "data/sub/two.csv"), "22");
    writeFileSync(join(source, "single.txt"), "single");
    target = await openTarget({ importRoots: [source] });
    client = target.client();
    repo = await createRepo(target, client);
  });
  after(async () => {
    await target?.close();
    rmSync(source, { recursive: true, force: true });
  });

  it("imports a prefix and an object as one commit", async () => {
    const branch = await repo.branch("imports").create("main");
    const manager = branch
      .importData({ commitMessage: "import data", metadata: { origin: "test" } })
      .prefix(`local://${source}/data/`, "imported/")
      .object(`local://${source}/single.txt`, "one/single.txt");
    assert.deepEqual(manager.sources, [
      { type: "prefix", uri: `local://${source}/data/`, destination: "imported/" },
      { type: "object", uri: `local://${source}/single.txt`, destination: "one/single.txt" },
    ]);
    const status = await manager.run({ pollInterval: 20 });
    assert.equal(status.completed, true);
    assert.equal(status.ingestedObjects, 3);
    assert.equal(status.commit?.message, "import data");
    assert.deepEqual(status.commit?.metadata.origin, "test");
    assert.ok(status.updateTime instanceof Date);
    assert.equal((await branch.getCommit()).id, status.commit?.id);
    assert.deepEqual(
      (await branch.objects().toArray()).map((o) => o.path),
      ["imported/one.csv", "imported/sub/two.csv", "one/single.txt"],
    );
    assert.equal(await branch.object("imported/sub/two.csv").text(), "22");
    assert.equal((await manager.status()).completed, true);
    await assert.rejects(manager.cancel(), ConflictError);
  });

  it("runs once, and refuses sources after start", async () => {
    const branch = await repo.branch("once").create("main");
    const manager = branch.importData().prefix(`local://${source}/data/`, "d/");
    await assert.rejects(manager.wait(), /No import in progress/);
    await assert.rejects(manager.status(), ImportManagerError);
    await assert.rejects(manager.cancel(), ImportManagerError);
    const id = await manager.start();
    assert.equal(manager.importId, id);
    assert.throws(() => manager.object(`local://${source}/single.txt`, "x"), ImportManagerError);
    await assert.rejects(manager.start(), /Import in progress/);
    await manager.wait({ pollInterval: 10 });
    await assert.rejects(manager.start(), /can only be used once/);
    await assert.rejects(manager.wait({ pollInterval: 0 }), InvalidArgumentError);
  });

  it("refuses sources outside the import roots", async () => {
    const branch = await repo.branch("failing").create("main");
    const outside = branch.importData().prefix("local:///etc/", "etc/");
    await assert.rejects(outside.run({ pollInterval: 10 }), (e: unknown) => {
      assert.ok(e instanceof BadRequestError);
      assert.match(e.message, /invalid import source/);
      return true;
    });
    assert.throws(() => branch.importData().prefix("", "x"), InvalidArgumentError);
  });

  it("lands one empty commit for an import with no sources, as lakeFS does", async () => {
    const branch = await repo.branch("no-sources").create("main");
    const head = (await branch.getCommit()).id;
    const status = await branch.importData({ commitMessage: "nothing" }).run({ pollInterval: 10 });
    assert.equal(status.completed, true);
    assert.equal(status.ingestedObjects, 0);
    const commit = await branch.getCommit();
    assert.equal(commit.message, "nothing");
    assert.deepEqual(commit.parents, [head]);
  });

  it("fails the import, landing nothing, when an object source is a directory", async () => {
    const branch = await repo.branch("object-is-dir").create("main");
    const head = (await branch.getCommit()).id;
    const manager = branch.importData().object(`local://${source}/data`, "x");
    await manager.start();
    await assert.rejects(manager.wait({ pollInterval: 10 }), (e: unknown) => {
      assert.ok(e instanceof ImportManagerError);
      assert.match(e.message, /import error/i);
      return true;
    });
    const status = await manager.status();
    assert.equal(status.completed, false);
    assert.ok(status.error);
    assert.equal((await branch.getCommit()).id, head);
  });

  it("stops waiting when the signal aborts (the import keeps its id)", async () => {
    const branch = await repo.branch("abort").create("main");
    const manager = branch.importData().prefix(`local://${source}/data/`, "a/");
    await manager.start();
    const controller = new AbortController();
    const reason = new Error("stop waiting");
    controller.abort(reason);
    await assert.rejects(manager.wait({ signal: controller.signal }), (e: unknown) => e === reason);
    assert.ok(manager.importId);
    const status = await manager.wait({ pollInterval: 10 });
    assert.equal(status.completed, true);
  });
});

describe("ImportManager without import roots", { skip: needsEmbedded }, () => {
  it("surfaces the server's refusal", async () => {
    const target = await openTarget();
    try {
      const repo = await createRepo(target, target.client());
      await assert.rejects(
        repo.branch("main").importData().prefix("local:///tmp/", "x/").start(),
        PermissionError,
      );
    } finally {
      await target.close();
    }
  });
});
