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

  it("GET /config: namespace prefix, empty storage list and capabilities, version context lakeFS", async () => {
    const config = await call("GET", "/config");
    assert.equal(config.headers.get("content-type"), "application/json");
    assert.equal(config.json.version_config.version_context, "lakeFS");
    assert.deepEqual(config.json.storage_config_list, []);
    assert.deepEqual(config.json.capabilities_config, {});
    assert.deepEqual(config.json.ui_config, {});
    const storage = config.json.storage_config;
    assert.equal(storage.blockstore_id, "");
    assert.equal(storage.blockstore_description, "");
    assert.equal(typeof storage.default_namespace_prefix, "string");
    if (target.embedded) assert.equal(storage.default_namespace_prefix, "local://");
  });

  it("creates a repository in <default_namespace_prefix>/<name>, as clients build it", async () => {
    const config = await call("GET", "/config");
    const prefix: string = config.json.storage_config.default_namespace_prefix;
    const { name } = target.newRepo("prefixed");
    const namespace = `${prefix}/${name}`;
    const created = await call("POST", "/repositories", {
      json: { name, storage_namespace: namespace },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.storage_namespace, namespace);
    const upload = await call("POST", `/repositories/${name}/branches/main/objects?path=a.txt`, {
      body: "in the namespace",
    });
    assert.equal(upload.status, 201, upload.text);
  });

  it("accepts storage_id '' and answers 400 for any other storage id", async () => {
    const ok = await newRepo({ storage_id: "" });
    const got = await call("GET", `/repositories/${ok}`);
    assert.equal(got.json.storage_id, "");
    const { name, storageNamespace } = target.newRepo("storage-id");
    const bad = await call("POST", "/repositories", {
      json: { name, storage_namespace: storageNamespace, storage_id: "elsewhere" },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.message, "storage id: invalid value: validation error");
    assert.equal((await call("GET", `/repositories/${name}`)).status, 404);
  });

  it("reports size_bytes 0 for an object removed but not yet committed", async () => {
    const repo = await newRepo();
    const branch = `/repositories/${repo}/branches/main`;
    await call("POST", `${branch}/objects?path=gone.txt`, { body: "12345" });
    await call("POST", `${branch}/objects?path=kept.txt`, { body: "123" });
    await call("POST", `${branch}/commits`, { json: { message: "two files" } });
    assert.equal((await call("DELETE", `${branch}/objects?path=gone.txt`)).status, 204);
    await call("POST", `${branch}/objects?path=kept.txt`, { body: "1234567" });
    const diff = await call("GET", `${branch}/diff`);
    assert.deepEqual(
      diff.json.results.map((d: { path: string; type: string; size_bytes: number }) => [
        d.path,
        d.type,
        d.size_bytes,
      ]),
      [
        ["gone.txt", "removed", 0],
        ["kept.txt", "changed", 7],
      ],
    );
    // Committed diffs keep the removed object's size.
    await call("POST", `${branch}/commits`, { json: { message: "remove" } });
    const log = await call("GET", `/repositories/${repo}/refs/main/commits?amount=2`);
    const [head, parent] = log.json.results;
    const committed = await call(
      "GET",
      `/repositories/${repo}/refs/${parent.id}/diff/${head.id}?type=two_dot`,
    );
    const removed = committed.json.results.find((d: { path: string }) => d.path === "gone.txt");
    assert.equal(removed.size_bytes, 5);
  });

  it("answers 204 to updateObjectUserMetadata and 201 text/plain (the commit id) to createBranch", async () => {
    const repo = await newRepo();
    const branch = `/repositories/${repo}/branches/main`;
    await call("POST", `${branch}/objects?path=m.txt`, { body: "m" });
    const updated = await call("PUT", `${branch}/objects/stat/user_metadata?path=m.txt`, {
      json: { set: { owner: "lake" } },
    });
    assert.equal(updated.status, 204);
    assert.equal(updated.text, "");
    const stat = await call("GET", `/repositories/${repo}/refs/main/objects/stat?path=m.txt`);
    assert.deepEqual(stat.json.metadata, { owner: "lake" });

    const created = await call("POST", `/repositories/${repo}/branches`, {
      json: { name: "feature", source: "main" },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get("content-type"), "text/plain; charset=utf-8");
    const head = await call("GET", `/repositories/${repo}/branches/feature`);
    assert.equal(created.text, head.json.commit_id);
    assert.equal(head.headers.get("content-type"), "application/json");
    const missing = await call("GET", `/repositories/${repo}/branches/nope`);
    assert.equal(missing.headers.get("content-type"), "application/json");
  });

  it("serves objects inline with no-store, must-revalidate; stat without user metadata sends {}", async () => {
    const repo = await newRepo();
    const branch = `/repositories/${repo}/branches/main`;
    const upload = await call("POST", `${branch}/objects?path=dir/report%20final.csv`, {
      body: "a,b\n",
      contract: false,
    });
    assert.equal(upload.status, 201);
    const got = await call(
      "GET",
      `/repositories/${repo}/refs/main/objects?path=dir/report%20final.csv`,
    );
    assert.equal(got.headers.get("content-disposition"), "inline");
    assert.equal(got.headers.get("cache-control"), "no-store, must-revalidate");
    const bare = await call(
      "GET",
      `/repositories/${repo}/refs/main/objects/stat?path=dir/report%20final.csv&user_metadata=false`,
    );
    assert.deepEqual(bare.json.metadata, {});
  });

  it("/user carries email and friendly_name; setup_lakefs's login_config the login fields", async () => {
    const user = await call("GET", "/user");
    assert.equal(typeof user.json.user.email, "string");
    assert.equal(typeof user.json.user.friendly_name, "string");
    const setup = await call("GET", "/setup_lakefs");
    assert.equal(setup.json.state, "initialized");
    assert.equal(typeof setup.json.login_config.login_failed_message, "string");
    assert.ok(["none", "redirect", "select"].includes(setup.json.login_config.login_url_method));
    if (target.embedded) {
      assert.equal(setup.json.login_config.login_failed_message, "The credentials don't match.");
      assert.equal(setup.json.login_config.login_url_method, "none");
    }
  });

  it("answers 400 to a page size above 1000 (and accepts 1000)", async () => {
    const ok = await call("GET", "/repositories?amount=1000");
    assert.equal(ok.status, 200);
    assert.equal(ok.json.pagination.max_per_page, 1000);
    for (const path of ["/repositories?amount=1001", "/repositories?amount=5000"]) {
      const tooMany = await call("GET", path, { contract: false });
      assert.equal(tooMany.status, 400, path);
      assert.match(tooMany.json.message, /amount/);
      if (target.embedded) {
        assert.equal(
          tooMany.json.message,
          'parameter "amount" in query has an error: number must be at most 1000',
        );
      }
    }
  });

  it("merges a ref whose tree was emptied into a branch still at the first commit", async () => {
    const repo = await newRepo();
    const api = `/repositories/${repo}`;
    const [initial] = (await call("GET", `${api}/refs/main/commits`)).json.results;
    assert.equal(initial.meta_range_id, "");
    await call("POST", `${api}/branches`, { json: { name: "dev", source: "main" } });
    await call("POST", `${api}/branches`, { json: { name: "idle", source: "main" } });
    const nothing = await call("POST", `${api}/refs/idle/merge/main`, { json: {} });
    assert.equal(nothing.status, 400);
    assert.equal(nothing.json.message, "update branch main: no changes");

    await call("POST", `${api}/branches/dev/objects?path=x`, { body: "x" });
    await call("POST", `${api}/branches/dev/commits`, { json: { message: "add x" } });
    await call("DELETE", `${api}/branches/dev/objects?path=x`);
    const emptied = await call("POST", `${api}/branches/dev/commits`, {
      json: { message: "remove x" },
    });
    assert.equal(emptied.status, 201);
    assert.notEqual(emptied.json.meta_range_id, "");

    const merged = await call("POST", `${api}/refs/dev/merge/main`, { json: {} });
    assert.equal(merged.status, 200, merged.text);
    const [head] = (await call("GET", `${api}/refs/main/commits?amount=1`)).json.results;
    assert.equal(head.id, merged.json.reference);
    assert.deepEqual(head.parents, [initial.id, emptied.json.id]);
    assert.equal(head.meta_range_id, emptied.json.meta_range_id);
  });

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

/** Where lakeFS 1.84 has a bug we do not reproduce: ours is pinned, lakeFS's is accepted. */
describe("lakeFS bugs we do not reproduce", () => {
  let target: TestTarget;
  const checked = contractFetch(fetch);
  const call = async (method: string, path: string, json?: unknown) => {
    const auth = Buffer.from(`${target.accessKeyId}:${target.secretAccessKey}`).toString("base64");
    const res = await checked(target.endpoint + path, {
      method,
      headers: { authorization: `Basic ${auth}`, "content-type": "application/json" },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    const isJson = res.headers.get("content-type")?.startsWith("application/json");
    return { status: res.status, json: isJson && text ? JSON.parse(text) : undefined };
  };
  const upload = (repo: string, branch: string, path: string, body: string) =>
    fetch(`${target.endpoint}/repositories/${repo}/branches/${branch}/objects?path=${path}`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${target.accessKeyId}:${target.secretAccessKey}`).toString("base64")}`,
      },
      body,
    });
  let repo: string;

  before(async () => {
    target = await openTarget();
    const { name, storageNamespace } = target.newRepo("bugs");
    assert.equal(
      (await call("POST", "/repositories", { name, storage_namespace: storageNamespace })).status,
      201,
    );
    repo = name;
  });
  after(() => target?.close());

  it("a conflict stays a conflict when another key's base value equals the source value", async () => {
    await upload(repo, "main", "a", "one");
    await upload(repo, "main", "b", "two");
    await call("POST", `/repositories/${repo}/branches/main/commits`, { message: "base" });
    await call("POST", `/repositories/${repo}/branches`, { name: "src", source: "main" });
    await upload(repo, "src", "a", "two"); // the base value of the next key, b
    await call("POST", `/repositories/${repo}/branches/src/commits`, { message: "src" });
    await upload(repo, "main", "a", "three");
    await call("POST", `/repositories/${repo}/branches/main/commits`, { message: "dest" });
    const merged = await call("POST", `/repositories/${repo}/refs/src/merge/main`, {});
    // lakeFS compares the next key's base identity and misses the conflict (200).
    if (target.embedded) assert.equal(merged.status, 409);
    else assert.ok([200, 409].includes(merged.status));
  });

  it("findMergeBase names source and destination commits as asked", async () => {
    await call("POST", `/repositories/${repo}/branches`, { name: "side", source: "main" });
    await upload(repo, "side", "side.txt", "side");
    const side = await call("POST", `/repositories/${repo}/branches/side/commits`, {
      message: "side",
    });
    const main = await call("GET", `/repositories/${repo}/branches/main`);
    const base = await call("GET", `/repositories/${repo}/refs/side/merge/main`);
    assert.equal(base.status, 200);
    const named = [base.json.source_commit_id, base.json.destination_commit_id];
    if (target.embedded) assert.deepEqual(named, [side.json.id, main.json.commit_id]);
    else assert.deepEqual(new Set(named), new Set([side.json.id, main.json.commit_id]));
    assert.equal(base.json.base_commit_id, main.json.commit_id);
  });

  it("an empty branch name is a client error", async () => {
    const created = await call("POST", `/repositories/${repo}/branches`, {
      name: "",
      source: "main",
    });
    if (target.embedded) assert.equal(created.status, 400);
    else assert.ok([400, 500].includes(created.status)); // lakeFS: 500
  });
});
