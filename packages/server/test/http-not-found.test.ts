/**
 * lakeFS's exact 404 messages for every kind of missing thing: lakectl prints them and scripts
 * match on them (measured on lakeFS 1.84, issue #17).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openApi, type Reply, type TestApi } from "./http-helpers.js";

describe("HTTP not-found messages", () => {
  let api: TestApi;
  let repo: string;
  before(async () => {
    api = await openApi();
    repo = await api.createRepo("not-found");
  });
  after(() => api?.close());

  const notFound = (reply: Reply, message: string) =>
    assert.deepEqual([reply.status, reply.json?.message], [404, message], reply.text);

  it("names a missing repository, branch and tag", async () => {
    notFound(await api.call("GET", "/repositories/no-such-repo"), "repository not found");
    notFound(
      await api.call("GET", "/repositories/no-such-repo/refs/main/commits"),
      "repository not found",
    );
    notFound(await api.call("GET", `/repositories/${repo}/branches/nope`), "branch not found");
    notFound(await api.call("DELETE", `/repositories/${repo}/branches/nope`), "branch not found");
    notFound(await api.call("GET", `/repositories/${repo}/tags/nope`), "tag not found");
  });

  it("answers `commit not found` for any unknown ref on GET commits/{id}", async () => {
    notFound(await api.call("GET", `/repositories/${repo}/commits/bad_ref`), "commit not found");
    notFound(
      await api.call("GET", `/repositories/${repo}/commits/${"a".repeat(64)}`),
      "commit not found",
    );
    notFound(await api.call("GET", `/repositories/${repo}/commits/main~5`), "commit not found");
    // A known ref still resolves.
    assert.equal((await api.call("GET", `/repositories/${repo}/commits/main`)).status, 200);
  });

  it("prefixes the argument that failed to resolve in the log (`ref:`, `stop_at:`)", async () => {
    notFound(await api.call("GET", `/repositories/${repo}/refs/bad_ref/commits`), "ref: not found");
    notFound(
      await api.call("GET", `/repositories/${repo}/refs/main/commits?stop_at=bad_ref`),
      "stop_at: not found",
    );
  });

  it("names the source reference when creating a branch from an unknown ref", async () => {
    notFound(
      await api.call("POST", `/repositories/${repo}/branches`, {
        json: { name: "from-nowhere", source: "bad_ref" },
      }),
      "source reference 'bad_ref': not found",
    );
    // Resolved before the name clash check, as lakeFS does.
    notFound(
      await api.call("POST", `/repositories/${repo}/branches`, {
        json: { name: "main", source: "bad_ref" },
      }),
      "source reference 'bad_ref': not found",
    );
  });

  it("answers a plain `not found` for objects, unknown refs when reading, and imports", async () => {
    notFound(
      await api.call("GET", `/repositories/${repo}/refs/main/objects?path=missing`),
      "not found",
    );
    notFound(
      await api.call("GET", `/repositories/${repo}/refs/main/objects/stat?path=missing`),
      "not found",
    );
    notFound(await api.call("GET", `/repositories/${repo}/refs/bad_ref/objects/ls`), "not found");
    notFound(
      await api.call("GET", `/repositories/${repo}/branches/main/import?id=no-such-import`),
      "not found",
    );
  });
});
