/**
 * Confinement and limits: storage namespaces, import sources, linked physical addresses and
 * presigned URLs never reach outside their roots (`..`, encoded `..`, symlinks, absolute paths,
 * NUL, very long names); oversized bodies, headers and URLs get clear 4xx answers; slow clients
 * do not keep the server from answering others.
 */
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openTarget, type TestTarget } from "../support/lakefs.js";
import { BASIC_AUTH, call, expectStatus } from "./support/api.js";

const SECRET = "outside-secret-bytes\n";

describe("confinement and limits", () => {
  let target: TestTarget;
  let outside: string;
  let importRoot: string;
  let endpoint: string;

  before(async () => {
    outside = mkdtempSync(join(tmpdir(), "lakefs-ts-outside-"));
    writeFileSync(join(outside, "secret.txt"), SECRET);
    importRoot = mkdtempSync(join(tmpdir(), "lakefs-ts-import-root-"));
    mkdirSync(join(importRoot, "src"));
    writeFileSync(join(importRoot, "src", "ok.txt"), "inside\n");
    symlinkSync(join(outside, "secret.txt"), join(importRoot, "src", "leak.txt"));
    symlinkSync(outside, join(importRoot, "linked-dir"));
    target = await openTarget({ presign: true, importRoots: [importRoot] });
    endpoint = target.endpoint;
    symlinkSync(outside, join(target.dataDir!, "block", "link-out"));
    await expectStatus(endpoint, "POST", "/repositories", 201, {
      json: { name: "conf", storage_namespace: "local://conf", default_branch: "main" },
    });
    await expectStatus(endpoint, "POST", "/repositories/conf/branches/main/objects", 201, {
      query: { path: "a.txt" },
      raw: Buffer.from("hello"),
    });
  });
  after(async () => {
    await target.close();
    rmSync(outside, { recursive: true, force: true });
    rmSync(importRoot, { recursive: true, force: true });
  });

  const outsideUntouched = () =>
    assert.deepEqual(readdirSync(outside), ["secret.txt"], "nothing was written outside");

  it("refuses storage namespaces that leave the block root, with 400", async () => {
    const bad = [
      "local://../escape",
      "local://a/../../escape",
      "local://%2e%2e/escape",
      "local://a/%2E%2E/%2e%2e/escape",
      "local://..%2fescape",
      `local:///${outside}/../escape`,
      "local:///../etc",
      "local://a\u0000b",
      "local://a\\..\\..\\escape",
      `local://${"a".repeat(300)}`,
      `local://${"a/".repeat(600)}x`,
      "local://.tmp/x",
      "local://.multipart/x",
      "local://link-out/repo",
      "local://link-out",
      "file:///etc",
      "s3://bucket/x",
      "local://",
    ];
    for (const [i, ns] of bad.entries()) {
      const res = await call(endpoint, "POST", "/repositories", {
        json: { name: `bad-ns-${i}`, storage_namespace: ns, default_branch: "main" },
      });
      assert.equal(res.status, 400, `${JSON.stringify(ns)} → ${res.status} ${res.bytes}`);
    }
    outsideUntouched();
  });

  it("maps local:///<absolute path> namespaces under the block root, never the filesystem root", async () => {
    for (const [i, ns] of [`local://${outside}`, `local:///${outside}/deeper`].entries()) {
      const res = await call(endpoint, "POST", "/repositories", {
        json: { name: `abs-ns-${i}`, storage_namespace: ns, default_branch: "main" },
      });
      assert.equal(res.status, 201, `${JSON.stringify(ns)} → ${res.status} ${res.bytes}`);
      const inBlock = join(target.dataDir!, "block", ...ns.slice("local://".length).split("/"));
      assert.ok(existsSync(join(inBlock, "_lakefs", "dummy")), `${ns}: dummy under the block root`);
    }
    outsideUntouched();
  });

  it("refuses import sources outside the import roots and skips symlinks leading out", async () => {
    const bad = [
      "local:///etc/",
      `local://${outside}/`,
      `local://${importRoot}/../`,
      `local://${importRoot}/%2e%2e/`,
      `local://${importRoot}/src/../../`,
      `local://${importRoot}/linked-dir/`,
      `local://${importRoot}/src\u0000/`,
      `local://${importRoot}/${"x".repeat(5000)}/`,
      "local://relative/dir/",
      `local://${target.dataDir}/block/conf/`,
    ];
    for (const path of bad) {
      const res = await call(endpoint, "POST", "/repositories/conf/branches/main/import", {
        json: {
          paths: [{ type: "common_prefix", path, destination: "imp/" }],
          commit: { message: "x" },
        },
      });
      assert.ok(
        res.status === 400 || res.status === 403,
        `${JSON.stringify(path)} → ${res.status}`,
      );
    }
    await expectStatus(endpoint, "POST", "/repositories/conf/branches/main/commits", 201, {
      json: { message: "clean before import" },
    });
    const started = await expectStatus(
      endpoint,
      "POST",
      "/repositories/conf/branches/main/import",
      202,
      {
        json: {
          paths: [
            { type: "common_prefix", path: `local://${importRoot}/src/`, destination: "imp/" },
          ],
          commit: { message: "import" },
        },
      },
    );
    const id = (started.body as { id: string }).id;
    let status: { completed: boolean; error?: unknown };
    do {
      status = (
        await expectStatus(endpoint, "GET", "/repositories/conf/branches/main/import", 200, {
          query: { id },
        })
      ).body as typeof status;
    } while (!status.completed && status.error === undefined);
    assert.equal(status.error, undefined);
    const listed = await expectStatus(
      endpoint,
      "GET",
      "/repositories/conf/refs/main/objects/ls",
      200,
      {
        query: { prefix: "imp/" },
      },
    );
    const paths = (listed.body as { results: { path: string }[] }).results.map((r) => r.path);
    assert.deepEqual(paths, ["imp/ok.txt"], "the symlink to a file outside the roots was skipped");
  });

  it("refuses to link physical addresses outside the namespace or the import roots", async () => {
    const bad = [
      `local://${outside}/secret.txt`,
      "local:///etc/passwd",
      `local://${target.dataDir}/secret`,
      `local://${target.dataDir}/metadata.db`,
      `local://${target.dataDir}/block/link-out/secret.txt`,
      `local://${importRoot}/linked-dir/secret.txt`,
      `local://${importRoot}/src/leak.txt`,
      "../../secret",
      "data/%2e%2e/%2e%2e/%2e%2e/secret",
      "data/a\u0000b",
      `local://${target.dataDir}/block/conf/../../secret`,
    ];
    for (const address of bad) {
      const res = await call(endpoint, "PUT", "/repositories/conf/branches/main/staging/backing", {
        query: { path: "linked" },
        json: {
          staging: { physical_address: address },
          checksum: "abc",
          size_bytes: SECRET.length,
        },
      });
      assert.ok(
        [400, 403, 410].includes(res.status),
        `${JSON.stringify(address)} → ${res.status} ${res.bytes}`,
      );
    }
    const read = await call(endpoint, "GET", "/repositories/conf/refs/main/objects", {
      query: { path: "linked" },
    });
    assert.equal(read.status, 404);
  });

  it("serves presigned URLs only for what was signed: any change to the URL is a 403", async () => {
    const stat = await expectStatus(
      endpoint,
      "GET",
      "/repositories/conf/refs/main/objects/stat",
      200,
      {
        query: { path: "a.txt", presign: true },
      },
    );
    const url = new URL((stat.body as { physical_address: string }).physical_address);
    assert.equal((await fetch(url)).status, 200);
    for (const key of [...url.searchParams.keys()]) {
      for (const value of [
        "..",
        `${url.searchParams.get(key)}x`,
        `local://${outside}/secret.txt`,
        "",
      ]) {
        const tampered = new URL(url);
        tampered.searchParams.set(key, value);
        const res = await fetch(tampered);
        const body = await res.text();
        assert.ok(res.status === 403 || res.status === 400, `${key}=${value} → ${res.status}`);
        assert.equal(body.includes(SECRET.trim()), false);
      }
    }
    const put = await fetch(url, { method: "PUT", body: "overwrite" });
    assert.equal(put.status, 403, "a GET URL does not allow writing");
    outsideUntouched();
  });

  it("bounds request bodies, JSON nesting, headers and URLs with 4xx answers", async () => {
    const huge = await call(endpoint, "POST", "/repositories", {
      json: {
        name: "big",
        storage_namespace: "local://big",
        default_branch: "x".repeat(4 * 1024 * 1024),
      },
    });
    assert.equal(huge.status, 413);
    assert.match((huge.body as { message: string }).message, /too large/i);
    const deep = await fetch(`${endpoint}/repositories`, {
      method: "POST",
      headers: { authorization: BASIC_AUTH, "content-type": "application/json" },
      body: `${"[".repeat(200_000)}${"]".repeat(200_000)}`,
    });
    assert.ok(deep.status >= 400 && deep.status < 500, `deep nesting → ${deep.status}`);
    const header = await fetch(`${endpoint}/repositories`, {
      headers: { authorization: BASIC_AUTH, "x-filler": "y".repeat(64 * 1024) },
    });
    assert.equal(header.status, 431);
    const longUrl = await fetch(`${endpoint}/repositories/${"r".repeat(100_000)}`, {
      headers: { authorization: BASIC_AUTH },
    });
    assert.ok(longUrl.status >= 400 && longUrl.status < 500, `long URL → ${longUrl.status}`);
    const longPath = await call(endpoint, "POST", "/repositories/conf/branches/main/objects", {
      query: { path: "p".repeat(100_000) },
      raw: Buffer.from("x"),
    });
    assert.ok(
      longPath.status >= 400 && longPath.status < 500,
      `long object path → ${longPath.status}`,
    );
    assert.equal((await call(endpoint, "GET", "/healthcheck", { auth: null })).status, 204);
  });

  it("keeps answering while slow clients hold connections open mid-headers and mid-body", async () => {
    const { hostname, port } = new URL(endpoint);
    const open = (text: string) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write(text);
          resolve(socket);
        });
        socket.on("error", reject);
      });
    const slow: Socket[] = [];
    try {
      for (let i = 0; i < 40; i++) {
        slow.push(await open(`GET /api/v1/repositories HTTP/1.1\r\nHost: x\r\nX-Slow-${i}: `));
        slow.push(
          await open(
            `POST /api/v1/repositories/conf/branches/main/objects?path=slow-${i} HTTP/1.1\r\nHost: x\r\nAuthorization: ${BASIC_AUTH}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\npartial`,
          ),
        );
      }
      for (let i = 0; i < 5; i++) {
        assert.equal((await call(endpoint, "GET", "/repositories")).status, 200);
      }
    } finally {
      for (const s of slow) s.destroy();
    }
    const listed = await expectStatus(
      endpoint,
      "GET",
      "/repositories/conf/refs/main/objects/ls",
      200,
      {
        query: { prefix: "slow-" },
      },
    );
    assert.deepEqual(
      (listed.body as { results: unknown[] }).results,
      [],
      "abandoned uploads are not visible",
    );
  });
});

