import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { QUICKSTART_CREDENTIALS } from "lakefs-ts-server";
import { parse as parseYaml } from "yaml";
import { banner, main, parseRunArgs, USAGE, UsageError, writeLakectlConfig } from "../src/cli.js";
import { spawnCli, waitForBanner } from "./cli-helpers.js";
import { basicAuth } from "./http-helpers.js";

function capture() {
  let out = "";
  let err = "";
  return {
    io: {
      out: (t: string) => {
        out += t;
      },
      err: (t: string) => {
        err += t;
      },
    },
    out: () => out,
    err: () => err,
  };
}

describe("CLI argument parsing", () => {
  it("defaults to ./lakefs-data on 127.0.0.1:8000 with presign and import off", () => {
    assert.deepEqual(parseRunArgs([]), {
      help: false,
      lakectlConfig: undefined,
      options: {
        dataDir: resolve("lakefs-data"),
        host: "127.0.0.1",
        port: 8000,
        quickstart: false,
        presign: false,
        importRoots: [],
        logger: false,
        s3Domain: "s3.local.lakefs.io",
        s3Region: "us-east-1",
        actionsLuaNetHttp: false,
      },
    });
  });

  it("parses every flag; --import-root repeats and resolves to absolute paths", () => {
    const parsed = parseRunArgs([
      "--data=/srv/lakefs",
      "--host",
      "0.0.0.0",
      "--port",
      "0",
      "--quickstart",
      "--presign",
      "--import-root",
      "/data/a",
      "--import-root=relative/b",
      "--log",
      "--lakectl-config",
      "lakectl.yaml",
      "--s3-domain",
      "s3.example.test",
      "--s3-region=eu-west-1",
      "--actions-lua-net-http",
    ]);
    assert.deepEqual(parsed, {
      help: false,
      lakectlConfig: resolve("lakectl.yaml"),
      options: {
        dataDir: "/srv/lakefs",
        host: "0.0.0.0",
        port: 0,
        quickstart: true,
        presign: true,
        importRoots: ["/data/a", resolve("relative/b")],
        logger: true,
        s3Domain: "s3.example.test",
        s3Region: "eu-west-1",
        actionsLuaNetHttp: true,
      },
    });
    assert.deepEqual(parseRunArgs(["-h"]), { help: true });
  });

  it("rejects bad values, unknown flags, missing values and stray arguments", () => {
    for (const argv of [
      ["--port", "http"],
      ["--port", "65536"],
      ["--port", "-1"],
      ["--port", "80.5"],
      ["--bogus"],
      ["--data"],
      ["--data", ""],
      ["--quickstart=yes"],
      ["--lakectl-config", ""],
      ["stray"],
    ]) {
      assert.throws(() => parseRunArgs(argv), UsageError, argv.join(" "));
    }
  });
});

describe("CLI main", () => {
  it("prints usage for --help / -h / help / run --help", async () => {
    for (const argv of [["--help"], ["-h"], ["help"], ["run", "--help"]]) {
      const c = capture();
      assert.equal(await main(argv, c.io), 0);
      assert.equal(c.out(), USAGE);
    }
  });

  it("exits 2 with a pointer to --help on usage errors", async () => {
    for (const [argv, message] of [
      [["frobnicate"], 'unknown command "frobnicate"'],
      [["run", "--port", "x"], "--port x"],
      [["--nope"], "--nope"],
    ] as const) {
      const c = capture();
      assert.equal(await main(argv, c.io), 2);
      assert.ok(c.err().includes(message), c.err());
      assert.ok(c.err().includes("lakefs-ts-server --help"));
      assert.equal(c.out(), "");
    }
  });

  it("fails clearly for an import root that does not exist", async () => {
    const c = capture();
    await assert.rejects(
      main(
        ["run", "--port", "0", "--data", join(tmpdir(), "unused"), "--import-root", "/no/such"],
        c.io,
      ),
      /import root \/no\/such: not an existing directory/,
    );
  });

  it("banner: endpoint, keys and LAKECTL_* lines; no secret when it is unknown", () => {
    const server = {
      url: "http://127.0.0.1:8000",
      endpoint: "http://127.0.0.1:8000/api/v1",
      dataDir: "/d",
      firstStart: true,
      credentials: { accessKeyId: "AKIAJEXAMPLE", secretAccessKey: "s/e+c=r'et" },
      close: async () => {},
    };
    const text = banner(server, { dataDir: "/d" });
    assert.match(text, /endpoint: +http:\/\/127\.0\.0\.1:8000\/api\/v1$/m);
    assert.match(text, /^ {2}export LAKECTL_SERVER_ENDPOINT_URL=http:\/\/127\.0\.0\.1:8000$/m);
    assert.match(text, /^ {2}export LAKECTL_CREDENTIALS_ACCESS_KEY_ID=AKIAJEXAMPLE$/m);
    assert.ok(text.includes(`LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY='s/e+c=r'\\''et'`));
    assert.match(text, /shown only this once/);

    const later = banner(
      { ...server, firstStart: false, credentials: undefined },
      { dataDir: "/d" },
    );
    assert.doesNotMatch(later, /secret access key:/);
    assert.match(later, /first started/);
  });
});

