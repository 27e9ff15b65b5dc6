/**
 * The `lakefs` Lua module: a hook calls this server's API as the user who triggered it — reads
 * an object (and its Parquet schema), stats, lists, diffs, creates a tag, updates metadata — while
 * the operation that runs the hook waits, without deadlocking it, including a call that itself
 * runs hooks. A non-2xx answer comes back to the script as lakeFS returns it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parquetWriteBuffer } from "hyparquet-writer";
import { openApi, type TestApi } from "./http-helpers.js";
import { indent, luaAction } from "./lua-hooks.js";

describe("Lua lakefs module", () => {
  let api: TestApi;
  before(async () => {
    api = await openApi();
  });
  after(() => api?.close());

  type Run = { event_type: string; run_id: string; start_time: string; status: string };

  /** The newest run of `event` (optionally on `branch`). */
  async function newestRun(repo: string, event: string, branch?: string): Promise<Run> {
    const query = branch === undefined ? "" : `?branch=${branch}`;
    const runs = await api.call("GET", `/repositories/${repo}/actions/runs${query}`);
    assert.equal(runs.status, 200);
    const matching = (runs.json.results as Run[]).filter((r) => r.event_type === event);
    const newest = matching.sort((a, b) => b.start_time.localeCompare(a.start_time))[0];
    assert.ok(newest, `a ${event} run was recorded`);
    return newest;
  }

  /** The printed output of a run's first hook. */
  async function outputOf(repo: string, run: Run): Promise<string> {
    const out = await api.call(
      "GET",
      `/repositories/${repo}/actions/runs/${run.run_id}/hooks/0000_0000/output`,
    );
    assert.equal(out.status, 200);
    return out.text;
  }

  /** A repository with data on main and `script` as a pre-commit hook on branch `work`. */
  async function setUp(name: string, script: string, event = "pre-commit"): Promise<string> {
    const repo = await api.createRepo(name);
    await api.upload(repo, "main", "data/a.csv", "id,name\n1,a\n");
    const parquet = parquetWriteBuffer({
      columnData: [{ name: "id", data: [1n, 2n], type: "INT64" }],
    });
    await api.upload(repo, "main", "data/b.parquet", new Uint8Array(parquet));
    await api.upload(repo, "main", "data/sub/c.txt", "c");
    await api.commit(repo, "main", "seed data");
    const branch = await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "work", source: "main" },
    });
    assert.equal(branch.status, 201);
    await api.upload(
      repo,
      "work",
      "_lakefs_actions/lakefs.yaml",
      // The hook does not judge the commit that installs it.
      luaAction(
        "api",
        event,
        `      script: |\n${indent(`if action.commit.message == "install the action" then return end\n${script}`)}`,
      ),
    );
    await api.commit(repo, "work", "install the action");
    return repo;
  }

  it("reads, stats, lists and diffs through the API while the commit waits", async () => {
    const repo = await setUp(
      "lua-api-read",
      `
local lakefs = require("lakefs")
local json = require("encoding/json")
local parquet = require("encoding/parquet")
local repo = action.repository_id
local code, body = lakefs.get_object(repo, "main", "data/a.csv")
print("get", code, body)
local code, pq = lakefs.get_object(repo, "main", "data/b.parquet")
local schema = parquet.get_schema(pq)
print("schema", code, schema[1].name, schema[1].type)
local code, stat = lakefs.stat_object(repo, "main", "data/a.csv")
local st = json.unmarshal(stat)
print("stat", code, type(stat), st.path, st.size_bytes)
local code, list = lakefs.list_objects(repo, "main", "", "data/", "/")
print("list", code, #list.results, list.results[1].path, list.results[3].path, list.results[3].path_type)
local code, page = lakefs.list_objects(repo, "main", nil, "data/", nil, 1)
print("page", code, #page.results, page.pagination.has_more, page.pagination.next_offset)
local code, diff = lakefs.diff_branch(repo, action.branch_id)
print("diff_branch", code, #diff.results, diff.results[1].path, diff.results[1].type)
local code, refs = lakefs.diff_refs(repo, "main", action.branch_id)
print("diff_refs", code, #refs.results, refs.results[1].path)
local code, refs = lakefs.diff_refs(repo, "main", action.branch_id, "", "nothing/")
print("diff_refs prefix", code, #refs.results)
`,
    );
    await api.upload(repo, "work", "new/file.txt", "new");
    const commit = await api.call("POST", `/repositories/${repo}/branches/work/commits`, {
      json: { message: "with hook" },
    });
    assert.equal(commit.status, 201, commit.text);
    const lines = (await outputOf(repo, await newestRun(repo, "pre-commit", "work"))).split("\n");
    assert.deepEqual(lines.slice(0, 10), [
      "get\t200\tid,name",
      "1,a",
      "",
      "schema\t200\tid\tINT64",
      "stat\t200\tstring\tdata/a.csv\t12",
      "list\t200\t3\tdata/a.csv\tdata/sub/\tcommon_prefix",
      "page\t200\t1\ttrue\tdata/a.csv",
      "diff_branch\t200\t1\tnew/file.txt\tadded",
      "diff_refs\t200\t1\t_lakefs_actions/lakefs.yaml",
      "diff_refs prefix\t200\t0",
    ]);
  });

  it("creates a tag and updates metadata; calls that run hooks themselves do not deadlock", async () => {
    // One action for both events: the commit's hook creates a tag, whose pre-create-tag hook
    // (a second Lua worker, while the first waits) lists objects.
    const repo = await setUp(
      "lua-api-write",
      `
local lakefs = require("lakefs")
local repo = action.repository_id
if action.event_type == "pre-create-tag" then
  local code = lakefs.list_objects(repo, action.source_ref)
  if code ~= 200 then error("nested list failed: " .. code) end
  print("nested list", code)
  return
end
local code, tag = lakefs.create_tag(repo, action.branch_id, "from-hook")
print("tag", code, tag.id)
local code = lakefs.update_object_user_metadata(repo, "main", "data/a.csv", {owner = "hooks"})
print("metadata", code)
local code, stat = lakefs.stat_object(repo, "main", "data/a.csv", true)
print("stat", code, require("encoding/json").unmarshal(stat).metadata.owner)
`,
      "pre-commit:\n  pre-create-tag",
    );
    await api.upload(repo, "work", "x.txt", "x");
    const commit = await api.call("POST", `/repositories/${repo}/branches/work/commits`, {
      json: { message: "tags from a hook" },
    });
    assert.equal(commit.status, 201, commit.text);
    const tag = await api.call("GET", `/repositories/${repo}/tags/from-hook`);
    assert.equal(tag.status, 200);
    const tagRun = await newestRun(repo, "pre-create-tag");
    assert.equal(tagRun.status, "completed");
    assert.equal(await outputOf(repo, tagRun), "nested list\t200\n");
    const commitRun = await newestRun(repo, "pre-commit", "work");
    assert.equal(commitRun.status, "completed");
    assert.deepEqual((await outputOf(repo, commitRun)).split("\n").slice(0, 3), [
      "tag\t201\tfrom-hook",
      `metadata\t${await metadataStatus()}`,
      "stat\t200\thooks",
    ]);
    async function metadataStatus() {
      // The status lakeFS's route answers, as our server answers it to any client.
      const direct = await api.call(
        "PUT",
        `/repositories/${repo}/branches/main/objects/stat/user_metadata?path=data/a.csv`,
        { json: { set: { owner: "hooks" } } },
      );
      return direct.status;
    }
  });

  it("runs as the triggering user for events without a commit", async () => {
    const repo = await setUp(
      "lua-api-branch",
      `
local code, list = require("lakefs").list_objects(action.repository_id, action.source_ref, "", "data/", "/")
if code ~= 200 then error("list answered " .. code) end
print("listed", #list.results)
`,
      "pre-create-branch",
    );
    const created = await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "feature", source: "work" },
    });
    assert.equal(created.status, 201, created.text);
    assert.match(await outputOf(repo, await newestRun(repo, "pre-create-branch")), /^listed\t3\n/);
  });

  it("returns non-2xx answers to the script and checks its arguments", async () => {
    const repo = await setUp(
      "lua-api-errors",
      `
local lakefs = require("lakefs")
local code, body = lakefs.create_tag("no-such-repo", "main", "t1")
print("tag", code, body.message)
local code, text = lakefs.get_object(action.repository_id, "main", "missing.txt")
print("get", code, require("encoding/json").unmarshal(text).message)
local code, stat = lakefs.stat_object(action.repository_id, "main", "missing.txt")
print("stat", code, type(stat))
local ok, err = pcall(lakefs.get_object, action.repository_id)
print(ok, err)
local ok, err = pcall(lakefs.update_object_user_metadata, action.repository_id, "main", "data/a.csv", {n = 1})
print(ok, err)
local ok, err = pcall(lakefs.list_objects, action.repository_id, "main", nil, nil, nil, "ten")
print(ok, err)
`,
    );
    await api.upload(repo, "work", "y.txt", "y");
    const commit = await api.call("POST", `/repositories/${repo}/branches/work/commits`, {
      json: { message: "errors are values" },
    });
    assert.equal(commit.status, 201, commit.text);
    const lines = (await outputOf(repo, await newestRun(repo, "pre-commit", "work"))).split("\n");
    assert.match(lines[0] ?? "", /^tag\t404\t.*not found/i);
    assert.match(lines[1] ?? "", /^get\t404\t.*not found/i);
    assert.equal(lines[2], "stat\t404\tstring");
    assert.equal(lines[3], "false\tbad argument #2 to 'get_object' (string expected, got nil)");
    assert.equal(
      lines[4],
      "false\tbad argument #4 to 'update_object_user_metadata' (table of strings expected)",
    );
    assert.equal(
      lines[5],
      "false\tbad argument #6 to 'list_objects' (number expected, got string)",
    );
  });
});
