/**
 * GC preparation (`POST …/gc/prepare_commits`, its async form and status, and
 * `POST …/gc/prepare_uncommited`; issue #11 item 9): lakeFS's expired-commit rules, its CSV, the
 * uncommitted Parquet list and their locations.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parquetReadObjects } from "hyparquet";
import { openApi, type TestApi } from "./http-helpers.js";

const DAY = 24 * 60 * 60;

describe("HTTP GC prepare commits", () => {
  let api: TestApi;
  before(async () => {
    api = await openApi();
  });
  after(() => api?.close());

  const now = () => Math.floor(Date.now() / 1000);
  async function commitAt(repo: string, branch: string, path: string, daysAgo: number) {
    await api.upload(repo, branch, path, path);
    const r = await api.call("POST", `/repositories/${repo}/branches/${branch}/commits`, {
      json: { message: path, date: now() - daysAgo * DAY },
    });
    assert.equal(r.status, 201, r.text);
    return r.json.id as string;
  }
  const setRules = (repo: string, rules: unknown) =>
    api.call("PUT", `/repositories/${repo}/settings/gc_rules`, { json: rules });
  /** The CSV a run wrote, as { commit id: expired }. */
  function readCsv(location: string): { header: string; rows: [string, string][] } {
    const path = join(api.server.dataDir, "block", location.replace(/^local:\/\//, ""));
    const [header, ...rows] = readFileSync(path, "utf8").trimEnd().split("\n");
    return { header: header!, rows: rows.map((r) => r.split(",") as [string, string]) };
  }

  it("answers 404 without GC rules", async () => {
    const repo = await api.createRepo("gc-prep-norules");
    for (const suffix of ["", "/async"]) {
      const r = await api.call("POST", `/repositories/${repo}/gc/prepare_commits${suffix}`);
      assert.deepEqual([r.status, r.json.message], [404, "not found"], suffix);
    }
    const noRepo = await api.call("POST", "/repositories/no-such-repo/gc/prepare_commits");
    assert.deepEqual([noRepo.status, noRepo.json.message], [404, "repository not found"]);
  });

  it("marks commits outside every retention window expired, in lakeFS's CSV", async () => {
    const repo = await api.createRepo("gc-prep-rules");
    const [initial] = (
      await api.call("GET", `/repositories/${repo}/refs/main/commits`)
    ).json.results.map((c: { id: string }) => c.id);
    const a = await commitAt(repo, "main", "a", 10);
    const b = await commitAt(repo, "main", "b", 5);
    const c = await commitAt(repo, "main", "c", 1);
    // A branch with a long rule keeps its old history.
    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "keep", source: a },
    });
    const k = await commitAt(repo, "keep", "k", 20);
    // A dangling commit: its branch is gone and it is older than the default window.
    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "tmp", source: "main" },
    });
    const d = await commitAt(repo, "tmp", "d", 30);
    await api.call("DELETE", `/repositories/${repo}/branches/tmp`);

    assert.equal(
      (
        await setRules(repo, {
          default_retention_days: 3,
          branches: [{ branch_id: "keep", retention_days: 100 }],
        })
      ).status,
      204,
    );
    const r = await api.call("POST", `/repositories/${repo}/gc/prepare_commits`);
    assert.equal(r.status, 201, r.text);
    assert.match(
      r.json.run_id,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(
      r.json.gc_commits_location,
      `local://${repo}/_lakefs/retention/gc/commits/run_id=${r.json.run_id}/commits.csv`,
    );
    assert.equal(r.json.gc_addresses_location, `local://${repo}/_lakefs/retention/gc/addresses/`);

    const { header, rows } = readCsv(r.json.gc_commits_location);
    assert.equal(header, "commit_id,expired");
    const expired = new Map(rows.map(([id, flag]) => [id, flag]));
    // main (3 days): c is the head and was made inside the window, so its parent b stays too;
    // keep (100 days): k, a and the initial commit. d, dangling and 30 days old, expires.
    assert.deepEqual(Object.fromEntries(expired), {
      [c]: "false",
      [b]: "false",
      [k]: "false",
      [a]: "false",
      [initial]: "false",
      [d]: "true",
    });
    // Expired rows come first.
    assert.deepEqual(
      rows.map(([, flag]) => flag),
      ["true", "false", "false", "false", "false", "false"],
    );

    // Without the long rule, a (10 days) and the initial commit expire on main's walk.
    await setRules(repo, { default_retention_days: 3, branches: [] });
    const second = await api.call("POST", `/repositories/${repo}/gc/prepare_commits`);
    assert.notEqual(second.json.run_id, r.json.run_id);
    const again = new Map(readCsv(second.json.gc_commits_location).rows);
    assert.equal(again.get(c), "false");
    assert.equal(again.get(b), "false");
    assert.equal(again.get(k), "false"); // a branch head is always active
    assert.equal(again.get(a), "true");
    assert.equal(again.get(initial), "true");
    assert.equal(again.get(d), "true");
  });

  it("runs as a task: 202, then its status with the result", async () => {
    const repo = await api.createRepo("gc-prep-async");
    await setRules(repo, { default_retention_days: 7, branches: [] });
    const started = await api.call("POST", `/repositories/${repo}/gc/prepare_commits/async`);
    assert.equal(started.status, 202);
    const path = `/repositories/${repo}/gc/prepare_commits/status?id=${started.json.id}`;
    let status = (await api.call("GET", path)).json;
    while (!status.completed) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await api.call("GET", path)).json;
    }
    assert.equal(status.task_id, started.json.id);
    assert.ok(!Number.isNaN(Date.parse(status.update_time)));
    assert.equal(status.error, undefined);
    assert.match(status.result.gc_commits_location, /\/commits\.csv$/);
    assert.equal(readCsv(status.result.gc_commits_location).rows.length, 1);

    const unknown = await api.call(
      "GET",
      `/repositories/${repo}/gc/prepare_commits/status?id=nope`,
    );
    assert.deepEqual([unknown.status, unknown.json.message], [404, "not found"]);
    const missing = await api.call("GET", `/repositories/${repo}/gc/prepare_commits/status`, {
      contract: false,
    });
    assert.equal(missing.status, 400);
    // A refs-dump task id is not a GC task.
    const dump = await api.call("POST", `/repositories/${repo}/dump`);
    const cross = await api.call(
      "GET",
      `/repositories/${repo}/gc/prepare_commits/status?id=${dump.json.id}`,
    );
    assert.equal(cross.status, 404);
  });

  it("prepare_uncommited lists in Parquet the staged objects GC must keep", async () => {
    const repo = await api.createRepo("gc-prep-uncommitted");
    const ns = (await api.call("GET", `/repositories/${repo}`)).json.storage_namespace as string;
    const addressOf = async (ref: string, path: string) => {
      const r = await api.call(
        "GET",
        `/repositories/${repo}/refs/${ref}/objects/stat?path=${encodeURIComponent(path)}`,
      );
      assert.equal(r.status, 200, r.text);
      // The physical address is absolute; GC lists it relative to the namespace (from `data/`).
      const physical = r.json.physical_address as string;
      return physical.slice(physical.indexOf("/data/") + 1);
    };
    await commitAt(repo, "main", "committed", 0);
    await api.upload(repo, "main", "staged", "s");
    await api.upload(repo, "main", "rewritten", "old");
    const overwritten = await addressOf("main", "rewritten");
    await api.upload(repo, "main", "rewritten", "new");
    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "dev", source: "main" },
    });
    await api.upload(repo, "dev", "on-dev", "d");
    await api.call("DELETE", `/repositories/${repo}/branches/main/objects?path=committed`);
    const expected = [
      await addressOf("main", "staged"),
      await addressOf("main", "rewritten"),
      await addressOf("dev", "on-dev"),
    ].sort();
    assert.ok(!expected.includes(overwritten));

    const r = await api.call("POST", `/repositories/${repo}/gc/prepare_uncommited`);
    assert.equal(r.status, 201, r.text);
    const location = r.json.gc_uncommitted_location as string;
    assert.equal(location, `${ns}/_lakefs/retention/gc/uncommitted/${r.json.run_id}/uncommitted/`);
    assert.equal(r.json.continuation_token, undefined);
    const dir = join(api.server.dataDir, "block", location.replace(/^local:\/\//, ""));
    const [file] = readdirSync(dir);
    const rows = (await parquetReadObjects({
      file: new Uint8Array(readFileSync(join(dir, file!))).buffer,
    })) as { physical_address: string; creation_date: bigint }[];
    assert.deepEqual(
      rows.map((row) => row.physical_address),
      expected,
    );
    for (const row of rows) {
      assert.ok(Math.abs(Number(row.creation_date) - now()) < 600, String(row.creation_date));
    }

    // lakeFS's generated clients send an empty JSON body when there is no token: no body at all
    // for an operation whose body is optional; a required body stays required.
    const emptyJson = { headers: { "content-type": "application/json" }, body: "" };
    const again = await api.call("POST", `/repositories/${repo}/gc/prepare_uncommited`, emptyJson);
    assert.equal(again.status, 201, again.text);
    assert.notEqual(again.json.run_id, r.json.run_id);
    const required = await api.call("POST", "/repositories", { ...emptyJson, contract: false });
    assert.deepEqual(
      [required.status, required.json.message],
      [400, "request body has an error: value is required but missing"],
    );

    const token = await api.call("POST", `/repositories/${repo}/gc/prepare_uncommited`, {
      json: { continuation_token: "abc" },
    });
    assert.equal(token.status, 400);
    const noRepo = await api.call("POST", "/repositories/no-such-repo/gc/prepare_uncommited");
    assert.deepEqual([noRepo.status, noRepo.json.message], [404, "repository not found"]);
  });
});