describe("idle connections", () => {
  let target: TestTarget;
  before(async () => {
    target = await openTarget({ idleTimeoutMs: 500 });
    await expectStatus(target.endpoint, "POST", "/repositories", 201, {
      json: { name: "idle", storage_namespace: "local://idle" },
    });
  });
  after(() => target?.close());

  it("drops a client that goes quiet mid-body, storing nothing", async () => {
    const { hostname, port } = new URL(target.endpoint);
    const closed = await new Promise<boolean>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `POST /api/v1/repositories/idle/branches/main/objects?path=quiet HTTP/1.1\r\nHost: x\r\nAuthorization: ${BASIC_AUTH}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\npartial`,
        );
      });
      // The server must hang up by itself; the guard only keeps a broken server from hanging the test.
      const guard = setTimeout(() => {
        socket.destroy();
        resolve(false);
      }, 20_000);
      socket.on("close", () => {
        clearTimeout(guard);
        resolve(true);
      });
      socket.on("error", () => {});
      socket.on("timeout", reject);
    });
    assert.equal(closed, true, "the server closed the idle connection");
    const listed = await expectStatus(
      target.endpoint,
      "GET",
      "/repositories/idle/refs/main/objects/ls",
      200,
    );
    assert.deepEqual((listed.body as { results: unknown[] }).results, []);
  });
});
