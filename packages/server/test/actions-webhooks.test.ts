/**
 * Actions end to end: action files committed under `_lakefs_actions/`, a real local webhook
 * server, every event, pre-hooks that block, post-hooks after success only, secrets from the
 * environment, invalid files, and the runs API.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { EVENT_TYPES } from "../src/actions/events.js";
import { openApi, type TestApi } from "./http-helpers.js";

interface Received {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: webhook payloads are checked field by field
  readonly body: any;
}

/** A webhook endpoint: `/fail` answers 500, `/slow` never answers in time, others 200. */
class WebhookServer {
  readonly received: Received[] = [];
  private server!: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://x");
        this.received.push({
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null"),
        });
        if (url.pathname === "/slow") return; // answered only when the server closes
        res.statusCode = url.pathname === "/fail" ? 500 : 200;
        res.end(url.pathname === "/fail" ? "schema check failed" : "ok");
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  events(path: string): string[] {
    return this.received.filter((r) => r.path === path).map((r) => r.body.event_type);
  }

  /** Waits until `count` requests reached `path` (post-hooks run in the background). */
  async until(path: string, count: number): Promise<Received[]> {
    for (let i = 0; i < 500; i++) {
      const hits = this.received.filter((r) => r.path === path);
      if (hits.length >= count) return hits;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`webhook ${path}: expected ${count} calls, got ${this.events(path)}`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** lakeFS's 17 events, from prepare-commit to post-cherry-pick. */
const ALL_EVENTS: readonly string[] = EVENT_TYPES;

function actionFile(name: string, url: string, events: readonly string[], extra = ""): string {
  return [
    `name: ${name}`,
    "on:",
    ...events.map((e) => `  ${e}:`),
    "hooks:",
    "  - id: hook1",
    "    type: webhook",
    "    properties:",
    `      url: ${url}`,
    extra,
  ].join("\n");
}

describe("actions and webhook hooks", () => {
  let api: TestApi;
  const hooks = new WebhookServer();
  before(async () => {
    process.env.LAKEFSACTION_TOKEN = "s3cret";
    process.env.OTHER_SECRET = "not-for-hooks";
    await hooks.start();
    api = await openApi();
  });
  after(async () => {
    try {
      await api?.close();
    } finally {
      await hooks.close();
    }
  });

  async function installAction(repo: string, file: string, text: string, branch = "main") {
    await api.upload(repo, branch, `_lakefs_actions/${file}`, text);
    await api.commit(repo, branch, `add ${file}`);
  }
  async function branchHead(repo: string, branch: string): Promise<string> {
    return (await api.call("GET", `/repositories/${repo}/branches/${branch}`)).json.commit_id;
  }

  it("fires every event with lakeFS's payload", async () => {
    const repo = await api.createRepo("act-events");
    await installAction(repo, "all.yaml", actionFile("all events", `${hooks.url}/all`, ALL_EVENTS));
    // Committing the action file already ran it: prepare-commit, pre-commit (from the staged
    // file) and, in the background, post-commit.
    await hooks.until("/all", 3);
    const before = hooks.received.filter((r) => r.path === "/all").length;

    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "dev", source: "main" },
    });
    await api.upload(repo, "dev", "a.txt", "a");
    const commit = await api.call("POST", `/repositories/${repo}/branches/dev/commits`, {
      json: { message: "add a", metadata: { k: "v" } },
    });
    assert.equal(commit.status, 201);
    const merged = await api.call("POST", `/repositories/${repo}/refs/dev/merge/main`, {
      json: {},
    });
    assert.equal(merged.status, 200);
    await api.call("POST", `/repositories/${repo}/tags`, { json: { id: "v1", ref: "main" } });
    await api.call("DELETE", `/repositories/${repo}/tags/v1`);
    const reverted = await api.call("POST", `/repositories/${repo}/branches/main/revert`, {
      json: { ref: merged.json.reference, parent_number: 1 },
    });
    assert.equal(reverted.status, 204);
    const picked = await api.call("POST", `/repositories/${repo}/branches/main/cherry-pick`, {
      json: { ref: commit.json.id },
    });
    assert.equal(picked.status, 201);
    await api.call("DELETE", `/repositories/${repo}/branches/dev`);

    const got = (await hooks.until("/all", before + 17)).slice(before);
    const byType = new Map(got.map((r) => [r.body.event_type as string, r.body]));
    assert.equal(ALL_EVENTS.length, 17);
    assert.deepEqual([...byType.keys()].sort(), [...ALL_EVENTS].sort());

    const preCommit = byType.get("pre-commit");
    assert.deepEqual(
      {
        action_name: preCommit.action_name,
        hook_id: preCommit.hook_id,
        repository_id: preCommit.repository_id,
        branch_id: preCommit.branch_id,
        source_ref: preCommit.source_ref,
        commit_message: preCommit.commit_message,
        committer: preCommit.committer,
        commit_metadata: preCommit.commit_metadata,
      },
      {
        action_name: "all events",
        hook_id: "hook1",
        repository_id: repo,
        branch_id: "dev",
        source_ref: "dev",
        commit_message: "add a",
        committer: "quickstart",
        commit_metadata: { k: "v" },
      },
    );
    assert.match(preCommit.event_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(preCommit.commit_id, undefined);
    assert.equal(byType.get("post-commit").commit_id, commit.json.id);
    assert.equal(byType.get("pre-merge").merge_source, "dev");
    assert.equal(byType.get("pre-merge").branch_id, "main");
    assert.equal(byType.get("post-merge").commit_id, merged.json.reference);
    assert.equal(byType.get("post-create-tag").tag_id, "v1");
    assert.equal(byType.get("post-delete-tag").commit_id, byType.get("post-delete-tag").source_ref);
    assert.equal(byType.get("post-create-branch").branch_id, "dev");
    assert.equal(byType.get("post-cherry-pick").commit_id, picked.json.id);
    assert.equal(byType.get("post-revert").branch_id, "main");
    assert.equal(hooks.received.at(-1)?.headers["content-type"], "application/json");
  });

  it("a failing pre-hook blocks every operation with 412 and changes nothing", async () => {
    const repo = await api.createRepo("act-block");
    for (const name of ["dev", "c"]) {
      await api.call("POST", `/repositories/${repo}/branches`, { json: { name, source: "main" } });
    }
    await api.upload(repo, "dev", "x.txt", "x");
    const devCommit = await api.commit(repo, "dev", "x");
    // Every pre- event but commit's and branch creation's (the timeout test covers that one).
    const pre = ALL_EVENTS.filter(
      (e) => e.startsWith("pre-") && e !== "pre-commit" && e !== "pre-create-branch",
    );
    await installAction(repo, "guard.yaml", actionFile("guard", `${hooks.url}/fail`, pre));
    // Branch deletion reads the actions of the branch's head: g's head has the guard.
    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "g", source: "main" },
    });
    const mainHead = await branchHead(repo, "main");
    const cHead = await branchHead(repo, "c");

    // A staged guard already guards the commit that would add it.
    const guard = actionFile("guard", `${hooks.url}/fail`, ["pre-commit"]);
    await api.upload(repo, "c", "_lakefs_actions/guard.yaml", guard);
    const commit = await api.call("POST", `/repositories/${repo}/branches/c/commits`, {
      json: { message: "blocked" },
    });
    assert.equal(commit.status, 412);
    assert.match(
      commit.json.message,
      /^pre-commit hook aborted, run id '[0-9a-v]{20}': hook run id '0000_0000' failed on action 'guard' hook 'hook1': .*500/,
    );
    assert.equal(await branchHead(repo, "c"), cHead);

    // Merges read the source ref's actions: main (with the guard) into dev.
    const attempts: [string, string, string, object?][] = [
      ["pre-merge", "POST", `/repositories/${repo}/refs/main/merge/dev`, {}],
      ["pre-delete-branch", "DELETE", `/repositories/${repo}/branches/g`],
      ["pre-create-tag", "POST", `/repositories/${repo}/tags`, { id: "t2", ref: "main" }],
      [
        "pre-revert",
        "POST",
        `/repositories/${repo}/branches/main/revert`,
        { ref: "main", parent_number: 1 },
      ],
      [
        "pre-cherry-pick",
        "POST",
        `/repositories/${repo}/branches/main/cherry-pick`,
        { ref: devCommit.id },
      ],
    ];
    for (const [event, method, url, json] of attempts) {
      const r = await api.call(method, url, json === undefined ? {} : { json });
      assert.equal(r.status, 412, `${method} ${url}: ${r.text}`);
      assert.match(r.json.message, new RegExp(`^${event} hook aborted, run id '`));
    }
    assert.equal(await branchHead(repo, "main"), mainHead);
    assert.equal(await branchHead(repo, "dev"), devCommit.id);
    assert.equal((await api.call("GET", `/repositories/${repo}/branches/g`)).status, 200);
    assert.equal((await api.call("GET", `/repositories/${repo}/tags/t2`)).status, 404);
  });

  it("a pre-hook that times out blocks; post-hooks run only after success", async () => {
    const repo = await api.createRepo("act-timeout");
    await installAction(
      repo,
      "slow.yaml",
      actionFile("slow", `${hooks.url}/slow`, ["pre-create-branch"], "      timeout: 300ms"),
    );
    await installAction(
      repo,
      "post.yaml",
      actionFile("post", `${hooks.url}/post-only`, ["post-create-branch", "post-commit"]),
    );
    const calls = hooks.events("/post-only").length;
    const r = await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "b", source: "main" },
    });
    assert.equal(r.status, 412);
    assert.match(r.json.message, /timed out/);
    // A failed commit (nothing to commit) fires no post-commit either.
    const empty = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: { message: "nothing" },
    });
    assert.equal(empty.status, 400);
    await api.upload(repo, "main", "z", "z");
    await api.commit(repo, "main", "z");
    const got = await hooks.until("/post-only", calls + 1);
    assert.deepEqual(
      got.slice(calls).map((g) => g.body.event_type),
      ["post-commit"],
    );
  });

  it("fills {{ ENV.LAKEFSACTION_* }} in query params and headers, and refuses other names", async () => {
    const repo = await api.createRepo("act-env");
    const withEnv = [
      "      query_params:",
      "        token: '{{ ENV.LAKEFSACTION_TOKEN }}'",
      "        tags: [a, b]",
      "      headers:",
      "        x-secret: '{{ ENV.LAKEFSACTION_TOKEN }}'",
    ].join("\n");
    await installAction(
      repo,
      "env.yaml",
      actionFile("env", `${hooks.url}/env`, ["pre-create-tag"], withEnv),
    );
    const ok = await api.call("POST", `/repositories/${repo}/tags`, {
      json: { id: "e1", ref: "main" },
    });
    assert.equal(ok.status, 201);
    const [hit] = (await hooks.until("/env", 1)).slice(-1);
    assert.equal(hit?.query.get("token"), "s3cret");
    assert.deepEqual(hit?.query.getAll("tags"), ["a", "b"]);
    assert.equal(hit?.headers["x-secret"], "s3cret");

    const other = actionFile(
      "other",
      `${hooks.url}/env2`,
      ["pre-delete-tag"],
      "      query_params:\n        t: '{{ ENV.OTHER_SECRET }}'",
    );
    await installAction(repo, "other.yaml", other);
    // Tag hooks read the actions of the tagged commit: tag the commit that has other.yaml.
    await api.call("POST", `/repositories/${repo}/tags`, { json: { id: "e2", ref: "main" } });
    const refused = await api.call("DELETE", `/repositories/${repo}/tags/e2`);
    assert.equal(refused.status, 412);
    assert.match(refused.json.message, /OTHER_SECRET is not allowed/);
    assert.doesNotMatch(refused.json.message, /not-for-hooks/);
    assert.equal(hooks.events("/env2").length, 0);
  });

  it("invalid action files and unsupported hook types fail the operation with the reason", async () => {
    const repo = await api.createRepo("act-invalid");
    const cases: [string, RegExp][] = [
      ["name: x\non: [", /parsing file _lakefs_actions\/bad\.yaml: invalid YAML/],
      [
        "name: ok name\non:\n  pre-frobnicate:\nhooks: []",
        /event 'pre-frobnicate' is not supported/,
      ],
      [
        "name: tagged\non:\n  pre-create-tag:\n    branches: [main]\n",
        /'branches' is not supported in tag event types/,
      ],
      ["on:\n  pre-commit:\n", /'name' is required/],
      [
        `name: dup\non:\n  pre-commit:\nhooks:\n  - id: h1\n    type: webhook\n    properties: {url: ${hooks.url}}\n  - id: h1\n    type: webhook\n`,
        /duplicate ID 'h1'/,
      ],
      [
        "name: air\non:\n  pre-commit:\nhooks:\n  - id: a1\n    type: airflow\n",
        /airflow hooks are not supported by lakefs-ts-server/,
      ],
    ];
    const head = await branchHead(repo, "main");
    for (const [text, reason] of cases) {
      // Actions come from the branch being committed, staged changes included.
      await api.upload(repo, "main", "_lakefs_actions/bad.yaml", text);
      const r = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
        json: { message: "m" },
      });
      assert.equal(r.status, 412, text);
      assert.match(r.json.message, reason);
      await api.call("PUT", `/repositories/${repo}/branches/main`, { json: { type: "reset" } });
    }
    assert.equal(await branchHead(repo, "main"), head);
  });

  it("matches branch globs like lakeFS (path.Match) and skips hooks after a failure", async () => {
    const repo = await api.createRepo("act-globs");
    const text = [
      "name: etl guard",
      "on:",
      "  pre-commit:",
      "    branches: ['etl-*', 'main']",
      "hooks:",
      "  - id: first",
      "    type: webhook",
      "    properties:",
      `      url: ${hooks.url}/fail`,
      "  - id: skipped",
      "    type: webhook",
      "    properties:",
      `      url: ${hooks.url}/never`,
      "  - id: cleanup",
      "    type: webhook",
      "    if: failure()",
      "    properties:",
      `      url: ${hooks.url}/cleanup`,
    ].join("\n");
    await api.upload(repo, "main", "_lakefs_actions/etl.yaml", text);
    const blocked = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: { message: "m" },
    });
    assert.equal(blocked.status, 412);
    await api.call("PUT", `/repositories/${repo}/branches/main`, { json: { type: "reset" } });

    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "etl-x", source: "main" },
    });
    await api
      .call("POST", `/repositories/${repo}/branches`, { json: { name: "etl-a/b", source: "main" } })
      .catch(() => {});
    await api.call("POST", `/repositories/${repo}/branches`, {
      json: { name: "other", source: "main" },
    });
    for (const branch of ["etl-x", "other"]) {
      await api.upload(repo, branch, "_lakefs_actions/etl.yaml", text);
    }
    const etl = await api.call("POST", `/repositories/${repo}/branches/etl-x/commits`, {
      json: { message: "m" },
    });
    assert.equal(etl.status, 412);
    const other = await api.call("POST", `/repositories/${repo}/branches/other/commits`, {
      json: { message: "m" },
    });
    assert.equal(other.status, 201);
    assert.equal(hooks.events("/never").length, 0);
    assert.ok(hooks.events("/cleanup").length >= 2);

    const runId = /run id '([0-9a-v]{20})'/.exec(etl.json.message)![1];
    const hooksList = await api.call("GET", `/repositories/${repo}/actions/runs/${runId}/hooks`);
    assert.deepEqual(
      hooksList.json.results.map((h: { hook_id: string; status: string }) => [h.hook_id, h.status]),
      [
        ["first", "failed"],
        ["skipped", "skipped"],
        ["cleanup", "completed"],
      ],
    );
  });

  it("serves runs, hook runs and hook output", async () => {
    const repo = await api.createRepo("act-runs");
    await installAction(
      repo,
      "runs.yaml",
      actionFile("runs", `${hooks.url}/runs`, ["pre-commit", "post-commit"]),
    );
    await api.upload(repo, "main", "r.txt", "r");
    const commit = await api.commit(repo, "main", "with hooks");
    // Two commits (the action file's own, then r.txt), each with a pre- and a post-commit run.
    await hooks.until("/runs", 4);

    let runs = await api.call("GET", `/repositories/${repo}/actions/runs`);
    const settled = (r: typeof runs) =>
      r.json.results.length === 4 &&
      r.json.results.every((x: { commit_id: string }) => x.commit_id !== "");
    for (let i = 0; i < 200 && !settled(runs); i++) {
      await new Promise((r) => setTimeout(r, 20));
      runs = await api.call("GET", `/repositories/${repo}/actions/runs`);
    }
    assert.equal(runs.status, 200);
    const results = runs.json.results as {
      run_id: string;
      event_type: string;
      commit_id: string;
      status: string;
      branch: string;
    }[];
    // Newest first by second; within one second ids count up, as lakeFS's xids do.
    const types = results.map((r) => r.event_type).sort();
    assert.deepEqual(types, ["post-commit", "post-commit", "pre-commit", "pre-commit"]);
    assert.ok(results.every((r) => r.status === "completed" && r.branch === "main"));
    // The pre-commit run learns the commit it guarded, as the post-commit run reports it.
    const forCommit = results.filter((r) => r.commit_id === commit.id).map((r) => r.event_type);
    assert.deepEqual(forCommit.sort(), ["post-commit", "pre-commit"]);
    const postRun = results.find((r) => r.event_type === "post-commit")!;

    const byCommit = await api.call(
      "GET",
      `/repositories/${repo}/actions/runs?commit=${commit.id}`,
    );
    assert.equal(byCommit.json.results.length, 2);
    const byBranch = await api.call("GET", `/repositories/${repo}/actions/runs?branch=nope`);
    assert.equal(byBranch.json.results.length, 0);
    const paged = await api.call("GET", `/repositories/${repo}/actions/runs?amount=1`);
    assert.deepEqual([paged.json.results.length, paged.json.pagination.has_more], [1, true]);
    const next = await api.call(
      "GET",
      `/repositories/${repo}/actions/runs?amount=5&after=${paged.json.pagination.next_offset}`,
    );
    assert.equal(next.json.results.length, 3);

    const run = await api.call("GET", `/repositories/${repo}/actions/runs/${postRun.run_id}`);
    assert.deepEqual([run.json.run_id, run.json.event_type], [postRun.run_id, "post-commit"]);
    const hookRuns = await api.call(
      "GET",
      `/repositories/${repo}/actions/runs/${postRun.run_id}/hooks`,
    );
    assert.deepEqual(
      hookRuns.json.results.map((h: { hook_run_id: string }) => h.hook_run_id),
      ["0000_0000"],
    );
    const output = await api.call(
      "GET",
      `/repositories/${repo}/actions/runs/${postRun.run_id}/hooks/0000_0000/output`,
    );
    assert.equal(output.status, 200);
    assert.match(output.text, /POST http:\/\/127\.0\.0\.1:\d+\/runs/);
    assert.match(output.text, /Response: 200/);

    for (const bad of [
      `/repositories/${repo}/actions/runs/nosuchrun`,
      `/repositories/${repo}/actions/runs/..%2F..%2Fsecret`,
      `/repositories/${repo}/actions/runs/${postRun.run_id}/hooks/9999_9999/output`,
      `/repositories/${repo}/actions/runs/${postRun.run_id}/hooks/..%2Frun.manifest/output`,
      "/repositories/no-such-repo/actions/runs",
    ]) {
      const r = await api.call("GET", bad);
      assert.equal(r.status, 404, bad);
    }
  });
});
