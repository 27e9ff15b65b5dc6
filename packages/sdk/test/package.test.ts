import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { SDK_VERSION } from "../src/api/version.js";
import * as errors from "../src/errors.js";
import * as sdk from "../src/index.js";

const src = new URL("../src/", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("package", () => {
  it("sends the package.json version in X-Lakefs-Client", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    assert.equal(SDK_VERSION, pkg.version);
  });

  it("keeps node: imports out of the runtime-agnostic core", () => {
    const offenders = sources(src)
      .filter((f) => !relative(src, f).startsWith("node/"))
      .filter((f) => /from\s+["']node:|import\s*\(\s*["']node:/.test(readFileSync(f, "utf8")))
      .map((f) => relative(src, f));
    assert.deepEqual(offenders, []);
  });

  it("exports the resource handles, client and errors", () => {
    for (const name of [
      "Client",
      "Repository",
      "Branch",
      "Tag",
      "Reference",
      "ImportManager",
      "StoredObject",
      "WriteableObject",
      "repository",
      "repositories",
      "isLakeFSError",
    ]) {
      assert.ok(name in sdk, name);
    }
  });
});

describe("errorForStatus", () => {
  const init = (status: number) => ({ status, message: "m" });
  const cases: [number, new (...args: never[]) => errors.ServerError][] = [
    [400, errors.BadRequestError],
    [401, errors.NotAuthorizedError],
    [403, errors.PermissionError],
    [404, errors.NotFoundError],
    [405, errors.UnsupportedOperationError],
    [409, errors.ConflictError],
    [410, errors.GoneError],
    [412, errors.PreconditionFailedError],
    [416, errors.RangeNotSatisfiableError],
    [429, errors.TooManyRequestsError],
    [500, errors.ServerError],
    [501, errors.UnsupportedOperationError],
    [503, errors.ServerError],
  ];
  for (const [status, cls] of cases) {
    it(`${status} → ${cls.name}`, () => {
      const error = errors.errorForStatus(init(status));
      assert.equal(error.constructor, cls);
      assert.equal(error.status, status);
      assert.ok(errors.isLakeFSError(error));
    });
  }

  it("uses the object variants for object requests, within the same families", () => {
    const missing = errors.errorForStatus(init(404), { object: true });
    assert.ok(
      missing instanceof errors.ObjectNotFoundError && missing instanceof errors.NotFoundError,
    );
    const exists = errors.errorForStatus(init(412), { object: true });
    assert.ok(
      exists instanceof errors.ObjectExistsError &&
        exists instanceof errors.PreconditionFailedError,
    );
    assert.ok(errors.errorForStatus(init(403)) instanceof errors.NotAuthorizedError);
    assert.equal(errors.errorForStatus(init(403)).name, "PermissionError");
  });

  it("keeps the request id and the size of a 416", () => {
    const headers = new Headers({ "x-request-id": "req-1", "content-range": "bytes */7" });
    const error = errors.errorForStatus({ status: 416, message: "m", headers });
    assert.equal(error.requestId, "req-1");
    assert.equal((error as errors.RangeNotSatisfiableError).size, 7);
  });
});
