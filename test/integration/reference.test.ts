import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Branch,
  type Client,
  InvalidArgumentError,
  NotFoundError,
  type ObjectInfo,
  Reference,
  type Repository,
  StoredObject,
  WriteableObject,
} from "lakefs-ts";
import { createRepo, openTarget, type TestTarget } from "../support/lakefs.js";

describe("Reference", () => {
  let target: TestTarget;
  let client: Client;
  let repo: Repository;
  let main: Branch;
  const commits: string[] = [];

  before(async () => {
    target = await openTarget();
    client = target.client();
    repo = await createRepo(target, client);
    main = repo.branch("main");
    // History: created → c1 (a, dir/x) → c2 (b, dir/y; a changed) → c3 (dir/x removed)
    await main.object("a").upload("1");
    await main.object("dir/x").upload("x");
    commits.push((await main.commit("c1")).id);
    await main.object("b").upload("2");
    await main.object("a").upload("changed");
    await main.object("dir/y").upload("y", { metadata: { owner: "me" } });
    commits.push((await main.commit("c2")).id);
    await main.deleteObjects("dir/x");
    commits.push((await main.commit("c3")).id);
  });
  after(() => target?.close());

  it("resolves ref expressions to commits", async () => {
    assert.equal((await repo.ref("main").getCommit()).id, commits[2]);
    assert.equal((await repo.ref("main~1").getCommit()).id, commits[1]);
    assert.equal((await repo.ref("main^").getCommit()).id, commits[1]);
    assert.equal((await repo.commit(commits[0]!).getCommit()).message, "c1");
    await assert.rejects(repo.ref("nope").getCommit(), NotFoundError);
  });

  it("logs newest first with maxAmount, after, and path filters", async () => {
    const all = await main.log().toArray();
    assert.deepEqual(
      all.map((c) => c.message),
      ["c3", "c2", "c1", "Repository created"],
    );
    assert.ok(all.every((c) => c.creationDate instanceof Date));
    assert.deepEqual(
      (await main.log({ maxAmount: 2 }).toArray()).map((c) => c.message),
      ["c3", "c2"],
    );
    assert.deepEqual(
      (await main.log({ after: commits[2], maxAmount: 1 }).toArray()).map((c) => c.message),
      ["c2"],
    );
    assert.deepEqual(
      (await main.log({ objects: ["b"] }).toArray()).map((c) => c.message),
      ["c2"],
    );
    assert.deepEqual(
      (await main.log({ prefixes: ["dir/"] }).toArray()).map((c) => c.message),
      ["c3", "c2", "c1"],
    );
    assert.deepEqual(
      (await main.log({ stopAt: commits[1] }).toArray()).map((c) => c.message),
      ["c3", "c2"],
    );
    assert.deepEqual(await main.log({ since: new Date(Date.now() + 3_600_000) }).toArray(), []);
    assert.equal((await main.log({ since: new Date(0) }).toArray()).length, 4);
    assert.deepEqual(
      (await main.log({ firstParent: true, maxAmount: 1 }).toArray()).map((c) => c.message),
      ["c3"],
    );
    const pages = [];
    for await (const page of main.log({ pageSize: 3 }).pages()) pages.push(page);
    assert.deepEqual(
      pages.map((p) => p.items.length),
      [3, 1],
    );
    assert.equal(pages[0]?.nextOffset, commits[0]);
  });

  it("diffs two refs (three-dot by default) with prefix and delimiter", async () => {
    const changes = await repo.ref(commits[0]!).diff(main).toArray();
    assert.deepEqual(
      changes.map((c) => [c.type, c.path]),
      [
        ["changed", "a"],
        ["added", "b"],
        ["removed", "dir/x"],
        ["added", "dir/y"],
      ],
    );
    assert.deepEqual(
      (await repo.ref(commits[0]!).diff(main, { prefix: "dir/" }).toArray()).length,
      2,
    );
    const grouped = await repo.ref(commits[0]!).diff("main", { delimiter: "/" }).toArray();
    assert.deepEqual(
      grouped.map((c) => [c.type, c.path, c.pathType]),
      [
        ["changed", "a", "object"],
        ["added", "b", "object"],
        ["prefix_changed", "dir/", "common_prefix"],
      ],
    );
    assert.deepEqual(await main.diff(main).toArray(), []);
    await assert.rejects(main.diff("nope").toArray(), NotFoundError);
  });

  it("lists objects with metadata, prefixes and paging", async () => {
    const objects = await main.objects().toArray();
    assert.deepEqual(
      objects.map((o) => o.path),
      ["a", "b", "dir/y"],
    );
    const y = objects[2] as ObjectInfo;
    assert.equal(y.kind, "object");
    assert.equal(y.sizeBytes, 1);
    assert.deepEqual(y.metadata, { owner: "me" });
    assert.ok(y.mtime instanceof Date);
    const top = await main.objects({ delimiter: "/" }).toArray();
    assert.deepEqual(
      top.map((o) => [o.kind, o.path]),
      [
        ["object", "a"],
        ["object", "b"],
        ["common_prefix", "dir/"],
      ],
    );
    assert.deepEqual(
      (await main.objects({ prefix: "dir/" }).toArray()).map((o) => o.path),
      ["dir/y"],
    );
    assert.deepEqual(
      (await main.objects({ after: "a", maxAmount: 1 }).toArray()).map((o) => o.path),
      ["b"],
    );
    assert.deepEqual(
      (await repo.ref(commits[0]!).objects().toArray()).map((o) => o.path),
      ["a", "dir/x"],
    );
  });

  it("hands out read-only object handles on non-branch refs", async () => {
    const tagged = repo.ref(commits[0]!);
    const obj = tagged.object("a");
    assert.ok(obj instanceof StoredObject && !(obj instanceof WriteableObject));
    assert.equal(await obj.text(), "1");
    assert.ok(main.object("a") instanceof WriteableObject);
  });

  it("validates ids before any request", () => {
    assert.throws(() => new Reference("", "main", { client }), InvalidArgumentError);
    assert.throws(() => new Reference("r", "", { client }), InvalidArgumentError);
    assert.throws(() => main.diff(""), InvalidArgumentError);
    assert.equal(String(repo.ref("main")), "main");
  });
});
