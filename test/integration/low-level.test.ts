// The typed low-level client (`client.api`): every operation by its path template, with the
// client's authentication, typed errors, signals and timeouts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Client,
  ConflictError,
  NotAuthorizedError,
  NotFoundError,
  ObjectNotFoundError,
  type Repository,
} from "lakefs-ts";
import { createLakeFSApi, HttpClient } from "lakefs-ts/api";
import { createRepo, openTarget, type TestTarget } from "../support/lakefs.js";

describe("client.api (typed low-level client)", () => {
  let target: TestTarget;
  let client: Client;
  let repo: Repository;

  before(async () => {
    target = await openTarget();
    client = target.client();
    repo = await createRepo(target, client);
  });
  after(() => target?.close());

  it("reads and writes through path templates, with typed bodies and answers", async () => {
    const repository = repo.id;
    const { data: branch } = await client.api.GET("/repositories/{repository}/branches/{branch}", {
      params: { path: { repository, branch: "main" } },
    });
    assert.equal(branch?.id, "main");

    await repo.branch("main").object("low/level.txt").upload("x");
    const { data: commit } = await client.api.POST(
      "/repositories/{repository}/branches/{branch}/commits",
      {
        params: { path: { repository, branch: "main" } },
        body: {
          message: "through the low-level client",
          metadata: { via: "api" },
          allow_empty: false,
          force: false,
        },
        longRunning: true,
      },
    );
    assert.equal(commit?.message, "through the low-level client");
    assert.deepEqual(commit?.metadata, { via: "api" });
    assert.equal((await repo.branch("main").getCommit()).id, commit?.id);

    const { data: listing } = await client.api.GET(
      "/repositories/{repository}/refs/{ref}/objects/ls",
      { params: { path: { repository, ref: "main" }, query: { prefix: "low/", amount: 10 } } },
    );
    assert.deepEqual(
      listing?.results.map((o) => o.path),
      ["low/level.txt"],
    );

    // Bodies of other content types, and responses read as text.
    const { data: text } = await client.api.GET("/repositories/{repository}/refs/{ref}/objects", {
      params: { path: { repository, ref: "main" }, query: { path: "low/level.txt" } },
      parseAs: "text",
    });
    assert.equal(text, "x");
  });

  it("throws the SDK's typed errors instead of returning them", async () => {
    const repository = repo.id;
    await assert.rejects(
      client.api.GET("/repositories/{repository}/branches/{branch}", {
        params: { path: { repository, branch: "no-such-branch" } },
      }),
      NotFoundError,
    );
    await assert.rejects(
      client.api.POST("/repositories/{repository}/branches", {
        params: { path: { repository } },
        body: { name: "main", source: "main", force: false, hidden: false },
      }),
      ConflictError,
    );
    await assert.rejects(
      client.api.HEAD("/repositories/{repository}/refs/{ref}/objects", {
        params: { path: { repository, ref: "main" }, query: { path: "absent" } },
        object: true,
      }),
      ObjectNotFoundError,
    );
    const stranger = createLakeFSApi(
      new HttpClient({
        endpoint: client.http.endpoint,
        credentials: { accessKeyId: "AKIAnobody", secretAccessKey: "wrong" },
        retry: { maxRetries: 0 },
      }),
    );
    await assert.rejects(stranger.GET("/repositories"), NotAuthorizedError);
  });

  it("stops on the caller's signal with its reason", async () => {
    const reason = new Error("stop");
    const controller = new AbortController();
    controller.abort(reason);
    await assert.rejects(
      client.api.GET("/repositories", { signal: controller.signal }),
      (e: unknown) => e === reason,
    );
  });

  it("binds requests to the spec at compile time", () => {
    // Type-only: each line fails `npm run typecheck` if the generated types stop catching it.
    const api = client.api;
    const never = () => false;
    if (never()) {
      // @ts-expect-error: not a lakeFS path
      void api.GET("/repositories/{repository}/nope");
      // @ts-expect-error: path parameters have their declared types
      void api.GET("/repositories/{repository}", { params: { path: { repository: 1 } } });
      void api.POST("/repositories/{repository}/branches/{branch}/commits", {
        params: { path: { repository: "r", branch: "b" } },
        // @ts-expect-error: commits need a message
        body: { metadata: {}, allow_empty: false, force: false },
      });
    }
    assert.equal(typeof api.GET, "function");
  });
});
