/**
 * Request validation through the route schemas generated from lakeFS's OpenAPI document: what the
 * spec declares is enforced (enums, bounds, required nested fields, patterns, typed query
 * parameters of every operation), the overrides our routes layer on top still hold, and request
 * bodies the spec makes optional may be left out.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openApi, type TestApi } from "./http-helpers.js";

describe("HTTP request validation from the OpenAPI document", () => {
  let api: TestApi;
  let repo: string;
  before(async () => {
    api = await openApi({ presign: true });
    repo = await api.createRepo("schemas");
  });
  after(() => api?.close());

  const bad = { contract: false } as const;

  it("enforces the spec's enums, bounds and required nested fields", async () => {
    const reset = await api.call("PUT", `/repositories/${repo}/branches/main`, {
      json: { type: "everything" },
      ...bad,
    });
    assert.equal(reset.status, 400);
    assert.equal(
      reset.json.message,
      'request body has an error: doesn\'t match schema: field "type": must be equal to one of the allowed values',
    );

    const part = await api.call(
      "PUT",
      `/repositories/${repo}/branches/main/staging/pmpu/some-upload/parts/0?path=a`,
      { json: { physical_address: "x" }, ...bad },
    );
    assert.equal(part.status, 400);
    assert.equal(
      part.json.message,
      'parameter "partNumber" in params has an error: number must be at least 1',
    );

    const imported = await api.call("POST", `/repositories/${repo}/branches/main/import`, {
      json: { paths: [], commit: { metadata: {} } },
      ...bad,
    });
    assert.equal(imported.status, 400);
    assert.equal(
      imported.json.message,
      "request body has an error: doesn't match schema: field \"message\": must have required property 'message'",
    );
  });

  it("bounds every integer by its Go type, so a huge number is a 400 and never a crash", async () => {
    // Found by the fuzz test: 1e308 is an "integer" to JSON schema but no int64 to lakeFS.
    const record = await api.call("POST", `/repositories/${repo}/commits`, {
      json: {
        commit_id: "c",
        version: 1,
        committer: "me",
        message: "m",
        metarange_id: "m",
        creation_date: 1e308,
        parents: [],
        metadata: {},
        generation: 1,
      },
      ...bad,
    });
    assert.equal(record.status, 400);
    assert.equal(
      record.json.message,
      'request body has an error: doesn\'t match schema: field "creation_date": number must be an int64',
    );
    const retention = await api.call("PUT", `/repositories/${repo}/settings/gc_rules`, {
      json: { default_retention_days: -(2 ** 64), branches: [] },
      ...bad,
    });
    assert.equal(retention.status, 400);
    assert.match(retention.json.message, /field "default_retention_days": number must be an int64/);
    // A bound of the spec's own still wins over the type's range.
    const listed = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects/ls?amount=-1e300`,
      bad,
    );
    assert.equal(
      listed.json.message,
      'parameter "amount" in query has an error: number must be at least -1',
    );
  });

  it("checks repository names against the spec's pattern", async () => {
    const created = await api.call("POST", "/repositories", {
      json: { name: "Bad_Name", storage_namespace: "local://bad-name" },
      ...bad,
    });
    assert.equal(created.status, 400);
    assert.match(created.json.message, /field "name": must match pattern/);
  });

  it("validates the query of operations whose schema was never written by hand", async () => {
    const users = await api.call("GET", "/auth/users?amount=5000", bad);
    assert.equal(users.status, 400);
    assert.equal(
      users.json.message,
      'parameter "amount" in query has an error: number must be at most 1000',
    );
    const runs = await api.call("GET", `/repositories/${repo}/actions/runs?amount=x`, bad);
    assert.equal(runs.status, 400);
    assert.match(runs.json.message, /^parameter "amount" in query has an error/);
  });

  it("keeps the overrides: empty object paths, ids and keys are refused", async () => {
    const stat = await api.call("GET", `/repositories/${repo}/refs/main/objects/stat?path=`, bad);
    assert.equal(stat.status, 400);
    assert.equal(
      stat.json.message,
      'parameter "path" in query has an error: must NOT have fewer than 1 characters',
    );
    const branch = await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "", source: "main" },
      ...bad,
    });
    assert.equal(branch.status, 400);
    assert.match(branch.json.message, /field "name"/);
    const login = await api.call("POST", "/auth/login", {
      auth: null,
      json: { access_key_id: "", secret_access_key: "" },
      ...bad,
    });
    assert.equal(login.status, 400);
  });

  it("lets optional bodies be absent, validates them when sent", async () => {
    const pmpu = `/repositories/${repo}/branches/main/staging/pmpu`;
    const started = await api.call("POST", `${pmpu}?path=big.bin&parts=1`);
    assert.equal(started.status, 201);
    const upload = `${pmpu}/${started.json.upload_id}?path=big.bin`;

    const wrongBody = await api.call("DELETE", upload, { json: { physical_address: 7 }, ...bad });
    assert.equal(wrongBody.status, 400);
    assert.match(wrongBody.json.message, /field "physical_address": must be string/);
    // lakeFS's abort takes its body as optional; without one the upload is still aborted.
    const aborted = await api.call("DELETE", upload, bad);
    assert.equal(aborted.status, 204, aborted.text);

    // uploadPart's body has the same schema as abort's, but uploadPart requires it.
    const noPartBody = await api.call(
      "PUT",
      `${pmpu}/${started.json.upload_id}/parts/1?path=big.bin`,
      bad,
    );
    assert.equal(noPartBody.status, 400);
    assert.equal(
      noPartBody.json.message,
      "request body has an error: doesn't match schema: must be object",
    );

    // Completing and logging in need their bodies even though the spec makes them optional.
    const completed = await api.call("PUT", upload, bad);
    assert.equal(completed.status, 400);
    assert.equal(
      completed.json.message,
      "request body has an error: value is required but missing",
    );
    const login = await api.call("POST", "/auth/login", { auth: null, ...bad });
    assert.equal(login.status, 400);
    assert.equal(login.json.message, "request body has an error: value is required but missing");

    // A merge with no body takes the spec's defaults (here: nothing to merge).
    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "idle", source: "main" },
    });
    const merged = await api.call("POST", `/repositories/${repo}/refs/idle/merge/main`, bad);
    assert.equal(merged.status, 400);
    assert.equal(merged.json.message, "update branch main: no changes");
  });

  it("serves action runs under the spec's parameter names", async () => {
    const run = await api.call("GET", `/repositories/${repo}/actions/runs/no-such-run`, bad);
    assert.equal(run.status, 404);
    const output = await api.call(
      "GET",
      `/repositories/${repo}/actions/runs/no-such-run/hooks/h/output`,
      bad,
    );
    assert.equal(output.status, 404);
  });
});
