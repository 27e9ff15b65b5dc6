/**
 * Symlink files (`POST …/refs/{branch}/symlink`, issue #11 item 9): one `symlink.txt` per
 * directory under `symlinks/<repo>/<ref>/` in the namespace, listing physical addresses.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openApi, type TestApi } from "./http-helpers.js";

describe("HTTP symlink files", () => {
  let api: TestApi;
  before(async () => {
    api = await openApi();
  });
  after(() => api?.close());

  const nsDir = (repo: string) => join(api.server.dataDir, "block", repo);
  const symlinkFile = (repo: string, ref: string, dir: string) =>
    join(nsDir(repo), "symlinks", repo, ref, dir, "symlink.txt");
  const addressOf = async (repo: string, ref: string, path: string) =>
    (
      await api.call(
        "GET",
        `/repositories/${repo}/refs/${ref}/objects/stat?path=${encodeURIComponent(path)}`,
      )
    ).json.physical_address as string;

  it("writes one file per directory with the physical addresses, committed and staged", async () => {
    const repo = await api.createRepo("symlinks-basic");
    const paths = ["top.txt", "t/a.csv", "t/m/x.csv", "t/z.csv", "u/1.csv"];
    for (const p of paths.slice(0, 3)) await api.upload(repo, "main", p, p);
    await api.commit(repo, "main");
    // Staged objects count too: the listing reads through the branch.
    for (const p of paths.slice(3)) await api.upload(repo, "main", p, p);

    const r = await api.call("POST", `/repositories/${repo}/refs/main/symlink`);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json, { location: `local://${repo}/symlinks` });

    const read = (dir: string) => readFileSync(symlinkFile(repo, "main", dir), "utf8");
    assert.equal(read(""), await addressOf(repo, "main", "top.txt"));
    // "t" lists its objects on both sides of the subdirectory "t/m".
    assert.equal(
      read("t"),
      [await addressOf(repo, "main", "t/a.csv"), await addressOf(repo, "main", "t/z.csv")].join(
        "\n",
      ),
    );
    assert.equal(read("t/m"), await addressOf(repo, "main", "t/m/x.csv"));
    assert.equal(read("u"), await addressOf(repo, "main", "u/1.csv"));
    for (const dir of ["t", "u"]) assert.match(read(dir), /^local:\/\/\/.+\/data\//);
  });

  it("limits itself to `location` and replaces earlier files", async () => {
    const repo = await api.createRepo("symlinks-location");
    await api.upload(repo, "main", "tables/a/1.parquet", "1");
    await api.upload(repo, "main", "other/2.parquet", "2");
    const r = await api.call("POST", `/repositories/${repo}/refs/main/symlink?location=tables/`);
    assert.equal(r.status, 201);
    assert.ok(existsSync(symlinkFile(repo, "main", "tables/a")));
    assert.ok(!existsSync(symlinkFile(repo, "main", "other")));

    await api.upload(repo, "main", "tables/a/1.parquet", "1 again");
    await api.call("POST", `/repositories/${repo}/refs/main/symlink?location=tables/`);
    assert.equal(
      readFileSync(symlinkFile(repo, "main", "tables/a"), "utf8"),
      await addressOf(repo, "main", "tables/a/1.parquet"),
    );

    // Nothing under the location: nothing written, still 201.
    const none = await api.call("POST", `/repositories/${repo}/refs/main/symlink?location=none/`);
    assert.equal(none.status, 201);
    assert.ok(!existsSync(join(nsDir(repo), "symlinks", repo, "main", "none")));
  });

  it("works on any ref and answers 404 for unknown repositories and refs", async () => {
    const repo = await api.createRepo("symlinks-refs");
    await api.upload(repo, "main", "d/f", "f");
    const { id } = await api.commit(repo, "main");
    const byCommit = await api.call("POST", `/repositories/${repo}/refs/${id}/symlink`);
    assert.equal(byCommit.status, 201);
    assert.ok(existsSync(symlinkFile(repo, id, "d")));

    const noRepo = await api.call("POST", "/repositories/no-such-repo/refs/main/symlink");
    assert.deepEqual([noRepo.status, noRepo.json.message], [404, "repository not found"]);
    const noRef = await api.call("POST", `/repositories/${repo}/refs/nope/symlink`);
    assert.equal(noRef.status, 404);
  });

  it("never writes outside the storage namespace", async () => {
    const repo = await api.createRepo("symlinks-escape");
    await api.upload(repo, "main", "a/../../../../escaped/x", "x");
    const r = await api.call("POST", `/repositories/${repo}/refs/main/symlink`);
    assert.equal(r.status, 400);
    assert.match(r.json.message, /"\." and "\.\." segments are not allowed/);
    assert.ok(!existsSync(join(api.server.dataDir, "block", "escaped")));
    assert.ok(!existsSync(join(api.server.dataDir, "escaped")));
  });
});
