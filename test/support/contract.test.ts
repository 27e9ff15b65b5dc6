// Unit tests of the swagger contract checker itself: the inner fetch here is a canned responder,
// because what is under test is the checker's judgement of an exchange, not any server.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  ContractChecker,
  type ContractDeviation,
  ContractSpec,
  formatViolation,
  loadDeviations,
} from "./contract.js";

const spec = ContractSpec.load();
const base = "http://127.0.0.1:1/api/v1";

function respond(status: number, body?: unknown, contentType = "application/json"): typeof fetch {
  return async () => {
    if (body === undefined) return new Response(null, { status });
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return new Response(text, { status, headers: { "content-type": contentType } });
  };
}

function checker(deviations: readonly ContractDeviation[] = []) {
  return new ContractChecker({ spec, deviations });
}

const repository = {
  id: "repo1",
  creation_date: 1700000000,
  default_branch: "main",
  storage_namespace: "local://repo1",
  storage_id: "",
  read_only: false,
};

describe("contract checker", () => {
  test("a conforming exchange records nothing", async () => {
    const c = checker();
    const res = await c.wrap(respond(200, repository))(`${base}/repositories/repo1`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), repository, "the caller still reads the body");
    assert.deepEqual(c.violations, []);
    c.assertClean();
  });

  test("a bad response body is caught with operation, status and field", async () => {
    const c = checker();
    await c.wrap(respond(200, { ...repository, creation_date: "yesterday" }))(
      `${base}/repositories/repo1`,
    );
    assert.equal(c.violations.length, 1);
    const [v] = c.violations;
    assert.equal(v?.operation, "getRepository");
    assert.equal(v?.status, 200);
    assert.equal(v?.part, "response");
    assert.equal(v?.field, "/creation_date");
    assert.throws(() => c.assertClean(), /getRepository 200 response \/creation_date: must be/);
    assert.deepEqual(c.violations, [], "assertClean forgets what it reported");
  });

  test("a missing required field and an undeclared field are both caught", async () => {
    const c = checker();
    const { default_branch: _, ...partial } = repository;
    await c.wrap(respond(200, { ...partial, creationDate: 1 }))(`${base}/repositories/repo1`);
    const messages = c.violations.map(formatViolation).join("\n");
    assert.match(messages, /must have required property 'default_branch'/);
    assert.match(messages, /must NOT have additional properties \(creationDate\)/);
  });

  test("nullable fields accept null", async () => {
    const c = checker();
    const location = { physical_address: "local://x/data/1", presigned_url: null };
    await c.wrap(respond(200, location))(
      `${base}/repositories/r/branches/main/staging/backing?path=a`,
    );
    assert.deepEqual(c.violations, []);
  });

  test("unknown paths and methods are route violations", async () => {
    const c = checker();
    await c.wrap(respond(404, { message: "nope" }))(`${base}/no/such/thing`);
    await c.wrap(respond(200, repository))(`${base}/repositories/repo1`, { method: "PATCH" });
    assert.deepEqual(
      c.violations.map((v) => [v.part, v.message]),
      [
        ["route", "no such path"],
        ["route", "method PATCH not declared for this path"],
      ],
    );
  });

  test("a status the operation does not declare is caught unless `default` covers it", async () => {
    const c = checker();
    await c.wrap(respond(500, { message: "boom" }))(`${base}/healthcheck`);
    await c.wrap(respond(500, { message: "boom" }))(`${base}/repositories/repo1`);
    assert.equal(c.violations.length, 1);
    assert.equal(c.violations[0]?.operation, "healthCheck");
    assert.equal(c.violations[0]?.part, "status");
  });

  test("error bodies must have the Error shape", async () => {
    const c = checker();
    await c.wrap(respond(404, { error: "not found" }))(`${base}/repositories/nope`);
    const fields = c.violations.map((v) => `${v.status} ${v.field} ${v.message}`);
    assert.ok(fields.some((f) => f.includes("404 / must have required property 'message'")));
  });

  test("query parameters are declared, required and typed", async () => {
    const c = checker();
    const fetch = c.wrap(respond(200, { results: [], pagination: pagination() }));
    await fetch(`${base}/repositories/r/refs/main/objects/ls?presign=yes&bogus=1&amount=10`);
    await fetch(`${base}/repositories/r/refs/main/objects/stat`); // path is required
    const lines = c.violations.map((v) => `${v.field}: ${v.message}`);
    assert.ok(lines.some((l) => l.startsWith("presign: must be boolean")));
    assert.ok(lines.includes("bogus: undeclared query parameter"));
    assert.ok(lines.includes("path: required query parameter missing"));
    assert.ok(!lines.some((l) => l.startsWith("amount")));
  });

  test("request bodies are validated against the operation's schema", async () => {
    const c = checker();
    const fetch = c.wrap(respond(201, "abc123", "text/html"));
    const url = `${base}/repositories/r/branches`;
    const json = { "content-type": "application/json" };
    await fetch(url, { method: "POST", headers: json, body: JSON.stringify({ name: "b" }) });
    await fetch(url, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
    await fetch(url, { method: "POST" });
    await fetch(
      new Request(url, { method: "POST", headers: json, body: JSON.stringify({ name: 1 }) }),
    );
    const lines = c.violations.map((v) => `${v.operation} ${v.part} ${v.field}: ${v.message}`);
    assert.deepEqual(lines, [
      "createBranch request /: must have required property 'source'",
      "createBranch request undefined: content-type text/plain not declared (application/json)",
      "createBranch request undefined: required request body missing",
      "createBranch request /: must have required property 'source'",
      "createBranch request /name: must be string",
    ]);
  });

  test("a response with the wrong content type is caught", async () => {
    const c = checker();
    await c.wrap(respond(201, { id: "abc" }))(`${base}/repositories/r/branches`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "b", source: "main" }),
    });
    assert.equal(c.violations.length, 1);
    assert.match(c.violations[0]?.message ?? "", /content-type application\/json not declared/);
  });

  test("a body on a response declared empty is caught", async () => {
    const c = checker();
    // fetch's Response refuses a 204 with a body, which a misbehaving server can still send.
    const noContentWithBody: typeof fetch = async () => {
      const res = new Response('{"ok":true}', { headers: { "content-type": "application/json" } });
      return Object.defineProperty(res, "status", { value: 204 });
    };
    await c.wrap(noContentWithBody)(`${base}/repositories/r`, { method: "DELETE" });
    assert.match(formatViolation(c.violations[0]!), /deleteRepository 204 response: undeclared/);
  });

  test("requests outside /api/v1 (presigned data URLs) are not checked", async () => {
    const c = checker();
    await c.wrap(respond(200, "bytes", "application/octet-stream"))(
      "http://127.0.0.1:1/_data/x?sig=1",
    );
    assert.deepEqual(c.violations, []);
  });

  test("listed deviations are accepted; unlisted ones are not", async () => {
    const c = checker([{ operation: "getRepository", status: 200, reason: "testing" }]);
    const bad = respond(200, { ...repository, creation_date: "x" });
    await c.wrap(bad)(`${base}/repositories/r`);
    await c.wrap(respond(404, {}))(`${base}/repositories/r`);
    assert.deepEqual(
      c.violations.map((v) => v.status),
      [404],
    );
  });

  test("the deviations file needs a reason for every entry", () => {
    const dir = mkdtempSync(join(tmpdir(), "contract-"));
    const file = join(dir, "deviations.json");
    writeFileSync(file, JSON.stringify([{ operation: "getRepository" }]));
    assert.throws(() => loadDeviations(file), /"reason" is required/);
    writeFileSync(file, JSON.stringify([{ operation: "getRepository", reason: "why" }]));
    assert.equal(loadDeviations(file).length, 1);
    assert.ok(Array.isArray(loadDeviations()), "the shipped deviations file loads");
  });
});

function pagination() {
  return { has_more: false, next_offset: "", results: 0, max_per_page: 1000 };
}
