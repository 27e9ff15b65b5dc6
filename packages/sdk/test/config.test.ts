import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Client } from "../src/client.js";
import { type LakectlFile, parseSeconds, resolveConfig } from "../src/config.js";
import { ConfigurationError } from "../src/errors.js";
import { lakectlConfigPath, readLakectlFile } from "../src/node/config-file.js";

const file = (content: unknown, path = "/home/u/.lakectl.yaml"): LakectlFile => ({ path, content });
const fileConfig = file({
  server: { endpoint_url: "http://file-host:8000" },
  credentials: { access_key_id: "FILEKEY", secret_access_key: "filesecret" },
});

describe("resolveConfig", () => {
  it("reads endpoint and key pair from the lakectl file", () => {
    assert.deepEqual(resolveConfig({}, {}, fileConfig), {
      endpoint: "http://file-host:8000",
      auth: {
        kind: "credentials",
        credentials: { accessKeyId: "FILEKEY", secretAccessKey: "filesecret" },
      },
    });
  });

  it("lets LAKECTL_* variables override the file", () => {
    const env = {
      LAKECTL_SERVER_ENDPOINT_URL: "https://env-host",
      LAKECTL_CREDENTIALS_ACCESS_KEY_ID: "ENVKEY",
      LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY: "envsecret",
    };
    assert.deepEqual(resolveConfig({}, env, fileConfig), {
      endpoint: "https://env-host",
      auth: {
        kind: "credentials",
        credentials: { accessKeyId: "ENVKEY", secretAccessKey: "envsecret" },
      },
    });
  });

  it("uses an env key pair only when both halves are set", () => {
    const env = { LAKECTL_CREDENTIALS_ACCESS_KEY_ID: "ENVKEY" };
    const resolved = resolveConfig({}, env, fileConfig);
    assert.deepEqual(resolved.auth, {
      kind: "credentials",
      credentials: { accessKeyId: "FILEKEY", secretAccessKey: "filesecret" },
    });
  });

  it("prefers a session token from the environment over any key pair", () => {
    const env = {
      LAKECTL_CREDENTIALS_SESSION_TOKEN: "jwt",
      LAKECTL_CREDENTIALS_ACCESS_KEY_ID: "ENVKEY",
      LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY: "envsecret",
    };
    assert.deepEqual(resolveConfig({}, env, fileConfig).auth, {
      kind: "credentials",
      credentials: { token: "jwt" },
    });
  });

  it("lets explicit options override environment and file", () => {
    const env = {
      LAKECTL_SERVER_ENDPOINT_URL: "https://env-host",
      LAKECTL_CREDENTIALS_SESSION_TOKEN: "jwt",
    };
    const resolved = resolveConfig(
      { endpoint: "http://explicit", credentials: { accessKeyId: "X", secretAccessKey: "Y" } },
      env,
      fileConfig,
    );
    assert.equal(resolved.endpoint, "http://explicit");
    assert.deepEqual(resolved.auth, {
      kind: "credentials",
      credentials: { accessKeyId: "X", secretAccessKey: "Y" },
    });
    // Explicit endpoint alone still takes credentials from the environment.
    assert.deepEqual(resolveConfig({ endpoint: "http://explicit" }, env, fileConfig).auth, {
      kind: "credentials",
      credentials: { token: "jwt" },
    });
  });

  it("names what to set when the endpoint or credentials are missing", () => {
    assert.throws(
      () => resolveConfig({}, {}, undefined),
      (e: unknown) =>
        e instanceof ConfigurationError &&
        /LAKECTL_SERVER_ENDPOINT_URL/.test(e.message) &&
        /endpoint_url/.test(e.message),
    );
    assert.throws(
      () => resolveConfig({}, { LAKECTL_SERVER_ENDPOINT_URL: "http://h" }, undefined),
      (e: unknown) =>
        e instanceof ConfigurationError &&
        /LAKECTL_CREDENTIALS_ACCESS_KEY_ID/.test(e.message) &&
        /LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY/.test(e.message),
    );
  });

  it("reads the aws_iam provider from the file and env, env winning", () => {
    const iamFile = file({
      server: { endpoint_url: "http://h" },
      credentials: {
        provider: {
          type: "aws_iam",
          aws_iam: {
            token_ttl_seconds: "1h",
            url_presign_ttl_seconds: 30,
            token_request_headers: { A: "b" },
          },
        },
      },
    });
    assert.deepEqual(resolveConfig({}, {}, iamFile).auth, {
      kind: "aws_iam",
      awsIam: {
        tokenTtlSeconds: 3600,
        presignedUrlTtlSeconds: 30,
        tokenRequestHeaders: { A: "b" },
      },
    });
    const env = {
      LAKECTL_CREDENTIALS_PROVIDER_AWS_IAM_TOKEN_TTL_SECONDS: "600",
      LAKECTL_CREDENTIALS_PROVIDER_AWS_IAM_TOKEN_REQUEST_HEADERS: '{"X-Custom":"v"}',
    };
    assert.deepEqual(resolveConfig({}, env, iamFile).auth, {
      kind: "aws_iam",
      awsIam: {
        tokenTtlSeconds: 600,
        presignedUrlTtlSeconds: 30,
        tokenRequestHeaders: { "X-Custom": "v" },
      },
    });
    assert.deepEqual(
      resolveConfig(
        {},
        { LAKECTL_SERVER_ENDPOINT_URL: "h", LAKECTL_CREDENTIALS_PROVIDER_TYPE: "aws_iam" },
      ).auth,
      {
        kind: "aws_iam",
        awsIam: {
          tokenTtlSeconds: 3600,
          presignedUrlTtlSeconds: 60,
          tokenRequestHeaders: undefined,
        },
      },
    );
  });

  it("rejects unknown provider types, bad header JSON and bad durations", () => {
    const base = { LAKECTL_SERVER_ENDPOINT_URL: "h" };
    assert.throws(
      () => resolveConfig({}, { ...base, LAKECTL_CREDENTIALS_PROVIDER_TYPE: "oidc" }),
      /unsupported credentials provider type 'oidc'/,
    );
    assert.throws(
      () =>
        resolveConfig(
          {},
          {
            ...base,
            LAKECTL_CREDENTIALS_PROVIDER_TYPE: "aws_iam",
            LAKECTL_CREDENTIALS_PROVIDER_AWS_IAM_TOKEN_REQUEST_HEADERS: "{nope",
          },
        ),
      ConfigurationError,
    );
    assert.throws(() => parseSeconds("forever", "ttl"), ConfigurationError);
    assert.throws(() => parseSeconds(-5, "ttl"), ConfigurationError);
    assert.equal(parseSeconds("1h30m", "ttl"), 5400);
    assert.equal(parseSeconds(" 90 ", "ttl"), 90);
    assert.equal(parseSeconds(undefined, "ttl"), undefined);
  });

  it("treats an empty file as no settings and rejects malformed ones", () => {
    assert.throws(() => resolveConfig({}, {}, file(null)), /no lakeFS endpoint/);
    assert.throws(
      () => resolveConfig({}, {}, file({ server: "oops" })),
      /server in .* must be a mapping/,
    );
    assert.throws(
      () => resolveConfig({}, {}, file({ server: { endpoint_url: 8000 } })),
      /server.endpoint_url .* must be a string/,
    );
  });
});

