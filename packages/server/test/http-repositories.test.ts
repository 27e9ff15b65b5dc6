import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openApi, type TestApi } from "./http-helpers.js";

describe("HTTP config, repositories, metadata, protection and the error model", () => {
  let api: TestApi;
  before(async () => {
    api = await openApi({ importRoots: [process.cwd()] });
  });
  after(() => api?.close());

  it("reports the local storage configuration and a version", async () => {
    const storage = await api.call("GET", "/config/storage");
    assert.equal(storage.status, 200);
    assert.deepEqual(storage.json, {
      blockstore_type: "local",
      blockstore_namespace_example: "local://example-bucket/",
      blockstore_namespace_ValidityRegex: "^local://",
      pre_sign_support: false,
      pre_sign_support_ui: false,
      import_support: true,
      import_validity_regex: "^local://",
      pre_sign_multipart_upload: false,
      default_namespace_prefix: "local://",
      blockstore_id: "",
      blockstore_description: "",
    });
    const config = await api.call("GET", "/config");
    assert.deepEqual(config.json.storage_config, storage.json);
    assert.deepEqual(config.json.storage_config_list, []);
    assert.deepEqual(config.json.capabilities_config, {});
    assert.deepEqual(config.json.ui_config, {});
    assert.equal(config.json.version_config.version_context, "lakeFS");
    const version = await api.call("GET", "/config/version");
    assert.match(version.json.version, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(config.json.version_config, version.json);
  });

  it("creates, gets, lists and deletes repositories", async () => {
    const created = await api.call("POST", "/repositories", {
      json: { name: "repo-crud", storage_namespace: "local://repo-crud", default_branch: "trunk" },
    });
    assert.equal(created.status, 201);
    assert.equal(created.json.id, "repo-crud");
    assert.equal(created.json.default_branch, "trunk");
    assert.equal(created.json.storage_namespace, "local://repo-crud");
    assert.equal(typeof created.json.creation_date, "number");

    const got = await api.call("GET", "/repositories/repo-crud");
    assert.deepEqual(got.json, created.json);
    const branch = await api.call("GET", "/repositories/repo-crud/branches/trunk");
    assert.equal(branch.status, 200);
    const log = await api.call("GET", "/repositories/repo-crud/refs/trunk/commits");
    assert.equal(log.json.results[0].message, "Repository created");

    await api.createRepo("repo-crud-2");
    const listed = await api.call("GET", "/repositories?prefix=repo-crud&amount=1");
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.json.results.map((r: { id: string }) => r.id),
      ["repo-crud"],
    );
    assert.deepEqual(listed.json.pagination, {
      has_more: true,
      next_offset: "repo-crud",
      results: 1,
      max_per_page: 1000,
    });
    const rest = await api.call("GET", "/repositories?prefix=repo-crud&after=repo-crud");
    assert.deepEqual(
      rest.json.results.map((r: { id: string }) => r.id),
      ["repo-crud-2"],
    );
    assert.equal(rest.json.pagination.has_more, false);
    assert.equal(rest.json.pagination.next_offset, "");

    const deleted = await api.call("DELETE", "/repositories/repo-crud");
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, "");
    const gone = await api.call("GET", "/repositories/repo-crud");
    assert.deepEqual([gone.status, gone.json.message], [404, "repository not found"]);
  });

  it("answers repository mistakes with 400/404/409 and lakeFS messages", async () => {
    await api.createRepo("repo-errors");
    const dup = await api.call("POST", "/repositories", {
      json: { name: "repo-errors", storage_namespace: "local://elsewhere" },
    });
    assert.deepEqual(
      [dup.status, dup.json.message],
      [409, "error creating repository: not unique"],
    );

    const badName = await api.call("POST", "/repositories", {
      json: { name: "Bad_Name", storage_namespace: "local://bad-name" },
      contract: false,
    });
    assert.equal(badName.status, 400);
    const badNamespace = await api.call("POST", "/repositories", {
      json: { name: "repo-bad-ns", storage_namespace: "local://../escape" },
    });
    assert.equal(badNamespace.status, 400);
    const s3 = await api.call("POST", "/repositories", {
      json: { name: "repo-s3", storage_namespace: "s3://bucket/x" },
    });
    assert.equal(s3.status, 400);
    const missingField = await api.call("POST", "/repositories", {
      json: { name: "repo-no-ns" },
      contract: false,
    });
    assert.equal(missingField.status, 400);
    assert.match(missingField.json.message, /storage_namespace/);
    const wrongType = await api.call("POST", "/repositories", {
      json: { name: 42, storage_namespace: "local://x" },
      contract: false,
    });
    assert.equal(wrongType.status, 400);
    const missing = await api.call("DELETE", "/repositories/no-such-repo");
    assert.deepEqual([missing.status, missing.json.message], [404, "repository not found"]);
  });

  it("answers malformed and empty JSON bodies with 400, never 5xx", async () => {
    for (const body of ["{not json", "[1,2", '"just a string"', "null"]) {
      const r = await api.call("POST", "/repositories", {
        body,
        headers: { "content-type": "application/json" },
        contract: false,
      });
      assert.equal(r.status, 400, body);
      assert.equal(typeof r.json.message, "string");
    }
    const empty = await api.call("POST", "/repositories", {
      headers: { "content-type": "application/json" },
      contract: false,
    });
    assert.equal(empty.status, 400);
    const text = await api.call("POST", "/repositories", {
      body: "name=x",
      headers: { "content-type": "text/plain" },
      contract: false,
    });
    assert.ok(text.status >= 400 && text.status < 500, String(text.status));
  });

  it("answers unknown API paths with 404 and unimplemented operations with 501", async () => {
    const unknown = await api.call("GET", "/no/such/route", { contract: false });
    assert.equal(unknown.status, 404);
    assert.equal(typeof unknown.json.message, "string");
    for (const [method, path] of [
      ["GET", "/auth/groups"],
      ["GET", "/auth/policies"],
      ["POST", "/auth/groups"],
      ["PUT", "/repositories/x/branches/main/objects"],
    ] as const) {
      const r = await api.call(method, path, { contract: false });
      assert.deepEqual([r.status, r.json.message], [501, "not implemented"], `${method} ${path}`);
    }
  });

  it("validates query parameter types (400)", async () => {
    const r = await api.call("GET", "/repositories?amount=lots", { contract: false });
    assert.equal(r.status, 400);
    assert.match(r.json.message, /amount/);
  });

  it("stores repository metadata", async () => {
    const repo = await api.createRepo("repo-meta");
    const set = await api.call("POST", `/repositories/${repo}/metadata`, {
      json: { metadata: { owner: "data-team", tier: "gold" } },
    });
    assert.equal(set.status, 204);
    const del = await api.call("DELETE", `/repositories/${repo}/metadata`, {
      json: { keys: ["tier"] },
    });
    assert.equal(del.status, 204);
    const got = await api.call("GET", `/repositories/${repo}/metadata`);
    assert.deepEqual(got.json, { owner: "data-team" });
    const bad = await api.call("POST", `/repositories/${repo}/metadata`, {
      json: { metadata: { n: 1 } },
      contract: false,
    });
    assert.equal(bad.status, 400);
  });

  it("sets branch protection rules with an ETag guard and enforces them", async () => {
    const repo = await api.createRepo("repo-protect");
    const path = `/repositories/${repo}/settings/branch_protection`;
    const initial = await api.call("GET", path);
    assert.deepEqual(initial.json, []);
    const etag = initial.headers.get("etag")!;
    assert.ok(etag);
    const set = await api.call("PUT", path, {
      json: [{ pattern: "main" }],
      headers: { "if-match": etag },
    });
    assert.equal(set.status, 204);
    const stale = await api.call("PUT", path, {
      json: [],
      headers: { "if-match": etag },
    });
    assert.equal(stale.status, 412);
    const now = await api.call("GET", path);
    assert.deepEqual(now.json, [{ pattern: "main" }]);
    assert.notEqual(now.headers.get("etag"), etag);

    const upload = await api.call(
      "POST",
      `/repositories/${repo}/branches/main/objects?path=blocked.txt`,
      { body: "x", headers: { "content-type": "application/octet-stream" } },
    );
    assert.deepEqual(
      [upload.status, upload.json.message],
      [403, "cannot write to protected branch"],
    );

    const allowed = await api.call("GET", `/repositories/${repo}/branch_protection/set_allowed`, {
      contract: false,
    });
    assert.equal(allowed.status, 204);
    const rules = await api.call("GET", `/repositories/${repo}/branch_protection`);
    assert.deepEqual(rules.json, [{ pattern: "main" }]);
    const removed = await api.call("DELETE", `/repositories/${repo}/branch_protection`, {
      json: { pattern: "main" },
    });
    assert.equal(removed.status, 204);
    const again = await api.call("DELETE", `/repositories/${repo}/branch_protection`, {
      json: { pattern: "main" },
    });
    assert.equal(again.status, 404);
    const invalid = await api.call("PUT", path, { json: [{ pattern: "" }], contract: false });
    assert.equal(invalid.status, 400);
  });
});
