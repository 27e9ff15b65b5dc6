import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openApi, type TestApi } from "./http-helpers.js";

describe("HTTP branches, commits, tags, diffs and merges", () => {
  let api: TestApi;
  before(async () => {
    api = await openApi();
  });
  after(() => api?.close());

  const ids = (r: { json: { results: { id: string }[] } }) => r.json.results.map((x) => x.id);

  it("creates branches (201, commit id as text), gets, lists and deletes them", async () => {
    const repo = await api.createRepo("ver-branches");
    const main = await api.call("GET", `/repositories/${repo}/branches/main`);
    const created = await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "dev", source: "main" },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(created.text, main.json.commit_id);

    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "hidden-1", source: "main", hidden: true },
    });
    const listed = await api.call("GET", `/repositories/${repo}/branches`);
    assert.deepEqual(ids(listed), ["dev", "main"]);
    const all = await api.call("GET", `/repositories/${repo}/branches?show_hidden=true`);
    assert.deepEqual(ids(all), ["dev", "hidden-1", "main"]);

    const dup = await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "dev", source: "main" },
    });
    assert.equal(dup.status, 409);
    const badName = await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "-bad", source: "main" },
    });
    assert.equal(badName.status, 400);
    const badSource = await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "x", source: "no-such-ref" },
    });
    assert.equal(badSource.status, 404);
    const noRepo = await api.call("GET", "/repositories/no-such-repo/branches/main");
    assert.equal(noRepo.status, 404);
    const noBranch = await api.call("GET", `/repositories/${repo}/branches/nope`);
    assert.deepEqual([noBranch.status, noBranch.json.message], [404, "branch not found"]);

    const delDefault = await api.call("DELETE", `/repositories/${repo}/branches/main`);
    assert.equal(delDefault.status, 403);
    const del = await api.call("DELETE", `/repositories/${repo}/branches/dev`);
    assert.equal(del.status, 204);
    assert.equal((await api.call("GET", `/repositories/${repo}/branches/dev`)).status, 404);
  });

  it("commits, logs and gets commits; an empty commit is a 400", async () => {
    const repo = await api.createRepo("ver-commits");
    await api.upload(repo, "main", "a.txt", "A");
    const commit = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: { message: "add a", metadata: { k: "v" } },
    });
    assert.equal(commit.status, 201);
    assert.equal(commit.json.message, "add a");
    assert.equal(commit.json.committer, "quickstart");
    assert.deepEqual(commit.json.metadata, { k: "v" });
    assert.match(commit.json.id, /^[0-9a-f]{64}$/);

    const got = await api.call("GET", `/repositories/${repo}/commits/${commit.json.id}`);
    assert.deepEqual(got.json, commit.json);
    const missing = await api.call("GET", `/repositories/${repo}/commits/${"0".repeat(64)}`);
    assert.equal(missing.status, 404);

    const empty = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: { message: "nothing" },
    });
    assert.deepEqual([empty.status, empty.json.message], [400, "commit: no changes"]);
    const noMessage = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: {},
      contract: false,
    });
    assert.equal(noMessage.status, 400);

    const log = await api.call("GET", `/repositories/${repo}/refs/main/commits?amount=1`);
    assert.deepEqual(ids(log), [commit.json.id]);
    assert.equal(log.json.pagination.has_more, true);
    const byObject = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/commits?objects=a.txt&objects=b.txt`,
    );
    assert.deepEqual(ids(byObject), [commit.json.id]);
    const since = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/commits?since=${encodeURIComponent("2000-01-01T00:00:00Z")}`,
    );
    assert.equal(since.json.results.length, 2);
    const badSince = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/commits?since=yesterday`,
      {
        contract: false,
      },
    );
    assert.equal(badSince.status, 400);
  });

  it("lists uncommitted changes, resets them, and hard-resets to a commit", async () => {
    const repo = await api.createRepo("ver-reset");
    await api.upload(repo, "main", "keep.txt", "K");
    const first = await api.commit(repo, "main", "first");
    await api.upload(repo, "main", "x/one.txt", "1");
    await api.upload(repo, "main", "x/two.txt", "2");
    await api.upload(repo, "main", "y.txt", "Y");

    const diff = await api.call("GET", `/repositories/${repo}/branches/main/diff`);
    assert.deepEqual(
      diff.json.results.map((d: { path: string; type: string }) => [d.path, d.type]),
      [
        ["x/one.txt", "added"],
        ["x/two.txt", "added"],
        ["y.txt", "added"],
      ],
    );
    const grouped = await api.call("GET", `/repositories/${repo}/branches/main/diff?delimiter=/`);
    assert.deepEqual(
      grouped.json.results.map((d: { path: string }) => d.path),
      ["x/", "y.txt"],
    );

    const resetObject = await api.call("PUT", `/repositories/${repo}/branches/main`, {
      json: { type: "object", path: "y.txt" },
    });
    assert.equal(resetObject.status, 204);
    const resetPrefix = await api.call("PUT", `/repositories/${repo}/branches/main`, {
      json: { type: "common_prefix", path: "x/" },
    });
    assert.equal(resetPrefix.status, 204);
    const clean = await api.call("GET", `/repositories/${repo}/branches/main/diff`);
    assert.deepEqual(clean.json.results, []);
    const badType = await api.call("PUT", `/repositories/${repo}/branches/main`, {
      json: { type: "everything" },
      contract: false,
    });
    assert.equal(badType.status, 400);

    await api.upload(repo, "main", "later.txt", "L");
    await api.commit(repo, "main", "second");
    const hard = await api.call(
      "PUT",
      `/repositories/${repo}/branches/main/hard_reset?ref=${first.id}`,
    );
    assert.equal(hard.status, 204);
    const head = await api.call("GET", `/repositories/${repo}/branches/main`);
    assert.equal(head.json.commit_id, first.id);
    const noRef = await api.call("PUT", `/repositories/${repo}/branches/main/hard_reset`, {
      contract: false,
    });
    assert.equal(noRef.status, 400);
  });

  it("creates, gets, lists and deletes tags", async () => {
    const repo = await api.createRepo("ver-tags");
    const head = await api.call("GET", `/repositories/${repo}/branches/main`);
    const tag = await api.call("POST", `/repositories/${repo}/tags`, {
      json: { id: "v1", ref: "main" },
    });
    assert.equal(tag.status, 201);
    assert.deepEqual(tag.json, { id: "v1", commit_id: head.json.commit_id });
    const dup = await api.call("POST", `/repositories/${repo}/tags`, {
      json: { id: "v1", ref: "main" },
    });
    assert.equal(dup.status, 409);
    const bad = await api.call("POST", `/repositories/${repo}/tags`, {
      json: { id: "a..b", ref: "main" },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual((await api.call("GET", `/repositories/${repo}/tags/v1`)).json, tag.json);
    assert.deepEqual(ids(await api.call("GET", `/repositories/${repo}/tags`)), ["v1"]);
    const log = await api.call("GET", `/repositories/${repo}/refs/v1/commits`);
    assert.equal(log.json.results[0].id, head.json.commit_id);
    assert.equal((await api.call("DELETE", `/repositories/${repo}/tags/v1`)).status, 204);
    const gone = await api.call("GET", `/repositories/${repo}/tags/v1`);
    assert.deepEqual([gone.status, gone.json.message], [404, "tag not found"]);
  });

  it("diffs refs, finds the merge base and merges (with and without a body)", async () => {
    const repo = await api.createRepo("ver-merge");
    const base = await api.call("GET", `/repositories/${repo}/branches/main`);
    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "a", source: "main" },
    });
    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "b", source: "main" },
    });
    await api.upload(repo, "a", "from-a.txt", "A");
    const aCommit = await api.commit(repo, "a", "on a");

    const diff = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/diff/a?include_right_stats=true`,
    );
    assert.equal(diff.status, 200);
    assert.equal(diff.json.results.length, 1);
    assert.equal(diff.json.results[0].path, "from-a.txt");
    assert.equal(diff.json.results[0].type, "added");
    assert.equal(diff.json.results[0].right.checksum, "7fc56270e7a70fa81a5935b72eacbe29");
    const badType = await api.call("GET", `/repositories/${repo}/refs/main/diff/a?type=four_dot`, {
      contract: false,
    });
    assert.equal(badType.status, 400);

    const mergeBase = await api.call("GET", `/repositories/${repo}/refs/a/merge/main`);
    assert.deepEqual(mergeBase.json, {
      base_commit_id: base.json.commit_id,
      source_commit_id: aCommit.id,
      destination_commit_id: base.json.commit_id,
    });

    const merged = await api.call("POST", `/repositories/${repo}/refs/a/merge/main`, {
      contract: false,
    });
    assert.equal(merged.status, 200, merged.text);
    assert.match(merged.json.reference, /^[0-9a-f]{64}$/);
    const mergeCommit = await api.call(
      "GET",
      `/repositories/${repo}/commits/${merged.json.reference}`,
    );
    assert.deepEqual(mergeCommit.json.parents, [base.json.commit_id, aCommit.id]);
    assert.equal(mergeCommit.json.message, "Merge 'a' into 'main'");

    const again = await api.call("POST", `/repositories/${repo}/refs/a/merge/main`, { json: {} });
    assert.deepEqual([again.status, again.json.message], [400, "update branch main: no changes"]);
    const badStrategy = await api.call("POST", `/repositories/${repo}/refs/a/merge/main`, {
      json: { strategy: "default", allow_empty: true },
    });
    assert.equal(badStrategy.status, 400);
  });

  it("answers a merge conflict with 409 and a MergeResult body; strategies resolve it", async () => {
    const repo = await api.createRepo("ver-conflict");
    await api.upload(repo, "main", "f.txt", "base");
    await api.commit(repo, "main", "base");
    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "b", source: "main" },
    });
    await api.upload(repo, "main", "f.txt", "main side");
    await api.commit(repo, "main", "main side");
    await api.upload(repo, "b", "f.txt", "b side");
    await api.commit(repo, "b", "b side");

    const conflict = await api.call("POST", `/repositories/${repo}/refs/b/merge/main`, {
      json: { message: "try" },
    });
    assert.equal(conflict.status, 409);
    assert.deepEqual(conflict.json, { reference: "" });
    const diff = await api.call("GET", `/repositories/${repo}/refs/main/diff/b`);
    assert.deepEqual(
      diff.json.results.map((d: { type: string }) => d.type),
      ["conflict"],
    );

    const dirty = await api.upload(repo, "main", "dirty.txt", "d");
    assert.ok(dirty);
    const refused = await api.call("POST", `/repositories/${repo}/refs/b/merge/main`, {
      json: { strategy: "source-wins" },
    });
    assert.deepEqual(
      [refused.status, refused.json.message],
      [400, "uncommitted changes (dirty branch)"],
    );
    await api.call("PUT", `/repositories/${repo}/branches/main`, { json: { type: "reset" } });
    const resolved = await api.call("POST", `/repositories/${repo}/refs/b/merge/main`, {
      json: { strategy: "source-wins" },
    });
    assert.equal(resolved.status, 200);
    const read = await api.call("GET", `/repositories/${repo}/refs/main/objects?path=f.txt`);
    assert.equal(read.text, "b side");
  });

  it("reverts (204) and cherry-picks (201 Commit)", async () => {
    const repo = await api.createRepo("ver-revert");
    await api.upload(repo, "main", "r.txt", "R");
    const added = await api.commit(repo, "main", "add r");
    const revert = await api.call("POST", `/repositories/${repo}/branches/main/revert`, {
      json: { ref: added.id, parent_number: 0 },
    });
    assert.equal(revert.status, 204);
    assert.equal(revert.text, "");
    const stat = await api.call("GET", `/repositories/${repo}/refs/main/objects/stat?path=r.txt`);
    assert.equal(stat.status, 404);
    const noParent = await api.call("POST", `/repositories/${repo}/branches/main/revert`, {
      json: { ref: added.id },
      contract: false,
    });
    assert.equal(noParent.status, 400);

    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "pick", source: "main" },
    });
    const picked = await api.call("POST", `/repositories/${repo}/branches/pick/cherry-pick`, {
      json: { ref: added.id },
    });
    assert.equal(picked.status, 201);
    assert.equal(picked.json.message, "add r");
    assert.equal(picked.json.committer, "quickstart");
    const back = await api.call("GET", `/repositories/${repo}/refs/pick/objects?path=r.txt`);
    assert.equal(back.text, "R");
    const missing = await api.call("POST", `/repositories/${repo}/branches/pick/cherry-pick`, {
      json: { ref: "no-such-ref" },
    });
    assert.equal(missing.status, 404);
  });
});
