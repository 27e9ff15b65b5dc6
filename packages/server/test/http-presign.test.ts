import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { Presigner } from "../src/auth/presign.js";
import { loadOrCreateSecret } from "../src/auth/secret.js";
import { openApi, readReply, type TestApi } from "./http-helpers.js";

const md5 = (data: string | Uint8Array) => createHash("md5").update(data).digest("hex");

describe("HTTP presigned URLs, staging links and presigned multipart", () => {
  let api: TestApi;
  let repo: string;
  before(async () => {
    api = await openApi({ presign: true });
    repo = await api.createRepo("presign");
    await api.upload(repo, "main", "data.txt", "presigned bytes");
  });
  after(() => api?.close());

  const statPresigned = async (path: string) => {
    const r = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects/stat?path=${encodeURIComponent(path)}&presign=true`,
    );
    assert.equal(r.status, 200);
    return r.json as { physical_address: string; physical_address_expiry: number };
  };

  it("reports presign support in the storage config", async () => {
    const storage = await api.call("GET", "/config/storage");
    assert.equal(storage.json.pre_sign_support, true);
    assert.equal(storage.json.pre_sign_multipart_upload, true);
  });

  it("hands out expiring GET URLs through stat, list and a 302 from getObject", async () => {
    const stat = await statPresigned("data.txt");
    assert.match(stat.physical_address, /^http:\/\/127\.0\.0\.1:\d+\/_lakefs_presigned\?/);
    const now = Date.now() / 1000;
    assert.ok(stat.physical_address_expiry > now + 14 * 60);
    assert.ok(stat.physical_address_expiry <= now + 15 * 60 + 1);

    const full = await fetch(stat.physical_address);
    assert.equal(full.status, 200);
    assert.equal(await full.text(), "presigned bytes");
    assert.equal(full.headers.get("etag"), `"${md5("presigned bytes")}"`);
    const part = await fetch(stat.physical_address, { headers: { range: "bytes=10-" } });
    assert.equal(part.status, 206);
    assert.equal(await part.text(), "bytes");
    assert.equal(part.headers.get("content-range"), "bytes 10-14/15");
    const head = await fetch(stat.physical_address, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), "15");
    const beyond = await fetch(stat.physical_address, { headers: { range: "bytes=99-" } });
    assert.equal(beyond.status, 416);

    const redirect = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects?path=data.txt&presign=true`,
    );
    assert.equal(redirect.status, 302);
    const location = redirect.headers.get("location")!;
    assert.equal(await (await fetch(location)).text(), "presigned bytes");

    const list = await api.call("GET", `/repositories/${repo}/refs/main/objects/ls?presign=true`);
    const listed = list.json.results.find((o: { path: string }) => o.path === "data.txt");
    assert.match(listed.physical_address, /\/_lakefs_presigned\?/);
    assert.equal(typeof listed.physical_address_expiry, "number");
  });

  it("refuses tampered, incomplete, expired or misused URLs with 403", async () => {
    const { physical_address: url } = await statPresigned("data.txt");
    const u = new URL(url);
    const target = u.searchParams.get("target")!;

    const tampered = new URL(url);
    tampered.searchParams.set("target", target.replace("data", "dat4"));
    const wrongSig = new URL(url);
    wrongSig.searchParams.set("signature", `A${u.searchParams.get("signature")!.slice(1)}`);
    const later = new URL(url);
    later.searchParams.set("expires", String(Number(u.searchParams.get("expires")) + 3600));
    const noSig = new URL(url);
    noSig.searchParams.delete("signature");
    // The last character of a 32-byte base64url value carries 2 unused bits; flipping one
    // decodes to the same bytes, and must still be refused.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const sig = u.searchParams.get("signature")!;
    const sloppy = new URL(url);
    sloppy.searchParams.set(
      "signature",
      sig.slice(0, -1) + alphabet[alphabet.indexOf(sig.at(-1)!) ^ 1],
    );
    for (const bad of [tampered, wrongSig, later, noSig, sloppy]) {
      const r = await readReply(await fetch(bad));
      assert.equal(r.status, 403, bad.search);
      assert.equal(typeof r.json.message, "string");
    }

    // A correctly signed URL whose time has passed.
    const presigner = new Presigner(loadOrCreateSecret(api.server.dataDir));
    const expired = presigner.signUrl({
      baseUrl: `${u.origin}${u.pathname}`,
      method: "GET",
      target,
      expiresAt: Math.floor(Date.now() / 1000) - 1,
    });
    const r = await readReply(await fetch(expired));
    assert.deepEqual([r.status, r.json.message], [403, "presigned URL expired"]);

    // A GET URL does not allow writing.
    const put = await fetch(url, { method: "PUT", body: "overwrite" });
    assert.equal(put.status, 403);
    assert.equal(await (await fetch(url)).text(), "presigned bytes");
  });

  it("writes through a presigned PUT and links the address into the branch", async () => {
    const backing = await api.call(
      "GET",
      `/repositories/${repo}/branches/main/staging/backing?path=linked.bin&presign=true`,
    );
    assert.equal(backing.status, 200);
    const { physical_address, presigned_url, presigned_url_expiry } = backing.json;
    assert.match(physical_address, /^local:\/\/\/.+\/presign\/data\//);
    assert.ok(presigned_url_expiry > Date.now() / 1000);

    const put = await fetch(presigned_url, { method: "PUT", body: "linked bytes" });
    assert.equal(put.status, 200);
    const etag = put.headers.get("etag")!;
    assert.equal(etag, `"${md5("linked bytes")}"`);

    const linkPath = `/repositories/${repo}/branches/main/staging/backing?path=linked.bin`;
    const staging = { physical_address };
    const link = await api.call("PUT", linkPath, {
      json: { staging, checksum: etag, size_bytes: 12, user_metadata: { via: "link" } },
    });
    assert.equal(link.status, 200);
    assert.equal(link.json.checksum, md5("linked bytes"));
    assert.deepEqual(link.json.metadata, { via: "link" });
    const read = await api.call("GET", `/repositories/${repo}/refs/main/objects?path=linked.bin`);
    assert.equal(read.text, "linked bytes");

    const again = await api.call("PUT", linkPath, {
      json: { staging, checksum: etag, size_bytes: 12 },
      headers: { "if-none-match": "*" },
    });
    assert.deepEqual([again.status, again.json.message], [412, "Precondition failed"]);
    const noChecksum = await api.call("PUT", linkPath, {
      json: { staging, checksum: "", size_bytes: 12 },
    });
    assert.deepEqual([noChecksum.status, noChecksum.json.message], [400, "checksum is required"]);
    const wrongSize = await api.call("PUT", linkPath, {
      json: { staging, checksum: etag, size_bytes: 13 },
    });
    assert.equal(wrongSize.status, 400);
    const outside = await api.call("PUT", linkPath, {
      json: { staging: { physical_address: "local:///etc/passwd" }, checksum: "x", size_bytes: 1 },
    });
    assert.ok([400, 403].includes(outside.status), String(outside.status));
    const unwritten = await api.call(
      "GET",
      `/repositories/${repo}/branches/main/staging/backing?path=never.bin`,
    );
    const neverPath = `/repositories/${repo}/branches/main/staging/backing?path=never.bin`;
    const linkNever = (size_bytes: number) =>
      api.call("PUT", neverPath, {
        json: {
          staging: { physical_address: unwritten.json.physical_address },
          checksum: "d41d8cd98f00b204e9800998ecf8427e",
          size_bytes,
        },
      });
    // Nothing written there: a claimed size other than 0 is refused (410 No data)...
    const ghost = await linkNever(5);
    assert.deepEqual([ghost.status, ghost.json.message], [410, "No data"]);
    // ...while 0 bytes link as an empty object, as lakeFS does.
    const empty = await linkNever(0);
    assert.equal(empty.status, 200, empty.text);
    assert.equal(empty.json.size_bytes, 0);
    assert.equal(empty.json.physical_address, unwritten.json.physical_address);
    const emptyRead = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects?path=never.bin`,
    );
    assert.deepEqual([emptyRead.status, emptyRead.text], [200, ""]);
    // An address outside data/ is never written by a link.
    const foreign = await api.call("PUT", neverPath, {
      json: { staging: { physical_address: "elsewhere/x" }, checksum: "abc", size_bytes: 0 },
    });
    assert.equal(foreign.status, 410);
  });

  it("runs a presigned multipart upload: create, upload parts, complete; abort discards", async () => {
    const base = `/repositories/${repo}/branches/main/staging/pmpu`;
    const created = await api.call("POST", `${base}?path=big.bin&parts=2`);
    assert.equal(created.status, 201);
    const { upload_id, physical_address, presigned_urls } = created.json;
    assert.equal(presigned_urls.length, 2);

    const parts = [Buffer.alloc(5 * 1024 * 1024, "a"), Buffer.from("tail")];
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) {
      const r = await fetch(presigned_urls[i], { method: "PUT", body });
      assert.equal(r.status, 200);
      etags.push(r.headers.get("etag")!);
    }
    // A URL for one more part can be requested later.
    const extra = await api.call("PUT", `${base}/${upload_id}/parts/3?path=big.bin`, {
      json: { physical_address },
    });
    assert.equal(extra.status, 200);
    assert.match(extra.json.presigned_url, /\/_lakefs_presigned\?/);

    const empty = await api.call("PUT", `${base}/${upload_id}?path=big.bin`, {
      json: { physical_address, parts: [] },
    });
    assert.equal(empty.status, 400);
    const done = await api.call("PUT", `${base}/${upload_id}?path=big.bin`, {
      json: {
        physical_address,
        parts: etags.map((etag, i) => ({ part_number: i + 1, etag })),
        content_type: "application/x-big",
      },
    });
    assert.equal(done.status, 200, done.text);
    const expectedEtag = `${createHash("md5")
      .update(Buffer.concat(parts.map((p) => createHash("md5").update(p).digest())))
      .digest("hex")}-2`;
    assert.equal(done.json.checksum, expectedEtag);
    assert.equal(done.json.size_bytes, 5 * 1024 * 1024 + 4);
    const tail = await api.call("GET", `/repositories/${repo}/refs/main/objects?path=big.bin`, {
      headers: { range: "bytes=-4" },
      contract: false,
    });
    assert.equal(tail.text, "tail");

    const second = await api.call("POST", `${base}?path=aborted.bin&parts=1`);
    const abort = await api.call("DELETE", `${base}/${second.json.upload_id}?path=aborted.bin`, {
      json: { physical_address: second.json.physical_address },
    });
    assert.equal(abort.status, 204);
    const afterAbort = await fetch(second.json.presigned_urls[0], { method: "PUT", body: "x" });
    assert.ok(afterAbort.status >= 400 && afterAbort.status < 500, String(afterAbort.status));
    const unknown = await api.call("DELETE", `${base}/${"0".repeat(32)}?path=x`, {
      json: { physical_address: "x" },
    });
    assert.equal(unknown.status, 404);
    const tooMany = await api.call("POST", `${base}?path=x&parts=10001`, { contract: false });
    assert.equal(tooMany.status, 400);
  });

  it("refuses a completion claiming another upload's address before touching either upload", async () => {
    const base = `/repositories/${repo}/branches/main/staging/pmpu`;
    const start = async (path: string) => {
      const created = await api.call("POST", `${base}?path=${path}&parts=1`);
      assert.equal(created.status, 201);
      const put = await fetch(created.json.presigned_urls[0], { method: "PUT", body: path });
      assert.equal(put.status, 200);
      return { ...created.json, etag: put.headers.get("etag")! };
    };
    const a = await start("a.bin");
    const b = await start("b.bin");
    const onDisk = (physical: string) => existsSync(physical.replace(/^local:\/\//, ""));
    const complete = (upload: typeof a, physical_address: string, r = repo) =>
      api.call("PUT", `/repositories/${r}/branches/main/staging/pmpu/${upload.upload_id}?path=x`, {
        json: { physical_address, parts: [{ part_number: 1, etag: upload.etag }] },
        contract: false,
      });

    const stolen = await complete(a, b.physical_address);
    assert.equal(stolen.status, 400);
    assert.equal(stolen.json.message, "physical_address does not belong to this upload");
    // Neither address holds an object: nothing was renamed, so nothing is orphaned.
    assert.equal(onDisk(a.physical_address), false);
    assert.equal(onDisk(b.physical_address), false);

    // Another repository cannot complete it either, even naming the right address.
    const other = await api.createRepo("presign-other");
    const foreign = await complete(a, a.physical_address, other);
    assert.equal(foreign.status, 400, foreign.text);
    assert.equal(onDisk(a.physical_address), false);

    // The refused upload is intact: its owner completes it.
    const done = await complete(a, a.physical_address);
    assert.equal(done.status, 200, done.text);
    assert.equal(onDisk(a.physical_address), true);
    const read = await api.call("GET", `/repositories/${repo}/refs/main/objects?path=x`, {
      contract: false,
    });
    assert.equal(read.text, "a.bin");
  });

  it("refuses a link under If-None-Match or to a protected branch before writing anything", async () => {
    const backing = await api.call(
      "GET",
      `/repositories/${repo}/branches/main/staging/backing?path=data.txt`,
    );
    const { physical_address } = backing.json;
    const link = (headers: Record<string, string> = {}) =>
      api.call("PUT", `/repositories/${repo}/branches/main/staging/backing?path=data.txt`, {
        json: { staging: { physical_address }, checksum: "abc", size_bytes: 0 },
        headers,
        contract: false,
      });
    const refused = await link({ "if-none-match": "*" });
    assert.equal(refused.status, 412);
    // A zero-size link of an unwritten address would create an empty file: not when refused.
    assert.equal(existsSync(physical_address.replace(/^local:\/\//, "")), false);

    const rules = `/repositories/${repo}/settings/branch_protection`;
    const set = await api.call("PUT", rules, { json: [{ pattern: "main" }], contract: false });
    assert.equal(set.status, 204, set.text);
    try {
      const protectedLink = await link();
      assert.equal(protectedLink.status, 403);
      assert.equal(existsSync(physical_address.replace(/^local:\/\//, "")), false);
    } finally {
      await api.call("PUT", rules, { json: [], contract: false });
    }
  });
});
