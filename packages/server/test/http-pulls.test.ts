/**
 * Pull requests (`…/pulls`, issue #11 item 9): create, list with status filter and paging, get,
 * update and merge, with lakeFS's statuses, messages and shapes.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { openApi, type TestApi, tempDataDir } from "./http-helpers.js";

describe("HTTP pull requests", () => {
  let api: TestApi;
  before(async () => {
    api = await openApi();
  });
  after(() => api?.close());

  const branch = async (repo: string, name: string, source = "main") => {
    const r = await api.call("POST", `/repositories/${repo}/branches`, { json: { name, source } });
    assert.equal(r.status, 201, r.text);
  };
  const create = (repo: string, json: Record<string, unknown>, contract = true) =>
    api.call("POST", `/repositories/${repo}/pulls`, { json, contract });

  it("creates, gets and lists a pull request in lakeFS's shape", async () => {
    const repo = await api.createRepo("pulls-basic");
    await branch(repo, "feature");
    const created = await create(repo, {
      title: "Add data",
      description: "new rows",
      source_branch: "feature",
      destination_branch: "main",
    });
    assert.equal(created.status, 201);
    const { id } = created.json;
    // A descending xid: 20 base32hex characters.
    assert.match(id, /^[0-9a-v]{20}$/);

    const got = await api.call("GET", `/repositories/${repo}/pulls/${id}`);
    assert.equal(got.status, 200);
    const { creation_date, ...rest } = got.json;
    assert.deepEqual(rest, {
      id,
      status: "open",
      title: "Add data",
      description: "new rows",
      author: "quickstart",
      source_branch: "feature",
      destination_branch: "main",
    });
    assert.ok(Math.abs(Date.parse(creation_date) - Date.now()) < 3_600_000, creation_date);

    const listed = await api.call("GET", `/repositories/${repo}/pulls`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json.results, [got.json]);
    assert.equal(listed.json.pagination.has_more, false);

    // The description is optional and defaults to "".
    const bare = await create(repo, {
      title: "t",
      source_branch: "feature",
      destination_branch: "main",
    });
    assert.equal(bare.status, 201);
    const bareGot = await api.call("GET", `/repositories/${repo}/pulls/${bare.json.id}`);
    assert.equal(bareGot.json.description, "");
  });

  it("validates creation as lakeFS does", async () => {
    const repo = await api.createRepo("pulls-create-bad");
    await branch(repo, "feature");
    const ok = { title: "t", source_branch: "feature", destination_branch: "main" };

    for (const missing of ["title", "source_branch", "destination_branch"]) {
      const json: Record<string, unknown> = { ...ok };
      delete json[missing];
      const r = await create(repo, json, false);
      assert.equal(r.status, 400, missing);
      assert.match(r.json.message, new RegExp(`"${missing}"`));
    }
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...ok, title: "" }, 400, "argument title: required value: validation error"],
      [{ ...ok, source_branch: "" }, 400, "argument src: required value: validation error"],
      [{ ...ok, destination_branch: "" }, 400, "argument dest: required value: validation error"],
      [
        { ...ok, source_branch: "bad name" },
        400,
        "argument src: branch id: invalid value: validation error",
      ],
      [{ ...ok, source_branch: "main" }, 400, "same branch validation error"],
      [{ ...ok, source_branch: "nope" }, 404, "branch not found"],
      [{ ...ok, destination_branch: "nope" }, 404, "branch not found"],
    ];
    for (const [json, status, message] of cases) {
      const r = await create(repo, json, status !== 400);
      assert.deepEqual([r.status, r.json.message], [status, message], JSON.stringify(json));
    }
    const badType = await create(repo, { ...ok, title: 7 }, false);
    assert.equal(badType.status, 400);
    const noRepo = await create("no-such-repo", ok);
    assert.deepEqual([noRepo.status, noRepo.json.message], [404, "repository not found"]);

    // Two pull requests for the same pair are allowed (lakeFS does not check).
    assert.equal((await create(repo, ok)).status, 201);
    assert.equal((await create(repo, ok)).status, 201);
  });

  it("answers 404 for unknown pull requests", async () => {
    const repo = await api.createRepo("pulls-unknown");
    for (const [method, suffix, json] of [
      ["GET", "", undefined],
      ["PATCH", "", { title: "x" }],
      ["PUT", "/merge", undefined],
    ] as const) {
      const r = await api.call(method, `/repositories/${repo}/pulls/nope${suffix}`, { json });
      assert.deepEqual([r.status, r.json.message], [404, "pull request not found"], method);
    }
    const noRepo = await api.call("GET", "/repositories/no-such-repo/pulls");
    assert.deepEqual([noRepo.status, noRepo.json.message], [404, "repository not found"]);
  });

  it("updates title, description and status; closing stamps closed_date", async () => {
    const repo = await api.createRepo("pulls-update");
    await branch(repo, "feature");
    const { id } = (
      await create(repo, { title: "t", source_branch: "feature", destination_branch: "main" })
    ).json;
    const path = `/repositories/${repo}/pulls/${id}`;

    const renamed = await api.call("PATCH", path, { json: { title: "t2", description: "d2" } });
    assert.equal(renamed.status, 204);
    assert.equal(renamed.text, "");
    let got = (await api.call("GET", path)).json;
    assert.deepEqual([got.title, got.description, got.status], ["t2", "d2", "open"]);
    assert.equal(got.closed_date, undefined);

    assert.equal((await api.call("PATCH", path, { json: { status: "closed" } })).status, 204);
    got = (await api.call("GET", path)).json;
    assert.equal(got.status, "closed");
    assert.ok(!Number.isNaN(Date.parse(got.closed_date)));

    // A closed pull request cannot be merged; reopened, it can.
    const closedMerge = await api.call("PUT", `${path}/merge`);
    assert.deepEqual(
      [closedMerge.status, closedMerge.json.message],
      [400, "bad pull request status"],
    );
    assert.equal((await api.call("PATCH", path, { json: { status: "open" } })).status, 204);
    got = (await api.call("GET", path)).json;
    assert.equal(got.status, "open");
    assert.equal(got.closed_date, undefined);

    // An empty body changes nothing.
    assert.equal((await api.call("PATCH", path, { json: {} })).status, 204);
    assert.equal((await api.call("GET", path)).json.title, "t2");

    const badStatus = await api.call("PATCH", path, {
      json: { status: "gone" },
      contract: false,
    });
    assert.equal(badStatus.status, 400);
    // Only a merge makes a pull request merged.
    const fakeMerged = await api.call("PATCH", path, { json: { status: "merged" } });
    assert.deepEqual(
      [fakeMerged.status, fakeMerged.json.message],
      [400, "bad pull request status"],
    );
    const badBody = await api.call("PATCH", path, { json: { title: 1 }, contract: false });
    assert.equal(badBody.status, 400);
  });

  it("merges the source into the destination and records the merge", async () => {
    const repo = await api.createRepo("pulls-merge");
    await branch(repo, "feature");
    await api.upload(repo, "feature", "a.txt", "hello");
    await api.commit(repo, "feature", "add a");
    const { id } = (
      await create(repo, { title: "t", source_branch: "feature", destination_branch: "main" })
    ).json;
    const path = `/repositories/${repo}/pulls/${id}`;

    const merged = await api.call("PUT", `${path}/merge`);
    assert.equal(merged.status, 200, merged.text);
    const reference = merged.json.reference;
    assert.match(reference, /^[0-9a-f]{64}$/);

    const head = await api.call("GET", `/repositories/${repo}/branches/main`);
    assert.equal(head.json.commit_id, reference);
    const commit = (await api.call("GET", `/repositories/${repo}/commits/${reference}`)).json;
    assert.equal(commit.message, "Merge 'feature' into 'main'");
    assert.equal(commit.committer, "quickstart");
    assert.equal(commit.parents.length, 2);
    const obj = await api.call("GET", `/repositories/${repo}/refs/main/objects?path=a.txt`);
    assert.equal(obj.text, "hello");

    const got = (await api.call("GET", path)).json;
    assert.equal(got.status, "merged");
    assert.equal(got.merged_commit_id, reference);
    assert.ok(!Number.isNaN(Date.parse(got.closed_date)));

    const again = await api.call("PUT", `${path}/merge`);
    assert.deepEqual([again.status, again.json.message], [400, "bad pull request status"]);
    const reopen = await api.call("PATCH", path, { json: { status: "open" } });
    assert.deepEqual([reopen.status, reopen.json.message], [400, "bad pull request status"]);
    // Title and description of a merged pull request may still change.
    assert.equal((await api.call("PATCH", path, { json: { title: "done" } })).status, 204);
  });

  it("merges as a normal merge does: conflicts, dirty branch, hooks, deleted branches", async () => {
    const repo = await api.createRepo("pulls-merge-fail");
    await branch(repo, "feature");
    await api.upload(repo, "feature", "x.txt", "from feature");
    await api.commit(repo, "feature");
    await api.upload(repo, "main", "x.txt", "from main");
    await api.commit(repo, "main");
    const pr = async () =>
      (await create(repo, { title: "t", source_branch: "feature", destination_branch: "main" }))
        .json.id as string;

    const conflicting = await pr();
    const conflict = await api.call("PUT", `/repositories/${repo}/pulls/${conflicting}/merge`);
    assert.equal(conflict.status, 409);
    assert.deepEqual(conflict.json, { reference: "" });
    assert.equal(
      (await api.call("GET", `/repositories/${repo}/pulls/${conflicting}`)).json.status,
      "open",
    );

    // A dirty destination refuses the merge as it refuses a plain merge.
    await branch(repo, "clean");
    await api.upload(repo, "clean", "y.txt", "y");
    await api.commit(repo, "clean");
    const cleanPr = (
      await create(repo, { title: "p", source_branch: "clean", destination_branch: "main" })
    ).json.id;
    await api.upload(repo, "main", "staged.txt", "uncommitted");
    const refused = await api.call("PUT", `/repositories/${repo}/pulls/${cleanPr}/merge`);
    const plain = await api.call("POST", `/repositories/${repo}/refs/clean/merge/main`, {
      json: {},
    });
    assert.deepEqual([refused.status, refused.json], [plain.status, plain.json]);
    assert.deepEqual(refused.json, { message: "uncommitted changes (dirty branch)" });
    await api.call("DELETE", `/repositories/${repo}/branches/main/objects?path=staged.txt`);

    // Pre-merge hooks run and can block it (412), leaving the pull request open.
    const hook = [
      "name: guard",
      "on:",
      "  pre-merge:",
      "    branches: [main]",
      "hooks:",
      "  - id: no_merges",
      "    type: lua",
      "    properties:",
      "      script: |",
      '        error("merges are frozen from " .. action.source_ref)',
    ].join("\n");
    // lakeFS reads a merge's actions from its source.
    await api.upload(repo, "clean", "_lakefs_actions/guard.yaml", hook);
    await api.commit(repo, "clean", "add hook");
    const blocked = await api.call("PUT", `/repositories/${repo}/pulls/${cleanPr}/merge`);
    assert.equal(blocked.status, 412, blocked.text);
    assert.match(blocked.json.message, /pre-merge hook aborted/);
    const stillOpen = await api.call("GET", `/repositories/${repo}/pulls/${cleanPr}`);
    assert.equal(stillOpen.json.status, "open");

    // The source branch is gone: the merge answers as a merge of a missing ref does.
    const orphan = await pr();
    await api.call("DELETE", `/repositories/${repo}/branches/feature`);
    const missing = await api.call("PUT", `/repositories/${repo}/pulls/${orphan}/merge`);
    assert.equal(missing.status, 404);
  });

  it("filters by status and pages newest first", async () => {
    const repo = await api.createRepo("pulls-list");
    await branch(repo, "feature");
    await api.upload(repo, "feature", "f.txt", "f");
    await api.commit(repo, "feature");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await create(repo, {
        title: `pr ${i}`,
        source_branch: "feature",
        destination_branch: "main",
      });
      ids.push(r.json.id);
    }
    // [0] merged, [1] closed, the rest open.
    assert.equal(
      (await api.call("PUT", `/repositories/${repo}/pulls/${ids[0]}/merge`)).status,
      200,
    );
    await api.call("PATCH", `/repositories/${repo}/pulls/${ids[1]}`, {
      json: { status: "closed" },
    });
    const list = async (query: string) => {
      const r = await api.call("GET", `/repositories/${repo}/pulls${query}`);
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    const all = await list("");
    // Ids sort newest first; pull requests made in the same second keep xid counter order.
    assert.deepEqual(
      all.results.map((p: { id: string }) => p.id),
      [...ids].sort(),
    );
    assert.deepEqual(
      (await list("?status=all")).results.map((p: { id: string }) => p.id),
      [...ids].sort(),
    );
    const open = await list("?status=open");
    assert.deepEqual(open.results.map((p: { id: string }) => p.id).sort(), ids.slice(2).sort());
    const closed = await list("?status=closed");
    assert.deepEqual(closed.results.map((p: { status: string }) => p.status).sort(), [
      "closed",
      "merged",
    ]);

    const page1 = await list("?amount=2");
    assert.equal(page1.results.length, 2);
    assert.equal(page1.pagination.has_more, true);
    assert.equal(page1.pagination.next_offset, page1.results[1].id);
    const page2 = await list(`?amount=2&after=${page1.pagination.next_offset}`);
    assert.deepEqual(
      page2.results.map((p: { id: string }) => p.id),
      all.results.slice(2, 4).map((p: { id: string }) => p.id),
    );
    const byPrefix = await list(`?prefix=${ids[3]}`);
    assert.deepEqual(
      byPrefix.results.map((p: { id: string }) => p.id),
      [ids[3]],
    );

    for (const query of ["?status=merged", "?amount=1001", "?amount=x"]) {
      const r = await api.call("GET", `/repositories/${repo}/pulls${query}`, { contract: false });
      assert.equal(r.status, 400, query);
    }
  });

  it("deletes pull requests with their repository", async () => {
    const repo = await api.createRepo("pulls-lifecycle");
    await branch(repo, "feature");
    const { id } = (
      await create(repo, { title: "t", source_branch: "feature", destination_branch: "main" })
    ).json;
    assert.equal((await api.call("DELETE", `/repositories/${repo}`)).status, 204);
    await api.createRepo(repo, { storage_namespace: `local://${repo}-again` });
    const gone = await api.call("GET", `/repositories/${repo}/pulls/${id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual((await api.call("GET", `/repositories/${repo}/pulls`)).json.results, []);
  });

  it("keeps pull requests across a restart", async () => {
    const dataDir = tempDataDir();
    try {
      const first = await openApi({ dataDir });
      await first.createRepo("pulls-durable");
      const made = await first.call("POST", "/repositories/pulls-durable/branches", {
        json: { name: "feature", source: "main" },
      });
      assert.equal(made.status, 201);
      const { id } = (
        await first.call("POST", "/repositories/pulls-durable/pulls", {
          json: { title: "t", source_branch: "feature", destination_branch: "main" },
        })
      ).json;
      const before = (await first.call("GET", `/repositories/pulls-durable/pulls/${id}`)).json;
      await first.close();
      const second = await openApi({ dataDir });
      const after = await second.call("GET", `/repositories/pulls-durable/pulls/${id}`);
      await second.close();
      assert.deepEqual(after.json, before);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
