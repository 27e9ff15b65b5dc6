/**
 * Server bugs the fuzzers found, pinned down: each case once answered 500 or corrupted a branch.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openTarget, type TestTarget } from "../support/lakefs.js";
import { call, expectStatus } from "./support/api.js";

describe("fuzzer findings", () => {
  let target: TestTarget;
  let endpoint: string;
  const commitsPath = "/repositories/reg/branches/main/commits";

  before(async () => {
    target = await openTarget();
    endpoint = target.endpoint;
    await expectStatus(endpoint, "POST", "/repositories", 201, {
      json: { name: "reg", storage_namespace: "local://reg", default_branch: "main" },
    });
  });
  after(() => target.close());

  it("refuses a commit source_metarange that is malformed or does not exist, leaving the branch readable", async () => {
    for (const source of [".", "\u0000", "9".repeat(40), "f".repeat(64)]) {
      const res = await call(endpoint, "POST", commitsPath, {
        query: { source_metarange: source },
        json: { message: "m", allow_empty: true },
      });
      assert.ok(
        res.status === 400 || res.status === 404,
        `${JSON.stringify(source)} → ${res.status} ${res.bytes}`,
      );
    }
    const listed = await call(endpoint, "GET", "/repositories/reg/refs/main/objects/ls");
    assert.equal(listed.status, 200, listed.bytes.toString());
  });

  it("answers a commit date outside the representable range with 400", async () => {
    await expectStatus(endpoint, "POST", "/repositories/reg/branches/main/objects", 201, {
      query: { path: "x" },
      raw: Buffer.from("x"),
    });
    for (const date of [1e308, -1e300, 2 ** 63]) {
      const res = await call(endpoint, "POST", commitsPath, { json: { message: "m", date } });
      assert.equal(res.status, 400, `date ${date} → ${res.status} ${res.bytes}`);
    }
    await expectStatus(endpoint, "POST", commitsPath, 201, {
      json: { message: "m", date: 1_700_000_000 },
    });
  });
});
