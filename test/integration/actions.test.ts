/**
 * The SDK's view of action hooks: a pre-commit webhook that fails turns a commit into a
 * `HookAbortedError` naming its run, whose hook runs and output the SDK reads back.
 * Against a real lakeFS the webhook must be reachable from the server (same machine here).
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  ActionRun,
  type Client,
  HookAbortedError,
  PreconditionFailedError,
  type Repository,
} from "lakefs-ts";
import { createRepo, openTarget, type TestTarget } from "../support/lakefs.js";

describe("actions", () => {
  let target: TestTarget;
  let client: Client;
  let repo: Repository;
  let webhook: Server;
  let url = "";

  before(async () => {
    webhook = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.statusCode = req.url?.startsWith("/reject") ? 400 : 200;
        res.end(req.url?.startsWith("/reject") ? "commit message must mention a ticket" : "ok");
      });
    });
    await new Promise<void>((r) => webhook.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}`;
    target = await openTarget();
    client = target.client();
    repo = await createRepo(target, client);
  });
  after(async () => {
    try {
      await target?.close();
    } finally {
      webhook.closeAllConnections();
      webhook.close();
    }
  });

  it("a failing pre-commit hook raises HookAbortedError, and its run can be read", async () => {
    const main = repo.branch("main");
    await main
      .object("_lakefs_actions/ticket.yaml")
      .upload(
        `name: ticket check\non:\n  pre-commit:\nhooks:\n  - id: ticket\n    type: webhook\n    properties:\n      url: ${url}/reject\n`,
      );
    const error = await main.commit("no ticket").then(
      () => assert.fail("the commit should have been blocked"),
      (err: unknown) => err,
    );
    assert.ok(error instanceof HookAbortedError);
    assert.ok(error instanceof PreconditionFailedError);
    assert.equal(error.status, 412);
    assert.equal(error.eventType, "pre-commit");

    const run = await repo.actions.run(error.runId);
    assert.ok(run instanceof ActionRun);
    assert.deepEqual([run.status, run.eventType, run.branch], ["failed", "pre-commit", "main"]);
    assert.ok(run.startTime instanceof Date);
    const hooks = [];
    for await (const hook of run.hooks()) hooks.push(hook);
    assert.deepEqual(
      hooks.map((h) => [h.action, h.hookId, h.status]),
      [["ticket check", "ticket", "failed"]],
    );
    assert.match(await hooks[0]!.output(), /400/);

    const listed = [];
    for await (const r of repo.actions.runs({ branch: "main" })) listed.push(r.runId);
    assert.ok(listed.includes(error.runId));
    const none = [];
    for await (const r of repo.actions.runs({ branch: "no-such-branch" })) none.push(r);
    assert.equal(none.length, 0);
  });

  it("a passing hook lets the commit through and records a completed run for it", async () => {
    const main = repo.branch("main");
    await main
      .object("_lakefs_actions/ticket.yaml")
      .upload(
        `name: ticket check\non:\n  pre-commit:\nhooks:\n  - id: ticket\n    type: webhook\n    properties:\n      url: ${url}/accept\n`,
      );
    const commit = await main.commit("PROJ-1: add the check");
    const runs = [];
    for await (const r of repo.actions.runs({ commit: commit.id })) runs.push(r);
    assert.deepEqual(
      runs.map((r) => [r.eventType, r.status, r.commitId]),
      [["pre-commit", "completed", commit.id]],
    );
  });
});
