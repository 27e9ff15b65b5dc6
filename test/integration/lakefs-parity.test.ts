/**
 * Wire details measured on lakeFS 1.84 that clients we did not write depend on (issue #11).
 * Each test states lakeFS's answer, so it passes against a real lakeFS (LAKEFS_TEST_*) as well as
 * against the embedded server. Raw HTTP, checked against swagger.yml like every exchange.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { contractFetch } from "../support/contract.js";
import { openTarget, type TestTarget } from "../support/lakefs.js";

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary wire shapes
  readonly json: any;
  readonly bytes: Uint8Array;
}

describe("lakeFS parity on the wire", () => {
  let target: TestTarget;
  const checked = contractFetch(fetch);

  async function call(
    method: string,
    path: string,
    options: { json?: unknown; body?: BodyInit; contract?: boolean } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`${target.accessKeyId}:${target.secretAccessKey}`).toString("base64")}`,
    };
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] = "application/json";
    }
    const doFetch = options.contract === false ? fetch : checked;
    const res = await doFetch(target.endpoint + path, {
      method,
      headers,
      body,
      redirect: "manual",
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const json = res.headers.get("content-type")?.startsWith("application/json")
      ? JSON.parse(text)
      : undefined;
    return { status: res.status, headers: res.headers, text, json, bytes };
  }

  async function newRepo(extra: Record<string, unknown> = {}): Promise<string> {
    const { name, storageNamespace } = target.newRepo("parity");
    const created = await call("POST", "/repositories", {
      json: { name, storage_namespace: storageNamespace, ...extra },
    });
    assert.equal(created.status, 201, created.text);
    return name;
  }

  before(async () => {
    target = await openTarget();
  });
  after(() => target?.close());

  describe("sample data (sample_data / include_samples)", () => {
    let repo: string;
    before(async () => {
      repo = await newRepo({ sample_data: true });
    });

    it("commits the samples on the default branch as the caller, message 'Add sample data'", async () => {
      const log = await call("GET", `/repositories/${repo}/refs/main/commits?amount=5`);
      const [head, initial] = log.json.results;
      assert.equal(head.message, "Add sample data");
      assert.deepEqual(head.metadata, {});
      assert.deepEqual(head.parents, [initial.id]);
      assert.equal(initial.message, "Repository created");
      const user = await call("GET", "/user");
      assert.equal(head.committer, user.json.user.id);
      const dirty = await call("GET", `/repositories/${repo}/branches/main/diff`);
      assert.deepEqual(dirty.json.results, []);
    });

    it("lists exactly README.md, data/, images/ and lakes.parquet at the root", async () => {
      const root = await call("GET", `/repositories/${repo}/refs/main/objects/ls?delimiter=/`);
      assert.deepEqual(
        root.json.results.map((r: { path: string; path_type: string }) => [r.path, r.path_type]),
        [
          ["README.md", "object"],
          ["data/", "common_prefix"],
          ["images/", "common_prefix"],
          ["lakes.parquet", "object"],
        ],
      );
      const data = await call("GET", `/repositories/${repo}/refs/main/objects/ls?prefix=data/`);
      assert.ok(data.json.results.some((r: { path: string }) => r.path === "data/lakes.source.md"));
    });

    it("has several PNG images and an animated GIF, and a Parquet table", async () => {
      const images = await call("GET", `/repositories/${repo}/refs/main/objects/ls?prefix=images/`);
      const paths: string[] = images.json.results.map((r: { path: string }) => r.path);
      const pngs = paths.filter((p) => p.endsWith(".png"));
      const gifs = paths.filter((p) => p.endsWith(".gif"));
      assert.ok(pngs.length >= 2 && gifs.length >= 1, paths.join());
      const png = await call("GET", `/repositories/${repo}/refs/main/objects?path=${pngs[0]}`);
      assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
      const gif = await call("GET", `/repositories/${repo}/refs/main/objects?path=${gifs[0]}`);
      assert.equal(new TextDecoder().decode(gif.bytes.subarray(0, 3)), "GIF");
      const parquet = await call(
        "GET",
        `/repositories/${repo}/refs/main/objects?path=lakes.parquet`,
      );
      const text = (b: Uint8Array) => new TextDecoder().decode(b);
      assert.equal(text(parquet.bytes.subarray(0, 4)), "PAR1");
      assert.equal(text(parquet.bytes.subarray(-4)), "PAR1");
      const readme = await call("GET", `/repositories/${repo}/refs/main/objects?path=README.md`);
      assert.equal(readme.status, 200);
      assert.ok(readme.text.length > 0);
    });

    it("protects the default branch from direct commits, but not from writes or merges", async () => {
      const upload = await call(
        "POST",
        `/repositories/${repo}/branches/main/objects?path=notes/new.txt`,
        { body: "a note" },
      );
      assert.equal(upload.status, 201, upload.text);
      const commit = await call("POST", `/repositories/${repo}/branches/main/commits`, {
        json: { message: "direct" },
      });
      assert.equal(commit.status, 403);
      assert.equal(commit.json.message, "cannot commit to protected branch");
      const rules = await call("GET", `/repositories/${repo}/settings/branch_protection`);
      assert.deepEqual(rules.json, [{ pattern: "main" }]);
      const reset = await call("PUT", `/repositories/${repo}/branches/main`, {
        json: { type: "reset" },
      });
      assert.equal(reset.status, 204, reset.text);

      const branched = await call("POST", `/repositories/${repo}/branches`, {
        json: { name: "work", source: "main" },
      });
      assert.equal(branched.status, 201);
      await call("DELETE", `/repositories/${repo}/branches/work/objects?path=README.md`);
      const onWork = await call("POST", `/repositories/${repo}/branches/work/commits`, {
        json: { message: "drop the readme" },
      });
      assert.equal(onWork.status, 201, onWork.text);
      const merged = await call("POST", `/repositories/${repo}/refs/work/merge/main`, { json: {} });
      assert.equal(merged.status, 200, merged.text);
    });
  });
});
