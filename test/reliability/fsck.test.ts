/**
 * `fsck` on a real data directory: clean after a workload (also through the CLI), and every kind
 * of damage reported, never repaired.
 */
import assert from "node:assert/strict";
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { startServer } from "lakefs-ts-server";
import { main } from "../../packages/server/src/cli.js";
import { fsck } from "../../packages/server/src/fsck.js";
import { expectStatus } from "./support/api.js";

const REPO = "fsck";

/** A data directory with two commits, a tag, a branch and a staged object; the server closed. */
async function populatedDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "lakefs-ts-fsck-"));
  const server = await startServer({ dataDir, port: 0, quickstart: true });
  const api = (method: string, path: string, status: number, options = {}) =>
    expectStatus(server.endpoint, method, `/repositories/${REPO}${path}`, status, options);
  try {
    await expectStatus(server.endpoint, "POST", "/repositories", 201, {
      json: { name: REPO, storage_namespace: `local://${REPO}`, default_branch: "main" },
    });
    for (const [i, path] of ["a.txt", "dir/b.bin", "dir/c.bin"].entries()) {
      await api("POST", "/branches/main/objects", 201, {
        query: { path },
        raw: Buffer.alloc(1000 * (i + 1), i + 1),
      });
    }
    await api("POST", "/branches/main/commits", 201, { json: { message: "first" } });
    await api("POST", "/tags", 201, { json: { id: "v1", ref: "main" } });
    await api("POST", "/branches", 201, { json: { name: "dev", source: "main" } });
    await api("DELETE", "/branches/main/objects", 204, { query: { path: "a.txt" } });
    await api("POST", "/branches/main/commits", 201, { json: { message: "second" } });
    await api("POST", "/branches/dev/objects", 201, {
      query: { path: "staged.txt" },
      raw: Buffer.from("staged"),
    });
  } finally {
    await server.close();
  }
  return dataDir;
}

function captureIO() {
  const io = {
    text: "",
    out: (t: string) => {
      io.text += t;
    },
    err: (t: string) => {
      io.text += t;
    },
  };
  return io;
}

/** Object data files in the namespace, largest last. */
function objectFiles(dataDir: string): string[] {
  const root = join(dataDir, "block", REPO, "data");
  const files: string[] = [];
  for (const part of readdirSync(root))
    for (const f of readdirSync(join(root, part))) files.push(join(root, part, f));
  return files.sort((a, b) => readFileSync(a).length - readFileSync(b).length);
}

describe("fsck", () => {
  let clean: string;
  before(async () => {
    clean = await populatedDataDir();
  });
  after(() => rmSync(clean, { recursive: true, force: true }));

  it("finds nothing wrong after a workload, and covers commits, tree files, staged and committed objects", async () => {
    const report = await fsck(clean);
    assert.deepEqual(report.problems, []);
    assert.equal(report.repositories, 1);
    assert.equal(report.commits, 3); // initial commit + two
    assert.ok(report.metaranges >= 2 && report.ranges >= 2);
    assert.equal(report.objects, 4);
    assert.equal(report.objectBytes, 1000 + 2000 + 3000 + 6);
  });

  it("is the CLI's fsck command: exit 0 and a summary when clean", async () => {
    const io = captureIO();
    assert.equal(await main(["fsck", "--data", clean], io), 0);
    assert.match(io.text, /checked 1 repositories, 3 commits.*no problems/);
  });

  it("is a usage error without --data, and exit 1 for a directory without a database", async () => {
    const io = captureIO();
    assert.equal(await main(["fsck"], io), 2);
    const empty = mkdtempSync(join(tmpdir(), "lakefs-ts-fsck-empty-"));
    try {
      assert.equal(await main(["fsck", "--data", empty], io), 1);
      assert.match(io.text, /not a lakefs-ts data directory/);
      assert.deepEqual(readdirSync(empty), [], "fsck must not create anything");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("reports changed bytes, truncated and missing objects, and leaves them as they are", async () => {
    const dataDir = await populatedDataDir();
    try {
      const [small, medium, large] = objectFiles(dataDir);
      const flipped = readFileSync(large!);
      flipped[10] = flipped[10]! ^ 0xff;
      writeFileSync(large!, flipped);
      truncateSync(medium!, 10);
      unlinkSync(small!);
      const io = captureIO();
      assert.equal(await main(["fsck", "--data", dataDir], io), 1);
      assert.match(io.text, /has MD5 [0-9a-f]{32}, entry says/);
      assert.match(io.text, /has 10 bytes, entry says \d+/);
      assert.match(io.text, /object data .* is missing/);
      assert.deepEqual(readFileSync(large!), flipped, "fsck must not repair");
      const again = await fsck(dataDir);
      assert.ok(again.problems.length >= 3);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("reports damaged or missing range and metarange files", async () => {
    const dataDir = await populatedDataDir();
    try {
      const treeDir = join(dataDir, "block", REPO, "_lakefs");
      const treeFiles = readdirSync(treeDir).filter((f) => /^[0-9a-f]{64}$/.test(f));
      assert.equal(treeFiles.length, 4, "two metaranges of one range each");
      for (const id of treeFiles) {
        const path = join(treeDir, id);
        const original = readFileSync(path);
        const damaged = Buffer.from(original);
        damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 1;
        writeFileSync(path, damaged);
        const corrupt = await fsck(dataDir);
        assert.match(
          corrupt.problems.map((p) => p.message).join("\n"),
          new RegExp(`${id} is corrupt`),
        );
        unlinkSync(path);
        const missing = await fsck(dataDir);
        assert.match(
          missing.problems.map((p) => p.message).join("\n"),
          new RegExp(`${id} is missing`),
        );
        writeFileSync(path, original);
      }
      assert.deepEqual((await fsck(dataDir)).problems, []);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("reports commits whose content no longer matches their id, and dangling refs", async () => {
    const dataDir = await populatedDataDir();
    try {
      const db = new Database(join(dataDir, "metadata.db"));
      db.prepare("UPDATE commits SET message = 'rewritten' WHERE message = 'first'").run();
      db.prepare("UPDATE tags SET commit_id = ? WHERE id = 'v1'").run("f".repeat(64));
      db.close();
      const report = await fsck(dataDir);
      const text = report.problems.map((p) => `${p.where}: ${p.message}`).join("\n");
      assert.match(text, /content hashes to [0-9a-f]{64}, not its id/);
      assert.match(text, new RegExp(`tag v1: commit ${"f".repeat(64)} is missing`));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
