/**
 * Routes of lakeFS OSS that answered 501 here (issue #11 item 9): GC rules, the GC config,
 * client statistics, refs dump / restore (direct and as tasks), in lakeFS's shapes.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openApi, type Reply, type TestApi } from "./http-helpers.js";

describe("HTTP GC rules, statistics, refs dump and restore", () => {
  let api: TestApi;
  before(async () => {
    api = await openApi();
  });
  after(() => api?.close());

  describe("GC rules", () => {
    it("answers 404 until set, then serves, replaces and deletes the rules", async () => {
      const repo = await api.createRepo("gc-rules");
      const path = `/repositories/${repo}/settings/gc_rules`;
      const unset = await api.call("GET", path);
      assert.deepEqual([unset.status, unset.json.message], [404, "not found"]);

      const rules = {
        default_retention_days: 21,
        branches: [
          { branch_id: "main", retention_days: 28 },
          { branch_id: "dev", retention_days: 7 },
          { branch_id: "main", retention_days: 30 },
        ],
      };
      const set = await api.call("PUT", path, { json: rules });
      assert.equal(set.status, 204);
      assert.equal(set.text, "");
      const got = await api.call("GET", path);
      assert.equal(got.status, 200);
      // One rule per branch (the last one given wins), ordered by branch id.
      assert.deepEqual(got.json, {
        default_retention_days: 21,
        branches: [
          { branch_id: "dev", retention_days: 7 },
          { branch_id: "main", retention_days: 30 },
        ],
      });

      // The deprecated paths are the same rules.
      const old = await api.call("GET", `/repositories/${repo}/gc/rules`);
      assert.deepEqual(old.json, got.json);
      const viaPost = await api.call("POST", `/repositories/${repo}/gc/rules`, {
        json: { default_retention_days: 1, branches: [] },
      });
      assert.equal(viaPost.status, 204);
      assert.deepEqual((await api.call("GET", path)).json, {
        default_retention_days: 1,
        branches: [],
      });

      const deleted = await api.call("DELETE", path);
      assert.equal(deleted.status, 204);
      assert.equal((await api.call("GET", path)).status, 404);
      assert.equal((await api.call("DELETE", `/repositories/${repo}/gc/rules`)).status, 204);
    });

    it("validates the body and the repository", async () => {
      const repo = await api.createRepo("gc-rules-bad");
      const path = `/repositories/${repo}/settings/gc_rules`;
      for (const json of [
        { branches: [] },
        { default_retention_days: "a week", branches: [] },
        { default_retention_days: 1, branches: [{ branch_id: "main" }] },
      ]) {
        const r = await api.call("PUT", path, { json, contract: false });
        assert.equal(r.status, 400, JSON.stringify(json));
      }
      const noRepo = await api.call("GET", "/repositories/no-such-repo/settings/gc_rules");
      assert.deepEqual([noRepo.status, noRepo.json.message], [404, "repository not found"]);
      const preflight = await api.call("GET", `/repositories/${repo}/gc/rules/set_allowed`);
      assert.equal(preflight.status, 204);
      const noRepoPreflight = await api.call(
        "GET",
        "/repositories/no-such-repo/gc/rules/set_allowed",
      );
      assert.equal(noRepoPreflight.status, 404);
    });

    it("reports lakeFS's GC grace period", async () => {
      const config = await api.call("GET", "/config/garbage-collection");
      assert.deepEqual([config.status, config.json], [200, { grace_period: 21600 }]);
    });
  });

  it("accepts client statistics events (204) and validates them as lakeFS does", async () => {
    const ok = await api.call("POST", "/statistics", {
      json: { events: [{ class: "sdk", name: "upload", count: 3 }] },
    });
    assert.equal(ok.status, 204);
    for (const [event, message] of [
      [{ class: "", name: "n", count: 1 }, "invalid value: class is required"],
      [{ class: "c", name: "", count: 1 }, "invalid value: name is required"],
      [{ class: "c", name: "n", count: -1 }, "invalid value: count must be a non-negative integer"],
    ] as const) {
      const r = await api.call("POST", "/statistics", { json: { events: [event] } });
      assert.deepEqual([r.status, r.json.message], [400, message]);
    }
  });

  it("answers the usage report as text for Accept: text/plain", async () => {
    const r = await api.call("GET", "/usage-report/summary", { headers: { accept: "text/plain" } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain/);
    assert.match(r.text, /^Usage for installation ID: [0-9a-f-]{36}\n\d{4}-\d{2}: {0,11}\d+\n$/);
  });

  describe("refs dump and restore", () => {
    let source: string;
    let head: string;
    before(async () => {
      source = await api.createRepo("dump-source");
      await api.upload(source, "main", "a.txt", "alpha");
      const c1 = await api.call("POST", `/repositories/${source}/branches/main/commits`, {
        json: { message: "first" },
      });
      assert.equal(c1.status, 201);
      const branch = await api.call("POST", `/repositories/${source}/branches`, {
        json: { name: "feature", source: "main" },
      });
      assert.equal(branch.status, 201);
      await api.upload(source, "feature", "b.txt", "beta");
      const c2 = await api.call("POST", `/repositories/${source}/branches/feature/commits`, {
        json: { message: "second", metadata: { k: "v" } },
      });
      head = c2.json.id;
      const tag = await api.call("POST", `/repositories/${source}/tags`, {
        json: { id: "v1", ref: c1.json.id },
      });
      assert.equal(tag.status, 201);
    });

    /** A bare repository on the source's storage namespace, where a dump can be restored. */
    async function bareTwin(name: string): Promise<string> {
      const r = await api.call("POST", "/repositories?bare=true", {
        json: { name, storage_namespace: `local://${source}` },
      });
      assert.equal(r.status, 201, r.text);
      return name;
    }

    async function log(repo: string, ref: string): Promise<string[]> {
      const r = await api.call("GET", `/repositories/${repo}/refs/${ref}/commits`);
      assert.equal(r.status, 200, r.text);
      return r.json.results.map((c: { id: string }) => c.id);
    }

    async function settle(path: string): Promise<Reply> {
      for (;;) {
        const r = await api.call("GET", path);
        assert.equal(r.status, 200, r.text);
        if (r.json.done) return r;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }

    it("dumps (201) and restores into a bare repository: same commits, branches and tags", async () => {
      const dump = await api.call("PUT", `/repositories/${source}/refs/dump`);
      assert.equal(dump.status, 201);
      for (const field of [
        "commits_meta_range_id",
        "branches_meta_range_id",
        "tags_meta_range_id",
      ]) {
        assert.match(dump.json[field], /^[0-9a-f]{64}$/, field);
      }
      // Content-addressed: the same state dumps to the same ids.
      const again = await api.call("PUT", `/repositories/${source}/refs/dump`);
      assert.deepEqual(again.json, dump.json);

      const target = await bareTwin("dump-target");
      const restored = await api.call("PUT", `/repositories/${target}/refs/restore`, {
        json: dump.json,
      });
      assert.equal(restored.status, 200, restored.text);
      assert.deepEqual(await log(target, "feature"), await log(source, "feature"));
      assert.deepEqual(await log(target, "main"), await log(source, "main"));
      assert.equal((await log(target, "feature"))[0], head);
      const tag = await api.call("GET", `/repositories/${target}/tags/v1`);
      assert.deepEqual(tag.json, (await api.call("GET", `/repositories/${source}/tags/v1`)).json);
      const read = await api.call("GET", `/repositories/${target}/refs/feature/objects?path=b.txt`);
      assert.equal(read.text, "beta");
      // Restored branches take new writes.
      await api.upload(target, "main", "c.txt", "gamma");

      // Only into a bare repository.
      const twice = await api.call("PUT", `/repositories/${target}/refs/restore`, {
        json: dump.json,
      });
      assert.deepEqual(
        [twice.status, twice.json.message],
        [400, "can only restore into a bare repository"],
      );
    });

    it("runs dump and restore as tasks: 202 with an id, then the status", async () => {
      const direct = await api.call("PUT", `/repositories/${source}/refs/dump`);
      const submitted = await api.call("POST", `/repositories/${source}/dump`);
      assert.equal(submitted.status, 202);
      assert.equal(typeof submitted.json.id, "string");
      const status = await settle(`/repositories/${source}/dump?task_id=${submitted.json.id}`);
      assert.equal(status.json.id, submitted.json.id);
      assert.equal(status.json.error, undefined);
      assert.ok(!Number.isNaN(Date.parse(status.json.update_time)));
      assert.deepEqual(status.json.refs, direct.json);

      const target = await bareTwin("dump-task-target");
      const restore = await api.call("POST", `/repositories/${target}/restore`, {
        json: status.json.refs,
      });
      assert.equal(restore.status, 202);
      const done = await settle(`/repositories/${target}/restore?task_id=${restore.json.id}`);
      assert.equal(done.json.error, undefined, JSON.stringify(done.json));
      assert.equal(done.json.refs, undefined);
      assert.deepEqual(await log(target, "feature"), await log(source, "feature"));

      // A second restore is refused at once; unknown task ids are 404.
      const refused = await api.call("POST", `/repositories/${target}/restore`, {
        json: status.json.refs,
      });
      assert.deepEqual(
        [refused.status, refused.json.message],
        [400, "can only restore into a bare repository"],
      );
      const unknown = await api.call("GET", `/repositories/${source}/dump?task_id=nope`);
      assert.deepEqual([unknown.status, unknown.json.message], [404, "not found"]);
      const otherRepo = await api.call(
        "GET",
        `/repositories/${target}/dump?task_id=${submitted.json.id}`,
      );
      assert.equal(otherRepo.status, 404);
    });

    it("reports a failing restore task in its status and changes nothing", async () => {
      const target = await bareTwin("dump-task-fail");
      const missing = "0".repeat(64);
      const restore = await api.call("POST", `/repositories/${target}/restore`, {
        json: {
          commits_meta_range_id: missing,
          branches_meta_range_id: missing,
          tags_meta_range_id: missing,
        },
      });
      assert.equal(restore.status, 202);
      const done = await settle(`/repositories/${target}/restore?task_id=${restore.json.id}`);
      assert.equal(done.json.error, `metarange ${missing} not found`);
      const branches = await api.call("GET", `/repositories/${target}/branches`);
      assert.deepEqual(branches.json.results, []);
    });

    it("refuses dumps that are not ours or do not add up, all or nothing", async () => {
      const dump = (await api.call("PUT", `/repositories/${source}/refs/dump`)).json;
      const target = await bareTwin("dump-tampered");
      const lakefsDir = join(api.server.dataDir, "block", source, "_lakefs");
      const plant = (doc: unknown) => {
        const bytes = Buffer.from(JSON.stringify(doc));
        const id = createHash("sha256").update(bytes).digest("hex");
        writeFileSync(join(lakefsDir, id), bytes);
        return id;
      };
      const forged = {
        id: "f".repeat(64),
        parents: [],
        committer: "mallory",
        message: "forged",
        creationDate: 1,
        metarangeId: "",
        metadata: {},
        generation: 1,
        version: 1,
      };
      const cases: [Record<string, string>, number, RegExp][] = [
        [
          { commits_meta_range_id: plant({ format: "lakefs-ts/commits@1", commits: [forged] }) },
          400,
          /does not match its content/,
        ],
        [
          { commits_meta_range_id: plant({ format: "something-else", commits: [] }) },
          400,
          /not a valid lakefs-ts\/commits@1 document/,
        ],
        [
          {
            branches_meta_range_id: plant({
              format: "lakefs-ts/branches@1",
              refs: [{ id: "x", commitId: "0".repeat(64) }],
            }),
          },
          400,
          /x points to an unknown commit/,
        ],
        [{ tags_meta_range_id: "../../../metadata.db" }, 404, /not found/],
      ];
      for (const [override, status, message] of cases) {
        const r = await api.call("PUT", `/repositories/${target}/refs/restore`, {
          json: { ...dump, ...override },
        });
        assert.equal(r.status, status, `${JSON.stringify(override)}: ${r.text}`);
        assert.match(r.json.message, message);
      }
      assert.deepEqual(
        (await api.call("GET", `/repositories/${target}/branches`)).json.results,
        [],
      );
      assert.deepEqual((await api.call("GET", `/repositories/${target}/tags`)).json.results, []);
    });
  });
});
