import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  Client,
  ConfigurationError,
  NotAuthorizedError,
  NotFoundError,
  repositories,
  repository,
  ServerError,
  setDefaultClient,
  UnsupportedOperationError,
} from "lakefs-ts";
import { contractFetch } from "../support/contract.js";
import { openTarget, type TestTarget } from "../support/lakefs.js";

describe("Client", () => {
  let target: TestTarget;
  before(async () => {
    target = await openTarget();
  });
  after(async () => {
    setDefaultClient(undefined);
    await target?.close();
  });

  it("reports the server version and storage configuration", async () => {
    const client = target.client();
    const config = await client.config();
    assert.equal(typeof config.version, "string");
    assert.ok(config.storages.length >= 1);
    assert.equal(await client.version(), config.version);
    const storage = await client.storageConfig();
    assert.equal(typeof storage.blockstoreType, "string");
    assert.equal(typeof storage.preSignSupport, "boolean");
    assert.equal(typeof storage.importSupport, "boolean");
    assert.deepEqual(await client.storageConfig({ storageId: storage.blockstoreId }), storage);
    await assert.rejects(client.storageConfig({ storageId: "no-such-storage" }), NotFoundError);
  });

  it("accepts an endpoint without /api/v1 or scheme", async () => {
    const bare = target.endpoint.replace(/^http:\/\//, "").replace(/\/api\/v1$/, "");
    const client = target.client({ endpoint: bare });
    assert.equal(client.http.endpoint, target.endpoint);
    assert.equal(typeof (await client.version()), "string");
  });

  it("raises NotAuthorizedError for wrong credentials", async () => {
    const client = target.client({
      credentials: { accessKeyId: "AKIAWRONG", secretAccessKey: "nope" },
    });
    await assert.rejects(repository("any", { client }).properties(), (e: unknown) => {
      assert.ok(e instanceof NotAuthorizedError);
      assert.equal(e.status, 401);
      return true;
    });
  });

  it("sessionCookie credentials send no Authorization header; the login cookie authenticates", async () => {
    const sent: (string | null)[] = [];
    let cookie = "";
    // A browser keeps and sends the cookie itself; this fetch plays that part.
    const browserLike: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      sent.push(headers.get("authorization"));
      if (cookie) headers.set("cookie", cookie);
      const response = await fetch(input, { ...init, headers });
      const setCookie = response.headers.get("set-cookie");
      if (setCookie) cookie = setCookie.split(";")[0] as string;
      return response;
    };
    const client = new Client({
      endpoint: target.endpoint,
      credentials: { sessionCookie: true },
      fetch: browserLike,
    });
    await assert.rejects(
      client.http.request({ method: "GET", path: "/user", expect: "json" }),
      NotAuthorizedError,
    );
    await client.http.request({
      method: "POST",
      path: "/auth/login",
      json: { access_key_id: target.accessKeyId, secret_access_key: target.secretAccessKey },
      expect: "json",
    });
    assert.match(cookie, /^internal_auth_session=./);
    const me = await client.http.request<{ user: { id: string } }>({
      method: "GET",
      path: "/user",
      expect: "json",
    });
    assert.equal(typeof me.user.id, "string");
    assert.deepEqual(new Set(sent), new Set([null]));
  });

  it("lists repositories lazily, with prefix, after and maxAmount", async () => {
    const client = target.client();
    const prefix = `lst${Date.now().toString(36)}`;
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { name, storageNamespace } = target.newRepo(`${prefix}-${i}`);
      await repository(name, { client }).create(storageNamespace);
      names.push(name);
    }
    names.sort();
    const listed = (await repositories({ client, prefix }).toArray()).map((r) => r.id);
    assert.deepEqual(listed, names);
    assert.deepEqual(
      (await repositories({ client, prefix, after: names[0] }).toArray()).map((r) => r.id),
      names.slice(1),
    );
    assert.deepEqual(
      (await repositories({ client, prefix, maxAmount: 2, pageSize: 1 }).toArray()).map(
        (r) => r.id,
      ),
      names.slice(0, 2),
    );
    assert.deepEqual(await repositories({ client, prefix, maxAmount: 0 }).toArray(), []);
    const pages = [];
    for await (const page of repositories({ client, prefix, pageSize: 2 }).pages())
      pages.push(page);
    assert.deepEqual(
      pages.map((p) => [p.items.length, p.hasMore]),
      [
        [2, true],
        [1, false],
      ],
    );
  });

  it("uses the default client when none is given", async () => {
    setDefaultClient(target.client());
    const { name, storageNamespace } = target.newRepo("dflt");
    await repository(name).create(storageNamespace);
    assert.equal((await repository(name).properties()).id, name);
    setDefaultClient(new Client({ endpoint: target.endpoint }));
    // No credentials anywhere (explicit, env, file): a clear error at the first call.
    const saved = { ...process.env };
    try {
      for (const key of Object.keys(process.env))
        if (key.startsWith("LAKECTL_")) delete process.env[key];
      process.env.LAKECTL_CONFIG_FILE = "/nonexistent/lakectl.yaml";
      await assert.rejects(repository(name).properties(), ConfigurationError);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it("fromWebIdentity and fromAwsRole surface the server's refusal as typed errors", async () => {
    // The embedded server has no OIDC or AWS trust configured: 501. A real lakeFS may say 401/404.
    const refused = (e: unknown) =>
      target.embedded ? e instanceof UnsupportedOperationError : e instanceof ServerError;
    await assert.rejects(
      Client.fromWebIdentity({
        endpoint: target.endpoint,
        fetch: contractFetch(),
        code: "c",
        state: "s",
        redirectUri: "http://cb",
      }),
      refused,
    );
    await assert.rejects(
      Client.fromAwsRole({
        endpoint: target.endpoint,
        fetch: contractFetch(),
        awsCredentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      }),
      refused,
    );
  });
});
