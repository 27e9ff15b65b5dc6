/**
 * Routes lakeFS OSS serves on a single-user quickstart that used to answer 501 here (issue #17
 * item 8): user reads, the usage report, action runs of a repository without actions.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openApi, type TestApi } from "./http-helpers.js";

describe("HTTP users, usage report and action runs", () => {
  let api: TestApi;
  let repo: string;
  before(async () => {
    api = await openApi();
    repo = await api.createRepo("oss-routes");
  });
  after(() => api?.close());

  it("names the quickstart admin `quickstart` and serves it under /auth/users", async () => {
    const me = await api.call("GET", "/user");
    assert.equal(me.json.user.id, "quickstart");
    const user = await api.call("GET", "/auth/users/quickstart");
    assert.equal(user.status, 200);
    assert.deepEqual(user.json, me.json.user);
    const list = await api.call("GET", "/auth/users");
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.results, [me.json.user]);
    assert.equal(list.json.pagination.has_more, false);
  });

  it("answers 404 `user not found` for an unknown user", async () => {
    const missing = await api.call("GET", "/auth/users/someone-else");
    assert.deepEqual([missing.status, missing.json.message], [404, "user not found"]);
    const unauthenticated = await api.call("GET", "/auth/users/quickstart", { auth: null });
    assert.equal(unauthenticated.status, 401);
  });

  it("still answers 501 for user administration lakeFS OSS does not offer", async () => {
    const created = await api.call("POST", "/auth/users", {
      json: { id: "bob" },
      contract: false,
    });
    assert.equal(created.status, 501);
    const groups = await api.call("GET", "/auth/groups", { contract: false });
    assert.equal(groups.status, 501);
  });

  it("reports usage per month with a stable installation id", async () => {
    const first = await api.call("GET", "/usage-report/summary");
    assert.equal(first.status, 200);
    assert.match(
      first.json.installation_id,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(first.json.reports.length, 1);
    const [report] = first.json.reports;
    const now = new Date();
    assert.equal(report.year, now.getUTCFullYear());
    assert.equal(report.month, now.getUTCMonth() + 1);
    assert.ok(report.count > 0);
    const second = await api.call("GET", "/usage-report/summary");
    assert.equal(second.json.installation_id, first.json.installation_id);
    // Every API request counts, this one included.
    assert.ok(second.json.reports[0].count > report.count);
  });

  it("lists no action runs for a repository without actions (an empty list, not 501)", async () => {
    const runs = await api.call("GET", `/repositories/${repo}/actions/runs`);
    assert.equal(runs.status, 200);
    assert.deepEqual(runs.json, {
      pagination: { has_more: false, next_offset: "", results: 0, max_per_page: 1000 },
      results: [],
    });
    const filtered = await api.call("GET", `/repositories/${repo}/actions/runs?branch=main`);
    assert.deepEqual(filtered.json.results, []);
    const noRepo = await api.call("GET", "/repositories/no-such-repo/actions/runs");
    assert.deepEqual([noRepo.status, noRepo.json.message], [404, "repository not found"]);
    for (const path of ["runs/abc", "runs/abc/hooks", "runs/abc/hooks/0000_0000/output"]) {
      const r = await api.call("GET", `/repositories/${repo}/actions/${path}`);
      assert.deepEqual([r.status, r.json.message], [404, "not found"], path);
    }
  });
});
