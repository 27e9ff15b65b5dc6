import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BadRequestError,
  type Client,
  ConflictError,
  HookAbortedError,
  NotFoundError,
  PullRequest,
  type Repository,
} from "lakefs-ts";
import { createRepo, openTarget, type TestTarget } from "../support/lakefs.js";

describe("PullRequests", () => {
  let target: TestTarget;
  let client: Client;
  let repo: Repository;

  before(async () => {
    target = await openTarget();
    client = target.client();
    repo = await createRepo(target, client);
  });
  after(() => target?.close());

  it("opens, edits, lists and merges a pull request", async () => {
    const feature = await repo.branch("feature").create("main");
    await feature.object("rows.csv").upload("a,b\n1,2\n");
    await feature.commit("add rows");

    const pr = await repo.pullRequests.create("Add rows", feature, "main", {
      description: "one row",
    });
    assert.ok(pr instanceof PullRequest);
    assert.equal(pr.status, "open");
    assert.equal(pr.title, "Add rows");
    assert.equal(pr.description, "one row");
    assert.equal(pr.sourceBranch, "feature");
    assert.equal(pr.destinationBranch, "main");
    assert.ok(pr.creationDate instanceof Date && !Number.isNaN(pr.creationDate.getTime()));
    assert.equal(pr.mergedCommitId, undefined);
    assert.equal(pr.closedDate, undefined);

    await pr.update({ title: "Add rows (v2)" });
    const edited = await pr.refresh();
    assert.deepEqual([edited.title, edited.description], ["Add rows (v2)", "one row"]);

    const open = await repo.pullRequests.list({ status: "open" }).toArray();
    assert.ok(open.some((p) => p.id === pr.id));

    const commit = await pr.merge();
    assert.equal(commit.message, "Merge 'feature' into 'main'");
    assert.equal((await repo.branch("main").getCommit()).id, commit.id);
    assert.equal(await repo.branch("main").object("rows.csv").text(), "a,b\n1,2\n");

    const merged = await repo.pullRequests.get(pr.id);
    assert.equal(merged.status, "merged");
    assert.equal(merged.mergedCommitId, commit.id);
    assert.ok(merged.closedDate instanceof Date);
    await assert.rejects(merged.merge(), BadRequestError);
    await assert.rejects(merged.reopen(), BadRequestError);
    const closed = await repo.pullRequests.list({ status: "closed" }).toArray();
    assert.ok(closed.some((p) => p.id === pr.id && p.status === "merged"));
  });

  it("closes and reopens; a closed pull request does not merge", async () => {
    await repo.branch("to-close").create("main");
    const pr = await repo.pullRequests.create("t", "to-close", "main");
    await pr.close();
    const closed = await pr.refresh();
    assert.equal(closed.status, "closed");
    assert.ok(closed.closedDate instanceof Date);
    await assert.rejects(closed.merge(), (e: unknown) => {
      assert.ok(e instanceof BadRequestError);
      assert.match(e.message, /bad pull request status/);
      return true;
    });
    await closed.reopen();
    const reopened = await pr.refresh();
    assert.equal(reopened.status, "open");
    assert.equal(reopened.closedDate, undefined);
  });

  it("reports conflicts and hook vetoes as typed errors and stays open", async () => {
    const left = await repo.branch("conflict-left").create("main");
    const right = await repo.branch("conflict-right").create("main");
    await left.object("same.txt").upload("left");
    await left.commit("left");
    await right.object("same.txt").upload("right");
    await right.commit("right");
    await left.mergeInto(right, { strategy: "source-wins" });
    await left.object("same.txt").upload("left again");
    await left.commit("left again");
    await right.object("same.txt").upload("right again");
    await right.commit("right again");
    const pr = await repo.pullRequests.create("conflicting", left, right);
    await assert.rejects(pr.merge(), (e: unknown) => {
      assert.ok(e instanceof ConflictError);
      assert.match(e.message, new RegExp(`conflict merging pull request ${pr.id}`));
      return true;
    });
    assert.equal((await pr.refresh()).status, "open");

    const guarded = await repo.branch("guarded").create("main");
    await guarded
      .object("_lakefs_actions/freeze.yaml")
      .upload(
        [
          "name: freeze",
          "on:",
          "  pre-merge:",
          "hooks:",
          "  - id: freeze",
          "    type: lua",
          "    properties:",
          "      script: |",
          '        error("frozen")',
        ].join("\n"),
      );
    await guarded.commit("add a pre-merge hook");
    const vetoed = await repo.pullRequests.create("vetoed", guarded, "main");
    await assert.rejects(vetoed.merge(), HookAbortedError);
    assert.equal((await vetoed.refresh()).status, "open");
  });

  it("pages lazily newest first, and answers NotFound and bad input", async () => {
    const repo2 = await createRepo(target, client);
    await repo2.branch("src").create("main");
    const made: string[] = [];
    for (let i = 0; i < 3; i++)
      made.push((await repo2.pullRequests.create(`pr${i}`, "src", "main")).id);
    const ids = (await repo2.pullRequests.list({ pageSize: 1 }).toArray()).map((p) => p.id);
    assert.deepEqual(ids, [...made].sort());
    const firstTwo = await repo2.pullRequests.list({ maxAmount: 2 }).toArray();
    assert.equal(firstTwo.length, 2);

    await assert.rejects(repo2.pullRequests.get("no-such-pull"), NotFoundError);
    await assert.rejects(repo2.pullRequests.create("t", "src", "src"), BadRequestError);
    await assert.rejects(repo2.pullRequests.create("t", "nope", "main"), NotFoundError);
    const signal = AbortSignal.abort();
    await assert.rejects(repo2.pullRequests.get(made[0]!, { signal }));
  });
});
