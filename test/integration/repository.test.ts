import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BadRequestError,
  Client,
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  PermissionError,
  Repository,
  repository,
} from "lakefs-ts";
import { openTarget, type TestTarget } from "../support/lakefs.js";

describe("Repository", () => {
  let target: TestTarget;
  let client: Client;
  before(async () => {
    target = await openTarget();
    client = target.client();
  });
  after(() => target?.close());

  it("creates a repository and reads its properties and metadata", async () => {
    const { name, storageNamespace } = target.newRepo();
    const repo = await repository(name, { client }).create(storageNamespace, {
      defaultBranch: "trunk",
    });
    assert.ok(repo instanceof Repository);
    const props = await repo.properties();
    assert.equal(props.id, name);
    assert.equal(props.defaultBranch, "trunk");
    assert.equal(props.storageNamespace, storageNamespace);
    assert.equal(props.storageId, "");
    assert.equal(props.readOnly, false);
    assert.ok(props.creationDate instanceof Date && !Number.isNaN(props.creationDate.getTime()));
    assert.deepEqual(await repo.metadata(), {});
    assert.equal(String(repo), name);
    const [initial] = await repo.branch("trunk").log().toArray();
    assert.equal(initial?.message, "Repository created");
  });

  it("existOk accepts the same repository and rejects a different one", async () => {
    const { name, storageNamespace } = target.newRepo();
    const repo = repository(name, { client });
    await repo.create(storageNamespace);
    await assert.rejects(repo.create(storageNamespace), ConflictError);
    await repo.create(storageNamespace, { existOk: true });
    await assert.rejects(
      repo.create(storageNamespace, { existOk: true, defaultBranch: "other" }),
      (e: unknown) => {
        assert.ok(e instanceof ConflictError);
        assert.match(e.message, /default branch main/);
        return true;
      },
    );
    await assert.rejects(
      repo.create(`${storageNamespace}-elsewhere`, { existOk: true }),
      /storage namespace/,
    );
  });

  it("creates a bare repository without the initial commit's branch content", async () => {
    const { name, storageNamespace } = target.newRepo();
    const repo = await repository(name, { client }).create(storageNamespace, { bare: true });
    assert.equal((await repo.properties()).id, name);
  });

  it("lists branches and tags, hiding hidden branches unless asked", async () => {
    const { name, storageNamespace } = target.newRepo();
    const repo = await repository(name, { client }).create(storageNamespace);
    await repo.branch("b1").create("main");
    await repo.branch("b2").create("main");
    await repo.branch("secret").create("main", { hidden: true });
    await repo.tag("v1").create("main");
    const branches = (await repo.branches().toArray()).map((b) => b.id);
    assert.deepEqual(branches, ["b1", "b2", "main"]);
    const withHidden = (await repo.branches({ showHidden: true }).toArray()).map((b) => b.id);
    assert.ok(withHidden.includes("secret"));
    assert.deepEqual(
      (await repo.branches({ prefix: "b", after: "b1" }).toArray()).map((b) => b.id),
      ["b2"],
    );
    assert.deepEqual(
      (await repo.branches({ maxAmount: 1 }).toArray()).map((b) => b.id),
      ["b1"],
    );
    assert.deepEqual(
      (await repo.tags().toArray()).map((t) => t.id),
      ["v1"],
    );
    assert.equal(repo.ref("main~0").id, "main~0");
    assert.equal(repo.commit("abc").id, "abc");
  });

  it("refuses writes to a read-only repository unless forced", async () => {
    const { name, storageNamespace } = target.newRepo();
    const repo = await repository(name, { client }).create(storageNamespace, { readOnly: true });
    assert.equal((await repo.properties()).readOnly, true);
    await assert.rejects(repo.branch("b").create("main"), PermissionError);
    await repo.branch("b").create("main", { force: true });
    await assert.rejects(repo.tag("t").create("main"), PermissionError);
    await repo.tag("t").create("main", { force: true });
    await repo.tag("t").delete({ force: true });
    await repo.branch("b").delete({ force: true });
    await assert.rejects(repo.branch("main").commit("x", { allowEmpty: true }), PermissionError);
    await repo.branch("main").commit("x", { allowEmpty: true, force: true });
  });

  it("deletes a repository; afterwards it is not found", async () => {
    const { name, storageNamespace } = target.newRepo();
    const repo = await repository(name, { client }).create(storageNamespace);
    await repo.delete();
    await assert.rejects(repo.properties(), NotFoundError);
    await assert.rejects(repo.delete(), NotFoundError);
    await assert.rejects(repo.metadata(), NotFoundError);
  });

  it("reports server-side validation and rejects bad arguments before sending", async () => {
    const { name } = target.newRepo();
    // These requests break the swagger patterns on purpose, so they bypass the contract check.
    const unchecked = new Client({
      endpoint: target.endpoint,
      credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    });
    await assert.rejects(
      repository(name, { client: unchecked }).create("nope://x"),
      BadRequestError,
    );
    assert.throws(() => repository("", { client }), InvalidArgumentError);
    await assert.rejects(repository(name, { client }).create(""), InvalidArgumentError);
    await assert.rejects(
      repository("Bad Name!", { client: unchecked }).create("local://bad"),
      BadRequestError,
    );
  });
});