describe("lakectl file (Node)", () => {
  const dir = mkdtempSync(join(tmpdir(), "lakectl-config-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads LAKECTL_CONFIG_FILE, else ~/.lakectl.yaml", () => {
    const path = join(dir, "custom.yaml");
    writeFileSync(
      path,
      "server:\n  endpoint_url: http://yaml-host:8000\ncredentials:\n  access_key_id: YK\n  secret_access_key: YS\nlocal:\n  skip_non_regular_files: true\n",
    );
    assert.equal(lakectlConfigPath({ LAKECTL_CONFIG_FILE: path }), path);
    assert.match(lakectlConfigPath({}), /\.lakectl\.yaml$/);
    const read = readLakectlFile({ LAKECTL_CONFIG_FILE: path });
    assert.deepEqual(resolveConfig({}, { LAKECTL_CONFIG_FILE: path }, read), {
      endpoint: "http://yaml-host:8000",
      auth: { kind: "credentials", credentials: { accessKeyId: "YK", secretAccessKey: "YS" } },
    });
  });

  it("ignores a missing file and reports invalid YAML", () => {
    assert.equal(readLakectlFile({ LAKECTL_CONFIG_FILE: join(dir, "absent.yaml") }), undefined);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "server: [unclosed\n");
    assert.throws(() => readLakectlFile({ LAKECTL_CONFIG_FILE: bad }), ConfigurationError);
  });

  it("is used by a Client once the Node entry registered it", () => {
    const path = join(dir, "client.yaml");
    writeFileSync(
      path,
      "server:\n  endpoint_url: yaml-client-host:9\ncredentials:\n  access_key_id: K\n  secret_access_key: S\n",
    );
    const saved = { ...process.env };
    try {
      for (const key of Object.keys(process.env))
        if (key.startsWith("LAKECTL_")) delete process.env[key];
      process.env.LAKECTL_CONFIG_FILE = path;
      assert.equal(new Client().http.endpoint, "http://yaml-client-host:9/api/v1");
      process.env.LAKECTL_CONFIG_FILE = join(dir, "absent.yaml");
      const client = new Client();
      assert.throws(() => client.http, ConfigurationError);
      // A failed resolution is retried on the next access.
      process.env.LAKECTL_SERVER_ENDPOINT_URL = "http://later";
      process.env.LAKECTL_CREDENTIALS_SESSION_TOKEN = "t";
      assert.equal(client.http.endpoint, "http://later/api/v1");
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
