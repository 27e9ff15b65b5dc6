/**
 * Import as lakeFS answers it (issue #17 items 3 and 4): a prefix destination gets its `/`, and
 * problems found after validation are reported in the import status (202 first). Sources outside
 * the allowed roots stay an immediate 400 and are never read.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openApi, type Reply, type TestApi } from "./http-helpers.js";

describe("HTTP import: destinations and asynchronous errors", () => {
  let api: TestApi;
  let root: string;
  let dataDir: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "lakefs-ts-import-async-"));
    mkdirSync(join(root, "src", "nested", "prefix-1"), { recursive: true });
    writeFileSync(join(root, "src", "nested", "prefix-1", "file1"), "one");
    // The data directory lies under the import root, so sources inside the block store are
    // allowed by the roots and only the block store's own rules decide.
    dataDir = join(root, "data");
    api = await openApi({ dataDir, importRoots: [root] });
  });
  after(async () => {
    await api?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const importPath = (repo: string, branch = "main") =>
    `/repositories/${repo}/branches/${branch}/import`;

  function start(repo: string, paths: object[], branch = "main"): Promise<Reply> {
    return api.call("POST", importPath(repo, branch), {
      json: { paths, commit: { message: "import" } },
    });
  }

  async function settle(repo: string, id: string, branch = "main"): Promise<Reply> {
    for (;;) {
      const status = await api.call("GET", `${importPath(repo, branch)}?id=${id}`);
      assert.equal(status.status, 200);
      if (status.json.completed || status.json.error) return status;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function keys(repo: string): Promise<string[]> {
    const list = await api.call("GET", `/repositories/${repo}/refs/main/objects/ls`);
    return list.json.results.map((o: { path: string }) => o.path);
  }

  it("inserts the `/` after a prefix destination that lacks it", async () => {
    const repo = await api.createRepo("import-slash");
    const started = await start(repo, [
      { type: "common_prefix", path: `local://${root}/src/nested/`, destination: "dst/nested" },
    ]);
    assert.equal(started.status, 202);
    const status = await settle(repo, started.json.id);
    assert.equal(status.json.completed, true, JSON.stringify(status.json));
    assert.deepEqual(await keys(repo), ["dst/nested/prefix-1/file1"]);
  });

  it("accepts a missing source (202) and reports it in the status", async () => {
    const repo = await api.createRepo("import-missing");
    const started = await start(repo, [
      { type: "common_prefix", path: `local://${root}/not-there-yet/`, destination: "x/" },
    ]);
    assert.equal(started.status, 202, started.text);
    const status = await settle(repo, started.json.id);
    assert.equal(status.json.completed, false);
    assert.match(status.json.error.message, /^import error: invalid import source: .*no such file/);
    assert.deepEqual(await keys(repo), []);
  });

  it("accepts an import onto a dirty branch and fails it in the status", async () => {
    const repo = await api.createRepo("import-dirty");
    const put = await api.call("POST", `/repositories/${repo}/branches/main/objects?path=wip`, {
      body: "uncommitted",
      headers: { "content-type": "application/octet-stream" },
    });
    assert.equal(put.status, 201);
    const started = await start(repo, [
      { type: "common_prefix", path: `local://${root}/src/`, destination: "x/" },
    ]);
    assert.equal(started.status, 202, started.text);
    const status = await settle(repo, started.json.id);
    assert.equal(status.json.completed, false);
    assert.equal(status.json.error.message, "import error: uncommitted changes (dirty branch)");
    assert.deepEqual(await keys(repo), ["wip"]);
  });

  it("imports a source that shares a prefix with the namespace without being inside it", async () => {
    const repo = await api.createRepo("import-sibling", { storage_namespace: "local://zprobe2/x" });
    const sibling = join(dataDir, "block", "zprobe2", "sibling.txt");
    writeFileSync(sibling, "next door");
    const started = await start(repo, [
      { type: "object", path: `local://${sibling}`, destination: "imported/sibling.txt" },
    ]);
    assert.equal(started.status, 202, started.text);
    const status = await settle(repo, started.json.id);
    assert.equal(status.json.completed, true, JSON.stringify(status.json));
    const read = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects?path=imported/sibling.txt`,
    );
    assert.equal(read.text, "next door");
  });

  it("refuses at once (400, never read) sources outside the roots or inside its own storage", async () => {
    const repo = await api.createRepo("import-refused", {
      storage_namespace: "local://refused/ns",
    });
    const refused = [
      "local:///etc/passwd",
      "local:///etc/no-such-file",
      `local://${root}/../outside`,
      `local://${dataDir}`,
      `local://${dataDir}/block`,
      `local://${dataDir}/block/.tmp`,
      `local://${dataDir}/block/refused/ns/_lakefs/dummy`,
      "local://relative",
    ];
    for (const path of refused) {
      const r = await start(repo, [{ type: "object", path, destination: "x" }]);
      assert.equal(r.status, 400, `${path}: ${r.text}`);
      assert.match(r.json.message, /^invalid import source/, path);
    }
    assert.deepEqual(await keys(repo), []);
  });

  it("runs the branch's pre-commit hooks around the import's commit, as lakeFS does", async () => {
    const repo = await api.createRepo("import-hooks");
    const action = (script: string) =>
      `name: review\non:\n  pre-commit:\nhooks:\n  - id: review\n    type: lua\n    properties:\n      script: '${script}'\n`;
    const install = async (script: string) => {
      await api.upload(repo, "main", "_lakefs_actions/review.yaml", action(script));
      await api.commit(repo, "main", "hook");
    };
    await install('if action.commit.message == "import" then error("imports need review") end');
    const source = [
      { type: "common_prefix", path: `local://${root}/src/nested/`, destination: "dst/" },
    ];
    const refused = await settle(repo, (await start(repo, source)).json.id);
    assert.match(
      refused.json.error?.message ?? "",
      /pre-commit hook aborted, run id '.*imports need review/,
    );
    assert.deepEqual(await keys(repo), ["_lakefs_actions/review.yaml"]);

    await install("print(action.event_type)");
    const done = await settle(repo, (await start(repo, source)).json.id);
    assert.equal(done.json.completed, true, JSON.stringify(done.json));
    const runs = await api.call(
      "GET",
      `/repositories/${repo}/actions/runs?commit=${done.json.commit.id}`,
    );
    assert.ok(
      runs.json.results.some((r: { event_type: string }) => r.event_type === "pre-commit"),
      JSON.stringify(runs.json),
    );
  });
});
