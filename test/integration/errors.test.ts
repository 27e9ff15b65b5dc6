import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BadRequestError,
  Client,
  ConflictError,
  isLakeFSError,
  LakeFSError,
  NetworkError,
  NotAuthorizedError,
  NotFoundError,
  ObjectNotFoundError,
  repository,
  ServerError,
} from "lakefs-ts";
import { needsEmbedded, openTarget, type TestTarget } from "../support/lakefs.js";

describe("errors from a real server", () => {
  let target: TestTarget;
  let client: Client;
  before(async () => {
    target = await openTarget();
    client = target.client();
  });
  after(() => target?.close());

  it("carry status, lakeFS message, body and operation", async () => {
    const error = await repository("missing-repo", { client })
      .branch("main")
      .getCommit()
      .catch((e: unknown) => e);
    assert.ok(error instanceof NotFoundError);
    assert.ok(error instanceof ServerError && error instanceof LakeFSError && isLakeFSError(error));
    assert.equal(error.status, 404);
    assert.equal(error.name, "NotFoundError");
    assert.match(error.message, /not found/);
    assert.deepEqual(error.body, { message: error.message });
    assert.equal(error.operation, "GET /repositories/missing-repo/commits/main");
  });

  it("map each failure to its class", async () => {
    const { name, storageNamespace } = target.newRepo();
    const repo = await repository(name, { client }).create(storageNamespace);
    await assert.rejects(repo.create(storageNamespace), ConflictError);
    await assert.rejects(repo.branch("main").commit("nothing to commit"), BadRequestError);
    await assert.rejects(repo.branch("main").object("absent").stat(), ObjectNotFoundError);
    await assert.rejects(repo.branch("no-branch").object("absent").stat(), NotFoundError);
    const anonymous = new Client({
      endpoint: target.endpoint,
      credentials: { token: "not-a-jwt" },
    });
    await assert.rejects(repository(name, { client: anonymous }).properties(), NotAuthorizedError);
  });

  it("reject with the signal's reason when the call is aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled by caller");
    controller.abort(reason);
    await assert.rejects(
      repository("any", { client }).properties({ signal: controller.signal }),
      (e: unknown) => e === reason,
    );
  });

  it("report an unreachable server as NetworkError", { skip: needsEmbedded }, async () => {
    const other = await openTarget();
    const lost = other.client({ retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    await other.close();
    await assert.rejects(repository("any", { client: lost }).properties(), (e: unknown) => {
      assert.ok(e instanceof NetworkError);
      assert.match(e.message, /^GET \/repositories\/any: /);
      return true;
    });
  });
});
