import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  openApi,
  stalledBody,
  streamedPrefix,
  type TestApi,
  untilUploadStreams,
} from "./http-helpers.js";

const md5 = (data: string | Uint8Array) => createHash("md5").update(data).digest("hex");
const q = encodeURIComponent;

describe("HTTP objects", () => {
  let api: TestApi;
  let repo: string;
  before(async () => {
    api = await openApi();
    repo = await api.createRepo("objects");
  });
  after(() => api?.close());

  const objects = (ref: string, path: string, extra = "") =>
    `/repositories/${repo}/refs/${ref}/objects?path=${q(path)}${extra}`;
  const upload = (path: string, extra = "") =>
    `/repositories/${repo}/branches/main/objects?path=${q(path)}${extra}`;

  it("uploads a raw body with metadata headers and reads it back with its headers", async () => {
    const put = await api.call("POST", upload("docs/hello world.txt"), {
      body: "hello world",
      headers: {
        "content-type": "application/octet-stream",
        "x-lakefs-meta-Owner": "alice",
        "x-lakefs-meta-stage": "raw",
      },
    });
    assert.equal(put.status, 201);
    assert.equal(put.json.path, "docs/hello world.txt");
    assert.equal(put.json.path_type, "object");
    assert.equal(put.json.checksum, md5("hello world"));
    assert.equal(put.json.size_bytes, 11);
    assert.equal(put.json.content_type, "application/octet-stream");
    assert.deepEqual(put.json.metadata, { owner: "alice", stage: "raw" });
    assert.match(put.json.physical_address, /^local:\/\/\/.+\/objects\/data\/.+/);

    const get = await api.call("GET", objects("main", "docs/hello world.txt"));
    assert.equal(get.status, 200);
    assert.equal(get.text, "hello world");
    assert.equal(get.headers.get("etag"), `"${md5("hello world")}"`);
    assert.equal(get.headers.get("content-length"), "11");
    assert.equal(get.headers.get("content-type"), "application/octet-stream");
    // lakeFS's headers exactly; nosniff + a sandboxing CSP keep served files inert in a browser.
    assert.equal(get.headers.get("content-disposition"), "inline");
    assert.equal(get.headers.get("cache-control"), "no-store, must-revalidate");
    assert.equal(get.headers.get("x-content-type-options"), "nosniff");
    assert.equal(get.headers.get("content-security-policy"), "sandbox");
    assert.equal(new Date(get.headers.get("last-modified")!).getTime(), put.json.mtime * 1000);

    const stat = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects/stat?path=${q("docs/hello world.txt")}`,
    );
    assert.deepEqual(stat.json, put.json);
    const bare = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects/stat?path=${q("docs/hello world.txt")}&user_metadata=false`,
    );
    assert.deepEqual(bare.json.metadata, {});
  });

  it("stores lakectl's X-Lakefs-Internal-* upload headers as ::lakefs:: user metadata", async () => {
    // lakectl local sends these (lakeFS 1.84 stores them; without them every file it committed
    // shows as modified).
    const put = await api.call("POST", upload("local/link"), {
      body: "",
      headers: {
        "X-Lakefs-Internal-client-mtime": "1700000000",
        "X-Lakefs-Internal-symlink-target": "../target.txt",
        "x-lakefs-meta-owner": "bob",
        "x-lakefs-internal-": "ignored: no name",
      },
    });
    assert.equal(put.status, 201);
    const expected = {
      "::lakefs::client-mtime": "1700000000",
      "::lakefs::symlink-target": "../target.txt",
      owner: "bob",
    };
    assert.deepEqual(put.json.metadata, expected);
    const stat = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects/stat?path=${q("local/link")}&user_metadata=true`,
    );
    assert.deepEqual(stat.json.metadata, expected);
    const list = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects/ls?prefix=local/&user_metadata=true`,
    );
    assert.deepEqual(list.json.results[0].metadata, expected);
    const get = await api.call("GET", objects("main", "local/link"));
    assert.equal(get.status, 200);
  });

  it("keeps any content type as object bytes, JSON included", async () => {
    const body = '{"not": "a request"}';
    const put = await api.call("POST", upload("data.json"), {
      body,
      headers: { "content-type": "application/json" },
      contract: false,
    });
    assert.equal(put.status, 201);
    assert.equal(put.json.content_type, "application/json");
    // Objects are served with their own content type, which swagger does not enumerate.
    const get = await api.call("GET", objects("main", "data.json"), { contract: false });
    assert.equal(get.text, body);
    assert.equal(get.headers.get("content-type"), "application/json");

    const text = await api.call("POST", upload("note.txt"), {
      body: "plain",
      headers: { "content-type": "text/plain" },
      contract: false,
    });
    assert.equal(text.status, 201);
    const got = await api.call("GET", objects("main", "note.txt"), { contract: false });
    assert.equal(got.headers.get("content-disposition"), "inline");
  });

  it("uploads the content part of a multipart/form-data body", async () => {
    const form = new FormData();
    form.append("other", "ignored");
    form.append("content", new Blob(["from a form"], { type: "text/csv" }), "file.csv");
    // fetch sets the multipart content type itself, out of the contract checker's sight.
    const put = await api.call("POST", upload("form.csv"), { body: form, contract: false });
    assert.equal(put.status, 201);
    assert.equal(put.json.content_type, "text/csv");
    assert.equal(put.json.checksum, md5("from a form"));
    const read = await api.call("GET", objects("main", "form.csv"), { contract: false });
    assert.equal(read.text, "from a form");

    const noContent = new FormData();
    noContent.append("other", "x");
    const refused = await api.call("POST", upload("form-empty.csv"), {
      body: noContent,
      contract: false,
    });
    assert.equal(refused.status, 400);
    assert.equal((await api.call("GET", objects("main", "form-empty.csv"))).status, 404);
  });

  it("uploads an empty object", async () => {
    const put = await api.call("POST", upload("empty"), {
      headers: { "content-type": "application/octet-stream" },
    });
    assert.equal(put.status, 201);
    assert.equal(put.json.size_bytes, 0);
    const get = await api.call("GET", objects("main", "empty"));
    assert.equal(get.status, 200);
    assert.equal(get.text, "");
  });

  it("serves byte ranges (206), refuses unsatisfiable ones (416) and honours If-None-Match (304)", async () => {
    await api.upload(repo, "main", "digits", "0123456789");
    const cases: [string, string, string][] = [
      ["bytes=0-3", "0123", "bytes 0-3/10"],
      ["bytes=7-", "789", "bytes 7-9/10"],
      ["bytes=-2", "89", "bytes 8-9/10"],
      ["bytes=5-100", "56789", "bytes 5-9/10"],
    ];
    for (const [range, body, contentRange] of cases) {
      const r = await api.call("GET", objects("main", "digits"), { headers: { range } });
      assert.equal(r.status, 206, range);
      assert.equal(r.text, body, range);
      assert.equal(r.headers.get("content-range"), contentRange, range);
      assert.equal(r.headers.get("content-length"), String(body.length));
    }
    for (const range of ["bytes=10-", "bytes=5-2", "bytes=-0", "items=0-1", "bytes=0-1,3-4"]) {
      const r = await api.call("GET", objects("main", "digits"), {
        headers: { range },
        contract: false,
      });
      assert.equal(r.status, 416, range);
      assert.equal(r.headers.get("content-range"), "bytes */10", range);
      assert.equal(r.headers.get("content-disposition"), null);
    }
    const etag = `"${md5("0123456789")}"`;
    const cached = await api.call("GET", objects("main", "digits"), {
      headers: { "if-none-match": etag },
    });
    assert.equal(cached.status, 304);
    const head = await api.call("HEAD", objects("main", "digits"));
    assert.equal(head.status, 200);
    assert.equal(head.text, "");
    assert.equal(head.headers.get("content-length"), "10");
    assert.equal(head.headers.get("etag"), etag);
    const headRange = await api.call("HEAD", objects("main", "digits"), {
      headers: { range: "bytes=2-4" },
    });
    assert.equal(headRange.status, 206);
    assert.equal(headRange.headers.get("content-range"), "bytes 2-4/10");
    const headMissing = await api.call("HEAD", objects("main", "nope"));
    assert.equal(headMissing.status, 404);
    assert.equal(headMissing.text, "");
  });

  it("answers missing objects, repositories and refs with 404", async () => {
    const obj = await api.call("GET", objects("main", "no/such/object"));
    assert.deepEqual([obj.status, obj.json.message], [404, "not found"]);
    const ref = await api.call("GET", objects("no-such-branch", "digits"));
    assert.equal(ref.status, 404);
    const noRepo = await api.call("GET", "/repositories/no-such-repo/refs/main/objects?path=x");
    assert.equal(noRepo.status, 404);
    const branch = await api.call(
      "POST",
      `/repositories/${repo}/branches/no-such-branch/objects?path=x`,
      { body: "x", headers: { "content-type": "application/octet-stream" } },
    );
    assert.deepEqual(
      [branch.status, branch.json.message],
      [404, "branch 'no-such-branch' not found"],
    );
    const noPath = await api.call("GET", `/repositories/${repo}/refs/main/objects`, {
      contract: false,
    });
    assert.equal(noPath.status, 400);
  });

  it("honours If-None-Match: * (412 when the path exists); other conditions are 501", async () => {
    const first = await api.call("POST", upload("once.txt"), {
      body: "first",
      headers: { "content-type": "application/octet-stream", "if-none-match": "*" },
    });
    assert.equal(first.status, 201);
    const second = await api.call("POST", upload("once.txt"), {
      body: "second",
      headers: { "content-type": "application/octet-stream", "if-none-match": "*" },
    });
    assert.deepEqual([second.status, second.json.message], [412, "path already exists"]);
    assert.equal((await api.call("GET", objects("main", "once.txt"))).text, "first");

    const etag = await api.call("POST", upload("once.txt"), {
      body: "x",
      headers: { "content-type": "application/octet-stream", "if-none-match": '"abc"' },
    });
    assert.equal(etag.status, 501);
    const ifMatch = await api.call("POST", upload("once.txt"), {
      body: "x",
      headers: { "content-type": "application/octet-stream", "if-match": '"abc"' },
      contract: false,
    });
    assert.equal(ifMatch.status, 501);
  });

  it("re-checks If-None-Match: * when staging, after a slow body", async () => {
    // Upload A passes the pre-check, then stalls mid-body while upload B creates the path.
    const { body, resume } = stalledBody(streamedPrefix("slow "), "writer");
    const slow = fetch(api.endpoint + upload("race.txt"), {
      method: "POST",
      headers: {
        authorization: api.auth,
        "content-type": "application/octet-stream",
        "if-none-match": "*",
      },
      body,
      duplex: "half",
    } as RequestInit);
    // Once A's temp file exists, A has passed its pre-check and is streaming.
    await untilUploadStreams(api.server);
    const fast = await api.call("POST", upload("race.txt"), {
      body: "fast writer",
      headers: { "content-type": "application/octet-stream", "if-none-match": "*" },
    });
    assert.equal(fast.status, 201);
    resume();
    const late = await slow;
    assert.equal(late.status, 412);
    assert.equal(((await late.json()) as { message: string }).message, "path already exists");
    assert.equal((await api.call("GET", objects("main", "race.txt"))).text, "fast writer");
  });

  it("lists objects with prefixes, delimiters and paging", async () => {
    const r2 = await api.createRepo("objects-ls");
    for (const p of ["a/1", "a/2", "b/1", "c", "d/e/f"]) await api.upload(r2, "main", p, p);
    const ls = (query: string) =>
      api.call("GET", `/repositories/${r2}/refs/main/objects/ls?${query}`);
    const top = await ls("delimiter=/");
    assert.deepEqual(
      top.json.results.map((o: { path: string; path_type: string }) => [o.path, o.path_type]),
      [
        ["a/", "common_prefix"],
        ["b/", "common_prefix"],
        ["c", "object"],
        ["d/", "common_prefix"],
      ],
    );
    const page = await ls("prefix=a/&amount=1");
    assert.deepEqual(
      page.json.results.map((o: { path: string }) => o.path),
      ["a/1"],
    );
    assert.deepEqual(page.json.pagination, {
      has_more: true,
      next_offset: "a/1",
      results: 1,
      max_per_page: 1000,
    });
    const next = await ls("prefix=a/&after=a/1");
    assert.deepEqual(
      next.json.results.map((o: { path: string }) => o.path),
      ["a/2"],
    );
    const noMeta = await ls("prefix=c&user_metadata=false");
    assert.equal(noMeta.json.results[0].metadata, undefined);
    await api.commit(r2, "main");
    const committed = await api.call("GET", `/repositories/${r2}/refs/main@/objects/ls`);
    assert.equal(committed.json.results.length, 5);
  });

  it("deletes objects singly (204, also when missing) and in batches", async () => {
    await api.upload(repo, "main", "del/1", "1");
    await api.upload(repo, "main", "del/2", "2");
    const del = await api.call("DELETE", upload("del/1"));
    assert.equal(del.status, 204);
    assert.equal((await api.call("GET", objects("main", "del/1"))).status, 404);
    const again = await api.call("DELETE", upload("del/1"));
    assert.equal(again.status, 204);

    const batch = await api.call("POST", `/repositories/${repo}/branches/main/objects/delete`, {
      json: { paths: ["del/2", "del/never-existed"] },
    });
    assert.equal(batch.status, 200);
    assert.deepEqual(batch.json, { errors: [] });
    assert.equal((await api.call("GET", objects("main", "del/2"))).status, 404);

    const tooMany = Array.from({ length: 1001 }, (_, i) => `p${i}`);
    const big = await api.call("POST", `/repositories/${repo}/branches/main/objects/delete`, {
      json: { paths: tooMany },
    });
    assert.deepEqual(
      [big.status, big.json.message],
      [400, "request size exceeded, max paths is set to 1000"],
    );
  });

  it("copies objects to a new address (201); shallow copies are 501", async () => {
    const src = await api.upload(repo, "main", "copy/src", "copy me");
    const copy = await api.call(
      "POST",
      `/repositories/${repo}/branches/main/objects/copy?dest_path=${q("copy/dst")}`,
      { json: { src_path: "copy/src" } },
    );
    assert.equal(copy.status, 201);
    assert.equal(copy.json.checksum, src.checksum);
    assert.equal(copy.json.size_bytes, src.size_bytes);
    assert.notEqual(copy.json.physical_address, src.physical_address);
    assert.equal((await api.call("GET", objects("main", "copy/dst"))).text, "copy me");

    const shallow = await api.call(
      "POST",
      `/repositories/${repo}/branches/main/objects/copy?dest_path=x`,
      { json: { src_path: "copy/src", shallow: true } },
    );
    assert.equal(shallow.status, 501);
    const missing = await api.call(
      "POST",
      `/repositories/${repo}/branches/main/objects/copy?dest_path=x`,
      { json: { src_path: "copy/none" } },
    );
    assert.equal(missing.status, 404);
  });

  it("replaces user metadata and reports underlying properties", async () => {
    await api.upload(repo, "main", "meta.txt", "m");
    const set = await api.call(
      "PUT",
      `/repositories/${repo}/branches/main/objects/stat/user_metadata?path=meta.txt`,
      { json: { set: { color: "blue" } } },
    );
    assert.equal(set.status, 204);
    const stat = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects/stat?path=meta.txt`,
    );
    assert.deepEqual(stat.json.metadata, { color: "blue" });
    const missing = await api.call(
      "PUT",
      `/repositories/${repo}/branches/main/objects/stat/user_metadata?path=nope`,
      { json: { set: {} } },
    );
    assert.equal(missing.status, 404);
    const props = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects/underlyingProperties?path=meta.txt`,
    );
    assert.deepEqual(props.json, { storage_class: null });
    const preflight = await api.call(
      "GET",
      `/repositories/${repo}/branches/main/objects/stage_allowed?path=meta.txt`,
    );
    assert.equal(preflight.status, 204);
  });

  it("refuses presign and presigned multipart when presign is off", async () => {
    await api.upload(repo, "main", "p.txt", "p");
    const get = await api.call("GET", objects("main", "p.txt", "&presign=true"));
    assert.equal(get.status, 400);
    const stat = await api.call(
      "GET",
      `/repositories/${repo}/refs/main/objects/stat?path=p.txt&presign=true`,
    );
    assert.equal(stat.status, 400);
    const pmpu = await api.call(
      "POST",
      `/repositories/${repo}/branches/main/staging/pmpu?path=big&parts=2`,
    );
    assert.deepEqual(
      [pmpu.status, pmpu.json.message],
      [501, "presign multipart upload API is not supported"],
    );
  });

  it("answers a refused upload without waiting for its body, and closes the connection", async () => {
    const url = new URL(
      `${api.endpoint}/repositories/${repo}/branches/no-such-branch/objects?path=x`,
    );
    const response = await new Promise<{ status: number; connection?: string; body: string }>(
      (resolve, reject) => {
        const req = request(url, {
          method: "POST",
          headers: {
            authorization: api.auth,
            "content-type": "application/octet-stream",
            "content-length": String(1 << 30),
          },
        });
        req.on("response", (res) => {
          let body = "";
          res.setEncoding("utf8").on("data", (c: string) => {
            body += c;
          });
          res.on("end", () =>
            resolve({ status: res.statusCode!, connection: res.headers.connection, body }),
          );
        });
        req.on("error", reject);
        // Only a sliver of the announced gigabyte is ever sent.
        req.write(Buffer.alloc(1024));
      },
    );
    assert.equal(response.status, 404);
    assert.equal(response.connection, "close");
    assert.equal(JSON.parse(response.body).message, "branch 'no-such-branch' not found");
  });

  it("discards an upload whose client disconnects mid-body", async () => {
    const url = new URL(api.endpoint + upload("aborted.bin"));
    const blockDir = join(api.server.dataDir, "block", ".tmp");
    await new Promise<void>((resolve) => {
      const req = request(url, {
        method: "POST",
        headers: {
          authorization: api.auth,
          "content-type": "application/octet-stream",
          "content-length": "1000000",
        },
      });
      req.on("error", () => resolve());
      req.write(Buffer.alloc(64 * 1024, 1), () => {
        // Give the server a moment to start streaming into a temp file, then vanish.
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 100);
      });
    });
    // The abandoned request must leave neither an object nor a temp file behind.
    for (let i = 0; i < 50 && readdirSync(blockDir).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(readdirSync(blockDir), []);
    assert.equal((await api.call("GET", objects("main", "aborted.bin"))).status, 404);
  });
});
