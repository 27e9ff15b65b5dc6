import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Branch } from "../src/branch.js";
import { Client } from "../src/client.js";
import { DeleteObjectsError, InvalidArgumentError } from "../src/errors.js";

/** Client-side logic of deleteObjects: batching and error aggregation (wire format per swagger). */
describe("Branch.deleteObjects batching", () => {
  it("sends at most 1000 paths per request and collects per-path errors from every batch", async () => {
    const batches: string[][] = [];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      const { paths } = JSON.parse(String(init.body)) as { paths: string[] };
      batches.push(paths);
      const errors = paths
        .filter((p) => p.endsWith("7"))
        .map((path) => ({ path, status_code: 403, message: "insufficient permissions" }));
      return new Response(JSON.stringify({ errors }), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    }) as typeof fetch;
    const client = new Client({
      endpoint: "http://lakefs.invalid",
      credentials: { token: "t" },
      fetch: fakeFetch,
    });
    const branch = new Branch("repo", "main", { client });
    const paths = Array.from({ length: 2003 }, (_, i) => `p/${i}`);
    const error = await branch.deleteObjects(paths).catch((e: unknown) => e);
    assert.deepEqual(
      batches.map((b) => b.length),
      [1000, 1000, 3],
    );
    assert.deepEqual(batches.flat(), paths);
    assert.ok(error instanceof DeleteObjectsError);
    assert.equal(error.errors.length, paths.filter((p) => p.endsWith("7")).length);
    assert.deepEqual(error.errors[0], {
      path: "p/7",
      statusCode: 403,
      message: "insufficient permissions",
    });
    assert.match(error.message, /could not be deleted, first: p\/7/);
  });

  it("sends nothing for an empty list and rejects empty paths before sending", async () => {
    let calls = 0;
    const client = new Client({
      endpoint: "http://lakefs.invalid",
      credentials: { token: "t" },
      fetch: (async () => {
        calls += 1;
        return new Response("{}");
      }) as typeof fetch,
    });
    const branch = new Branch("repo", "main", { client });
    await branch.deleteObjects([]);
    await assert.rejects(branch.deleteObjects(["ok", ""]), InvalidArgumentError);
    assert.equal(calls, 0);
  });
});
