import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { mkdirDurableSync, parentsOfCreated, writeFileDurableSync } from "../src/core/durable.js";

const work = mkdtempSync(join(tmpdir(), "lakefs-ts-durable-"));
after(() => rmSync(work, { recursive: true, force: true }));

describe("durable file-system helpers", () => {
  it("lists the parent of every directory mkdir -p created, deepest first", () => {
    assert.deepEqual(parentsOfCreated("/d/a/b/c", "/d/a"), ["/d/a/b", "/d/a", "/d"]);
    assert.deepEqual(parentsOfCreated("/d/a", "/d/a"), ["/d"]);
    assert.deepEqual(parentsOfCreated("/d/a", undefined), []);
    assert.deepEqual(parentsOfCreated("/a", "/a"), ["/"]);
  });

  it("creates missing directories and accepts existing ones", () => {
    const dir = join(work, "x", "y", "z");
    mkdirDurableSync(dir);
    assert.ok(existsSync(dir));
    mkdirDurableSync(dir); // nothing to create, nothing to sync
    mkdirSync(join(work, "file-parent"));
    writeFileDurableSync(join(work, "file-parent", "f"), "x");
    assert.throws(() => mkdirDurableSync(join(work, "file-parent", "f", "sub")), /ENOTDIR|EEXIST/);
  });

  it("writes a small file whole, leaving no temp file behind", () => {
    const dir = join(work, "files");
    mkdirSync(dir);
    writeFileDurableSync(join(dir, "marker"), "first");
    writeFileDurableSync(join(dir, "marker"), Buffer.from("second"));
    assert.equal(readFileSync(join(dir, "marker"), "utf8"), "second");
    assert.deepEqual(readdirSync(dir), ["marker"]);
    assert.throws(() => writeFileDurableSync(join(dir, "missing", "f"), "x"), /ENOENT/);
  });
});
