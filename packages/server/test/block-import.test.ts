import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalBlockStore } from "../src/block/local.js";
import { compareKeys } from "../src/core/entry.js";
import { EngineError } from "../src/core/errors.js";

const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const isKind = (kind: string, message?: RegExp) => (err: unknown) =>
  err instanceof EngineError &&
  err.kind === kind &&
  (message === undefined || message.test(err.message));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("LocalBlockStore import", () => {
  let dir: string;
  let root: string;
  let store: LocalBlockStore;

  const files: Record<string, string> = {
    "a-b": "dash",
    "a/x": "nested",
    "a/y/z": "deep",
    a0: "zero",
    "b.txt": "bee",
    é: "e acute",
    "😀": "astral",
    "\uffff": "last bmp",
    empty: "",
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "block-import-test-"));
    root = join(dir, "imports");
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, "src", path)), { recursive: true });
      writeFileSync(join(root, "src", path), content);
    }
    writeFileSync(join(dir, "outside.txt"), "must not leak");
    symlinkSync(join(dir, "outside.txt"), join(root, "src", "leak"));
    symlinkSync(join(root, "src", "b.txt"), join(root, "src", "inner-link"));
    symlinkSync(join(root, "src", "a"), join(root, "src", "dir-link"));
    symlinkSync(join(dir, "nowhere"), join(root, "src", "dangling"));
    store = new LocalBlockStore(join(dir, "block"), { importRoots: [root] });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("importSourceDir", () => {
    it("resolves local:///<absolute path> under an import root", () => {
      assert.equal(store.importSourceDir(`local://${root}/src/`), join(root, "src"));
      assert.equal(store.importSourceDir(`local://${root}/src/b.txt`), join(root, "src", "b.txt"));
    });

    it("is forbidden when no import roots are configured", () => {
      const bare = new LocalBlockStore(join(dir, "block"));
      assert.throws(
        () => bare.importSourceDir(`local://${root}/src`),
        isKind("forbidden", /^import is not supported for this storage$/),
      );
    });

    const invalid = [
      () => `local://${dir}`,
      () => `local://${root}/../outside.txt`,
      () => `local://${root}/%2e%2e/outside.txt`,
      () => `local://${root}/src/leak`,
      () => `local://${root}/missing`,
      () => "local://relative/path",
      () => `s3://bucket${root}`,
      () => `local://${root}/src\u0000`,
      () => `local://${root}/${"x".repeat(300)}`,
    ];
    for (const uri of invalid) {
      it(`rejects ${uri.toString().slice(6, 50)}`, () => {
        assert.throws(
          () => store.importSourceDir(uri()),
          isKind("bad_request", /invalid import source/),
        );
      });
    }

    it("rejects sources overlapping the storage it writes, accepts the rest of the block store", () => {
      const wide = new LocalBlockStore(join(dir, "block"), { importRoots: [dir] });
      const overlap = isKind(
        "bad_request",
        /^invalid import source: .*: overlaps the lakeFS storage$/,
      );
      assert.throws(() => wide.importSourceDir(`local://${dir}`), overlap);
      assert.throws(() => wide.importSourceDir(`local://${dir}/block`), overlap);
      mkdirSync(join(dir, "block", ".tmp"), { recursive: true });
      assert.throws(() => wide.importSourceDir(`local://${dir}/block/.tmp`), overlap);
      // Another namespace's files, or a path sharing a prefix with the importing namespace:
      mkdirSync(join(dir, "block", "zprobe2", "x"), { recursive: true });
      writeFileSync(join(dir, "block", "zprobe2", "y.txt"), "y");
      const namespaceDir = join(dir, "block", "zprobe2", "x");
      assert.equal(
        wide.importSourceDir(`local://${dir}/block/zprobe2/y.txt`, undefined, { namespaceDir }),
        join(dir, "block", "zprobe2", "y.txt"),
      );
      assert.throws(
        () => wide.importSourceDir(`local://${dir}/block/zprobe2/x`, undefined, { namespaceDir }),
        isKind("bad_request", /inside the repository's storage namespace$/),
      );
    });

    it("accepts a missing source under a root only when asked to (checked again when walked)", () => {
      assert.equal(
        store.importSourceDir(`local://${root}/later/`, undefined, { allowMissing: true }),
        join(root, "later"),
      );
      assert.throws(
        () => store.importSourceDir(`local://${root}/later/`),
        isKind("bad_request", /no such file or directory$/),
      );
      // Outside the roots stays refused, existing or not.
      assert.throws(
        () => store.importSourceDir(`local://${dir}/missing`, undefined, { allowMissing: true }),
        isKind("bad_request", /outside the allowed import roots$/),
      );
      assert.throws(
        () => store.importSourceDir(`local://${root}/../x`, undefined, { allowMissing: true }),
        isKind("bad_request", /invalid import source/),
      );
    });
  });

  it("walks files in UTF-8 byte order with full addresses, sizes, mtimes and MD5s", async () => {
    const source = store.importSourceDir(`local://${root}/src`);
    const walked = await collect(store.walkImport(source));
    const expected = [...Object.keys(files), "inner-link"].sort(compareKeys);
    assert.deepEqual(
      walked.map((w) => w.relPath),
      expected,
    );
    for (const { relPath, entry } of walked) {
      const path = join(root, "src", relPath);
      assert.equal(entry.address, `local://${path}`);
      assert.equal(entry.addressType, "full");
      const content = relPath === "inner-link" ? files["b.txt"]! : files[relPath]!;
      assert.equal(entry.size, Buffer.byteLength(content));
      assert.equal(entry.etag, md5(content));
      assert.equal(entry.mtime, Math.floor(statSync(path).mtimeMs / 1000));
      assert.deepEqual(entry.metadata, {});
      assert.equal(entry.contentType, undefined);
    }
  });

  it("walks a single file as one entry with an empty relPath", async () => {
    const walked = await collect(
      store.walkImport(store.importSourceDir(`local://${root}/src/a/x`)),
    );
    assert.deepEqual(
      walked.map((w) => [w.relPath, w.entry.etag]),
      [["", md5("nested")]],
    );
  });

  it("walks sources for the engine, requiring files for objects and directories for prefixes", async () => {
    const object = await collect(
      store.walkImportSource({ type: "object", path: `local://${root}/src/b.txt` }),
    );
    assert.deepEqual(
      object.map((w) => w.relPath),
      [""],
    );
    const prefix = await collect(
      store.walkImportSource({ type: "common_prefix", path: `local://${root}/src/a/` }),
    );
    assert.deepEqual(
      prefix.map((w) => w.relPath),
      ["x", "y/z"],
    );
    await assert.rejects(
      collect(store.walkImportSource({ type: "object", path: `local://${root}/src/a` })),
      isKind("bad_request", /invalid import source/),
    );
    await assert.rejects(
      collect(store.walkImportSource({ type: "common_prefix", path: `local://${root}/src/b.txt` })),
      isKind("bad_request", /invalid import source/),
    );
    assert.throws(
      () => store.walkImportSource({ type: "common_prefix", path: `local://${dir}` }),
      isKind("bad_request", /invalid import source/),
    );
  });

  it("reads imported objects through their full address", async () => {
    const [first] = await collect(
      store.walkImport(store.importSourceDir(`local://${root}/src/a/x`)),
    );
    const ns = store.namespaceDir("local://repo");
    const { stream, size } = await store.open(ns, first!.entry);
    let text = "";
    for await (const chunk of stream) text += chunk;
    assert.equal(text, "nested");
    assert.equal(size, 6);
    const copy = await store.copy(ns, first!.entry);
    assert.equal(await store.size(ns, { address: copy.address, addressType: "relative" }), 6);
  });
});
