import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Client,
  ConflictError,
  NotFoundError,
  type Repository,
  StoredObject,
  Tag,
  WriteableObject,
} from "lakefs-ts";
import { createRepo, openTarget, type TestTarget } from "../support/lakefs.js";

describe("Tag", () => {
  let target: TestTarget;
  let client: Client;
  let repo: Repository;

  before(async () => {
    target = await openTarget();
    client = target.client();
    repo = await createRepo(target, client);
  });
  after(() => target?.close());

  it("tags a commit, resolves it, and stays put when the branch moves", async () => {
    const main = repo.branch("main");
    const before = await main.getCommit();
    const tag = await repo.tag("v1.0").create(main);
    assert.ok(tag instanceof Tag);
    assert.equal((await tag.getCommit()).id, before.id);
    await main.object("x").upload("x");
    await main.commit("move main");
    assert.equal((await tag.getCommit()).id, before.id);
    assert.deepEqual(
      (await tag.log().toArray()).map((c) => c.id),
      [before.id],
    );
    const obj = tag.object("x");
    assert.ok(obj instanceof StoredObject && !(obj instanceof WriteableObject));
    assert.equal(await obj.exists(), false);
  });

  it("existOk accepts the same target and rejects a different one", async () => {
    const main = repo.branch("main");
    const head = await main.getCommit();
    await repo.tag("same").create(head);
    await assert.rejects(repo.tag("same").create(head), ConflictError);
    await repo.tag("same").create(head.id, { existOk: true });
    await main.object("y").upload("y");
    await main.commit("move again");
    await assert.rejects(repo.tag("same").create(main, { existOk: true }), (e: unknown) => {
      assert.ok(e instanceof ConflictError);
      assert.match(e.message, /already exists at commit/);
      return true;
    });
  });

  it("deletes a tag; a second delete and reads are NotFound", async () => {
    const tag = await repo.tag("gone").create("main");
    await tag.delete();
    await assert.rejects(tag.getCommit(), NotFoundError);
    await assert.rejects(tag.delete(), NotFoundError);
    await assert.rejects(repo.tag("bad").create("no-such-ref"), NotFoundError);
  });
});