describe("CLI lakectl config", () => {
  const server = {
    url: "http://127.0.0.1:8123",
    endpoint: "http://127.0.0.1:8123/api/v1",
    dataDir: "/d",
    firstStart: true,
    credentials: { accessKeyId: "AKIAJEXAMPLE", secretAccessKey: "secret/key" },
    close: async () => {},
  };
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "lakefs-ts-lakectl-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes endpoint and keys as lakectl YAML, readable only by the owner", () => {
    const file = join(dir, "lakectl.yaml");
    assert.match(writeLakectlConfig(file, server), /^Wrote/);
    assert.deepEqual(parseYaml(readFileSync(file, "utf8")), {
      credentials: { access_key_id: "AKIAJEXAMPLE", secret_access_key: "secret/key" },
      server: { endpoint_url: "http://127.0.0.1:8123" },
    });
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it("never replaces an existing file, and writes nothing when the secret is unknown", () => {
    const file = join(dir, "existing.yaml");
    writeFileSync(file, "mine: true\n");
    assert.match(writeLakectlConfig(file, server), /already exists/);
    assert.equal(readFileSync(file, "utf8"), "mine: true\n");
    const other = join(dir, "unknown.yaml");
    assert.match(writeLakectlConfig(other, { ...server, credentials: undefined }), /not known/);
    assert.throws(() => statSync(other));
  });
});

describe("CLI run (child process)", () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), "lakefs-ts-cli-"));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("generates admin keys on first start, serves with them, and stops cleanly on SIGTERM", async () => {
    const cli = spawnCli(["run", "--port", "0", "--data", dataDir]);
    const shown = await waitForBanner(cli);
    assert.match(shown.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    assert.match(shown.accessKeyId ?? "", /^AKIAJ[A-Z0-9]{14}Q$/);
    assert.match(shown.text, /shown only this once/);

    const health = await fetch(`${shown.endpoint}/healthcheck`);
    assert.equal(health.status, 204);
    const user = await fetch(`${shown.endpoint}/user`, {
      headers: { authorization: basicAuth(shown.accessKeyId!, shown.secretAccessKey!) },
    });
    assert.equal(user.status, 200);

    cli.child.kill("SIGTERM");
    assert.equal(await cli.exited, 0);
    assert.match(cli.stderr(), /SIGTERM: draining requests/);
  });

  it("restarts on the same data directory without showing the secret again", async () => {
    const cli = spawnCli(["--port", "0", "--data", dataDir]);
    const shown = await waitForBanner(cli);
    assert.equal(shown.secretAccessKey, undefined);
    assert.match(shown.text, /first started/);
    cli.child.kill("SIGINT");
    assert.equal(await cli.exited, 0);
  });

  it("refuses --quickstart on a data directory set up with other keys", async () => {
    const cli = spawnCli(["run", "--port", "0", "--data", dataDir, "--quickstart"]);
    const code = await cli.exited;
    assert.notEqual(code, 0);
    assert.match(cli.stderr(), /other admin credentials than the quickstart ones/);
    assert.ok(!cli.stderr().includes(QUICKSTART_CREDENTIALS.secretAccessKey));
  });
});
