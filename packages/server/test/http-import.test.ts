import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openApi, type Reply, type TestApi } from "./http-helpers.js";

describe("HTTP import", () => {
  let api: TestApi;
  let noImport: TestApi;
  let root: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "lakefs-ts-import-"));
    mkdirSync(join(root, "src", "nested"), { recursive: true });
    writeFileSync(join(root, "src", "a.csv"), "a,b\n1,2\n");
    writeFileSync(join(root, "src", "nested", "b.txt"), "bee");
    api = await openApi({ importRoots: [root] });
    noImport = await openApi();
  });
  after(async () => {
    await api?.close();
    await noImport?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const importPath = (repo: string, branch = "main") =>
    `/repositories/${repo}/branches/${branch}/import`;

  /** Polls the status until the import finishes (no timing is asserted). */
  async function awaitImport(repo: string, id: string): Promise<Reply> {
    for (;;) {
      const status = await api.call("GET", `${importPath(repo)}?id=${id}`);
      assert.equal(status.status, 200);
      if (status.json.completed || status.json.error) return status;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it("imports a directory (202), reports completion with the commit, and serves the files", async () => {
    const repo = await api.createRepo("import-ok");
    const started = await api.call("POST", importPath(repo), {
      json: {
        paths: [{ type: "common_prefix", path: `local://${root}/src/`, destination: "imported/" }],
        commit: { message: "bring data in", metadata: { source: "test" } },
      },
    });
    assert.equal(started.status, 202);
    assert.equal(typeof started.json.id, "string");
    const status = await awaitImport(repo, started.json.id);
    assert.equal(status.json.completed, true, JSON.stringify(status.json));
    assert.equal(status.json.ingested_objects, 2);
    assert.equal(status.json.commit.message, "bring data in");
    assert.equal(status.json.commit.committer, "quickstart");
    assert.ok(!Number.isNaN(Date.parse(status.json.update_time)));

    const list = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects/ls?prefix=imported/`,
    );
    assert.deepEqual(
      list.json.results.map((o: { path: string }) => o.path),
      ["imported/a.csv", "imported/nested/b.txt"],
    );
    const read = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects?path=imported/nested/b.txt`,
    );
    assert.equal(read.text, "bee");

    const cancelDone = await api.call("DELETE", `${importPath(repo)}?id=${started.json.id}`);
    assert.equal(cancelDone.status, 409);
    const unknown = await api.call("GET", `${importPath(repo)}?id=no-such-import`);
    assert.equal(unknown.status, 404);
  });

  it("refuses sources outside the import roots (400) and bad bodies (400)", async () => {
    const repo = await api.createRepo("import-bad");
    const outside = await api.call("POST", importPath(repo), {
      json: {
        paths: [{ type: "common_prefix", path: "local:///etc/", destination: "etc/" }],
        commit: { message: "nope" },
      },
    });
    assert.equal(outside.status, 400);
    assert.match(outside.json.message, /invalid import source/);
    const noPaths = await api.call("POST", importPath(repo), {
      json: { paths: {}, commit: { message: "nope" } },
      contract: false,
    });
    assert.equal(noPaths.status, 400);
    const badType = await api.call("POST", importPath(repo), {
      json: {
        paths: [{ type: "folder", path: `local://${root}/src/`, destination: "x/" }],
        commit: {},
      },
      contract: false,
    });
    assert.equal(badType.status, 400);
    const noBranch = await api.call("POST", importPath(repo, "nope"), {
      json: {
        paths: [{ type: "common_prefix", path: `local://${root}/src/`, destination: "x/" }],
        commit: { message: "m" },
      },
    });
    assert.equal(noBranch.status, 404);
  });

  it("answers 403 when no import roots are configured", async () => {
    const repo = await noImport.createRepo("import-off");
    const storage = await noImport.call("GET", "/config/storage");
    assert.equal(storage.json.import_support, false);
    const r = await noImport.call("POST", importPath(repo), {
      json: {
        paths: [{ type: "common_prefix", path: `local://${root}/src/`, destination: "x/" }],
        commit: { message: "m" },
      },
    });
    assert.deepEqual([r.status, r.json.message], [403, "import is not supported for this storage"]);
  });
});
