import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openApi, type TestApi } from "./http-helpers.js";

// lakeFS parses query booleans like Go's strconv.ParseBool; the official Python SDK sends
// `presign=False`, so anything narrower breaks every Python read.
describe("HTTP query booleans", () => {
  let api: TestApi;
  let repo: string;
  before(async () => {
    api = await openApi();
    repo = await api.createRepo("bools");
    const put = await api.call("POST", `/repositories/${repo}/branches/main/objects?path=a`, {
      body: "x",
    });
    assert.equal(put.status, 201);
  });
  after(() => api?.close());

  for (const value of [
    "true",
    "True",
    "TRUE",
    "t",
    "T",
    "1",
    "false",
    "False",
    "FALSE",
    "f",
    "F",
    "0",
  ]) {
    it(`accepts ${value}`, async () => {
      const res = await api.call(
        "GET",
        `/repositories/${repo}/refs/main/objects/stat?path=a&user_metadata=${value}`,
        { contract: false }, // the spec's schema says "boolean"; the wire spelling is the point here
      );
      assert.equal(res.status, 200);
    });
  }

  for (const value of ["yes", "no", "2", "", "tru"]) {
    it(`refuses ${JSON.stringify(value)} with a 400`, async () => {
      const res = await api.call(
        "GET",
        `/repositories/${repo}/refs/main/objects/stat?path=a&user_metadata=${value}`,
        { contract: false }, // the spec's schema says "boolean"; the wire spelling is the point here
      );
      assert.equal(res.status, 400);
      assert.equal(typeof res.json.message, "string");
    });
  }
});
