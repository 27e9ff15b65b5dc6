/**
 * `GET …/metadata/object/{range|meta_range}/{id}` serves the repository's tree files (our format,
 * not lakeFS's SSTables), and `…/metadata/{meta_range|range}/{id}` says where they live.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeMetarange } from "../src/engine/tree/format.js";
import { openApi, type TestApi } from "./http-helpers.js";

describe("HTTP metadata objects (ranges and metaranges)", () => {
  let api: TestApi;
  let repo: string;
  let metarangeId: string;
  before(async () => {
    api = await openApi();
    repo = await api.createRepo("meta-objects");
    const put = await api.call("POST", `/repositories/${repo}/branches/main/objects?path=a.txt`, {
      body: "hello",
      headers: { "content-type": "application/octet-stream" },
    });
    assert.equal(put.status, 201, put.text);
    const commit = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: { message: "one object" },
    });
    metarangeId = commit.json.meta_range_id;
    assert.match(metarangeId, /^[0-9a-f]{64}$/);
  });
  after(() => api?.close());

  const objectPath = (type: string, id: string) =>
    `/repositories/${repo}/metadata/object/${type}/${id}`;

  async function fetchBytes(
    path: string,
  ): Promise<{ status: number; bytes: Buffer; type: string }> {
    const response = await fetch(api.endpoint + path, { headers: { authorization: api.auth } });
    return {
      status: response.status,
      bytes: Buffer.from(await response.arrayBuffer()),
      type: response.headers.get("content-type") ?? "",
    };
  }

  it("serves a metarange and its ranges, byte for byte (content-addressed by SHA-256)", async () => {
    const meta = await fetchBytes(objectPath("meta_range", metarangeId));
    assert.equal(meta.status, 200);
    assert.equal(meta.type, "application/octet-stream");
    assert.equal(createHash("sha256").update(meta.bytes).digest("hex"), metarangeId);
    const [range] = decodeMetarange(meta.bytes);
    assert.ok(range);
    const rangeFile = await fetchBytes(objectPath("range", range.id));
    assert.equal(rangeFile.status, 200);
    assert.equal(createHash("sha256").update(rangeFile.bytes).digest("hex"), range.id);
    assert.ok(rangeFile.bytes.includes(Buffer.from("a.txt")));
  });

  it("answers 404 for an unknown id or a file of the other kind", async () => {
    const unknown = await api.call("GET", objectPath("range", "0".repeat(64)), {
      contract: false,
    });
    assert.deepEqual([unknown.status, unknown.json.message], [404, "not found"]);
    const wrongKind = await api.call("GET", objectPath("range", metarangeId), { contract: false });
    assert.equal(wrongKind.status, 404);
    const noRepo = await api.call(
      "GET",
      `/repositories/no-such-repo/metadata/object/range/${metarangeId}`,
      { contract: false },
    );
    assert.deepEqual([noRepo.status, noRepo.json.message], [404, "repository not found"]);
  });

  it("refuses ids that are not 64 hex digits, so no path can escape the tree directory", async () => {
    const ids = [
      "..%2F..%2Fmetadata.db",
      "..%2F_lakefs%2Fdummy",
      "dummy",
      metarangeId.toUpperCase(),
      `${metarangeId}0`,
      metarangeId.slice(1),
      "%2Fetc%2Fpasswd",
    ];
    for (const id of ids) {
      const r = await api.call("GET", objectPath("meta_range", id), { contract: false });
      assert.ok([400, 404].includes(r.status), `${id}: ${r.status}`);
      assert.ok(!r.headers.get("content-type")?.includes("octet-stream"), id);
    }
    const bad = await api.call("GET", objectPath("range", "xyz"), { contract: false });
    assert.deepEqual([bad.status, bad.json.message], [400, "argument object_id: invalid value"]);
    const badType = await api.call("GET", objectPath("object", metarangeId), { contract: false });
    assert.equal(badType.status, 400);
  });

  it("says where a metarange or range file lives (StorageURI and Location)", async () => {
    const where = await api.call("GET", `/repositories/${repo}/metadata/meta_range/${metarangeId}`);
    assert.equal(where.status, 200);
    assert.match(where.json.location, new RegExp(`^local:///.*/_lakefs/${metarangeId}$`));
    assert.equal(where.headers.get("location"), where.json.location);
    const onDisk = readFileSync(fileURLToPath(where.json.location.replace(/^local:/, "file:")));
    assert.equal(createHash("sha256").update(onDisk).digest("hex"), metarangeId);
    const missing = await api.call(
      "GET",
      `/repositories/${repo}/metadata/range/${"1".repeat(64)}`,
      {
        contract: false,
      },
    );
    assert.equal(missing.status, 404);
  });
});
