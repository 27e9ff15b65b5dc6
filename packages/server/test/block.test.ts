import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { SMALL_FILE_BYTES } from "../src/block/files.js";
import { type EntryLocation, LocalBlockStore } from "../src/block/local.js";
import { EngineError } from "../src/core/errors.js";

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");
const body = (...chunks: (string | Uint8Array)[]) =>
  Readable.from(chunks.map((c) => Buffer.from(c)));
const rel = (address: string): EntryLocation => ({ address, addressType: "relative" });

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function isKind(kind: string, message?: RegExp) {
  return (err: unknown) =>
    err instanceof EngineError &&
    err.kind === kind &&
    (message === undefined || message.test(err.message));
}

/** Every file below `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

describe("LocalBlockStore", () => {
  let dir: string;
  let store: LocalBlockStore;
  let ns: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "block-test-"));
    store = new LocalBlockStore(join(dir, "block"));
    ns = store.namespaceDir("local://repo");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("namespaceDir", () => {
    it("maps local://<path> under the root", () => {
      assert.equal(store.namespaceDir("local://a/b"), join(dir, "block", "a", "b"));
      assert.equal(store.namespaceDir("local://a/b/"), join(dir, "block", "a", "b"));
    });

    it("maps local:///<path> (default_namespace_prefix + /name) under the root too", () => {
      assert.equal(store.namespaceDir("local:///a/b"), join(dir, "block", "a", "b"));
      assert.equal(store.namespaceDir("local:///etc"), join(dir, "block", "etc"));
      assert.equal(store.namespaceDir("local:////x"), join(dir, "block", "x"));
    });

    const attacks = [
      "s3://bucket/x",
      "local:/x",
      "local://",
      "local:///",
      "local:////",
      "local:///../x",
      "local:///.tmp",
      "local://../x",
      "local://a/../../x",
      "local://a/./b",
      "local://%2e%2e/x",
      "local://a/%2E%2e/x",
      "local://a%2f..%2f..",
      "local://a\u0000b",
      "local://a\\..\\b",
      "local://a\nb",
      `local://${"x".repeat(256)}`,
      `local://${"abcdefgh/".repeat(130)}`,
      "local://.tmp",
      "local://.multipart/x",
      "LOCAL://x",
    ];
    for (const ns of attacks) {
      it(`rejects ${JSON.stringify(ns.slice(0, 40))}`, () => {
        assert.throws(() => store.namespaceDir(ns), isKind("bad_request"));
      });
    }

    it("rejects a namespace that reaches outside through a symlink", () => {
      const outside = join(dir, "outside");
      mkdirSync(outside);
      symlinkSync(outside, join(dir, "block", "escape"));
      assert.throws(() => store.namespaceDir("local://escape"), isKind("bad_request"));
      assert.throws(() => store.namespaceDir("local://escape/deeper/still"), isKind("bad_request"));
    });

    it("never maps an arbitrary string outside the root", () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 40 }), (path) => {
          let mapped: string;
          try {
            mapped = store.namespaceDir(`local://${path}`);
          } catch (err) {
            assert.ok(isKind("bad_request")(err));
            return;
          }
          assert.ok(mapped.startsWith(`${join(dir, "block")}/`), mapped);
          assert.ok(!mapped.slice(join(dir, "block").length).split("/").includes(".."));
        }),
      );
    });
  });

  it("marks a namespace as used with _lakefs/dummy", async () => {
    const fresh = store.namespaceDir("local://dummy-test");
    assert.equal(await store.hasDummy(fresh), false);
    await store.writeDummy(fresh);
    assert.equal(await store.hasDummy(fresh), true);
    assert.deepEqual(filesUnder(fresh), ["_lakefs/dummy"]);
  });

  describe("put and open", () => {
    it("streams bytes to a unique data/<partition>/<id> address with size and MD5", async () => {
      const a = await store.put(ns, body("hello ", "world"));
      const b = await store.put(ns, body("hello ", "world"));
      assert.match(a.address, /^data\/[0-9a-v]{20}\/[0-9a-v]{20}$/);
      assert.notEqual(a.address, b.address);
      assert.equal(a.size, 11);
      assert.equal(a.etag, md5(Buffer.from("hello world")));
      assert.equal(readFileSync(join(ns, a.address), "utf8"), "hello world");
      const { stream, size } = await store.open(ns, rel(a.address));
      assert.equal(size, 11);
      assert.equal((await readAll(stream)).toString(), "hello world");
    });

    it("stores the empty object with the MD5 of no bytes", async () => {
      const put = await store.put(ns, body());
      assert.equal(put.size, 0);
      assert.equal(put.etag, "d41d8cd98f00b204e9800998ecf8427e");
      const { stream, size } = await store.open(ns, rel(put.address));
      assert.equal(size, 0);
      assert.equal((await readAll(stream)).length, 0);
      await assert.rejects(
        store.open(ns, rel(put.address), { start: 0 }),
        isKind("range_not_satisfiable"),
      );
    });

    it("handles many chunks of binary data", async () => {
      const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, i));
      const put = await store.put(ns, Readable.from(chunks));
      const all = Buffer.concat(chunks);
      assert.equal(put.size, all.length);
      assert.equal(put.etag, md5(all));
      assert.deepEqual(await readAll((await store.open(ns, rel(put.address))).stream), all);
    });

    it("writes bodies around the small-file size whole, however they are chunked", async () => {
      for (const size of [SMALL_FILE_BYTES - 1, SMALL_FILE_BYTES, SMALL_FILE_BYTES + 1]) {
        for (const chunkSize of [1000, SMALL_FILE_BYTES, size]) {
          const all = Buffer.alloc(size);
          for (let i = 0; i < size; i++) all[i] = (i * 31 + chunkSize) & 0xff;
          const chunks: Buffer[] = [];
          for (let at = 0; at < size; at += chunkSize)
            chunks.push(all.subarray(at, at + chunkSize));
          const put = await store.put(ns, Readable.from(chunks));
          assert.equal(put.size, size);
          assert.equal(put.etag, md5(all));
          assert.deepEqual(readFileSync(join(ns, put.address)), all);
        }
      }
      assert.deepEqual(readdirSync(join(dir, "block", ".tmp")), []);
    });

    it("serves byte ranges (inclusive, clamped) and refuses ranges past the end", async () => {
      const put = await store.put(ns, body("0123456789"));
      const read = async (start: number, end?: number) =>
        (await readAll((await store.open(ns, rel(put.address), { start, end })).stream)).toString();
      assert.equal(await read(0, 0), "0");
      assert.equal(await read(2, 5), "2345");
      assert.equal(await read(7), "789");
      assert.equal(await read(8, 100), "89");
      assert.equal(await read(9, 9), "9");
      await assert.rejects(read(10), isKind("range_not_satisfiable"));
      await assert.rejects(read(5, 4), isKind("range_not_satisfiable"));
      await assert.rejects(read(-1, 4), isKind("range_not_satisfiable"));
      await assert.rejects(read(0, Number.NaN), isKind("range_not_satisfiable"));
      await assert.rejects(read(0.5, 4), isKind("range_not_satisfiable"));
    });

    it("writes to a given address (presigned PUT), replacing earlier bytes", async () => {
      const address = store.newAddress();
      await store.put(ns, body("first"), { address });
      const second = await store.put(ns, body("second"), { address });
      assert.equal(second.address, address);
      assert.equal(readFileSync(join(ns, address), "utf8"), "second");
    });

    it("refuses addresses that escape the namespace", async () => {
      for (const address of [
        "../other/x",
        "/etc/passwd",
        "data/../../x",
        "data/a\u0000b",
        "data/%2e%2e/x",
      ]) {
        await assert.rejects(store.put(ns, body("x"), { address }), isKind("bad_request"), address);
        await assert.rejects(store.open(ns, rel(address)), isKind("bad_request"), address);
      }
    });

    it("writes only object data to given addresses", async () => {
      await assert.rejects(
        store.put(ns, body("x"), { address: "_lakefs/dummy" }),
        isKind("bad_request"),
      );
      await assert.rejects(
        store.put(ns, body("x"), { address: "elsewhere/x" }),
        isKind("bad_request"),
      );
    });

    it("reports missing data as 410 No data", async () => {
      const missing = rel("data/00000000000000/0123456789abcdef0123456789abcdef");
      await assert.rejects(store.open(ns, missing), isKind("gone", /^No data$/));
      await assert.rejects(store.size(ns, missing), isKind("gone", /^No data$/));
      await assert.rejects(store.copy(ns, missing), isKind("gone", /^No data$/));
    });

    it("refuses to read through a symlink leading outside the root", async () => {
      const secret = join(dir, "secret.txt");
      mkdirSync(join(ns, "data", "links"), { recursive: true });
      writeFileSync(secret, "top secret");
      symlinkSync(secret, join(ns, "data", "links", "x"));
      await assert.rejects(store.open(ns, rel("data/links/x")), isKind("forbidden"));
      await assert.rejects(store.copy(ns, rel("data/links/x")), isKind("forbidden"));
    });

    it("refuses full addresses outside the allowed locations", async () => {
      await assert.rejects(
        store.open(ns, { address: "local:///etc/passwd", addressType: "full" }),
        isKind("forbidden"),
      );
      await assert.rejects(
        store.open(ns, { address: "file:///etc/passwd", addressType: "full" }),
        isKind("bad_request"),
      );
    });

    it("enforces maxBytes without leaving anything behind", async () => {
      const before = filesUnder(join(dir, "block"));
      await assert.rejects(
        store.put(ns, body("12345", "67890"), { maxBytes: 8 }),
        isKind("bad_request", /maximum of 8 bytes/),
      );
      assert.deepEqual(filesUnder(join(dir, "block")), before);
    });

    it("on abort leaves no object and no temp file, even while waiting for data", async () => {
      const before = filesUnder(join(dir, "block"));
      const controller = new AbortController();
      async function* stalls() {
        yield Buffer.from("partial data");
        controller.abort(new Error("client went away"));
        await new Promise(() => {}); // never sends the rest
      }
      await assert.rejects(
        store.put(ns, stalls(), { signal: controller.signal }),
        /client went away/,
      );
      assert.deepEqual(filesUnder(join(dir, "block")), before);
      assert.deepEqual(readdirSync(join(dir, "block", ".tmp")), []);
    });

    it("on a failing source leaves no object and no temp file", async () => {
      const before = filesUnder(join(dir, "block"));
      // Failing while still small (gathered in memory) and once streaming to a temp file.
      for (const sent of [10, SMALL_FILE_BYTES + 10]) {
        async function* fails() {
          yield Buffer.alloc(sent, 1);
          throw new Error("connection reset");
        }
        await assert.rejects(store.put(ns, fails()), /connection reset/);
        assert.deepEqual(filesUnder(join(dir, "block")), before);
      }
    });

    it("rejects an already aborted signal before writing", async () => {
      const before = filesUnder(join(dir, "block"));
      await assert.rejects(store.put(ns, body("x"), { signal: AbortSignal.abort() }), {
        name: "AbortError",
      });
      assert.deepEqual(filesUnder(join(dir, "block")), before);
    });
  });

  it("keeps reading addresses in the earlier data/<14 digits>/<32 hex> layout", async () => {
    const legacy = `data/${String(Date.UTC(4000, 0, 1) - Date.now()).padStart(14, "0")}/${"ab".repeat(16)}`;
    await store.put(ns, body("from an older version"), { address: legacy });
    assert.equal(await store.size(ns, rel(legacy)), 21);
    const { stream } = await store.open(ns, rel(legacy));
    assert.equal((await readAll(stream)).toString(), "from an older version");
    const copy = await store.copy(ns, rel(legacy));
    assert.match(copy.address, /^data\/[0-9a-v]{20}\/[0-9a-v]{20}$/);
    assert.equal(
      store.physicalAddress(ns, rel(legacy)),
      `local://${join(ns, ...legacy.split("/"))}`,
    );
  });

  it("copies bytes to a new address", async () => {
    const put = await store.put(ns, body("copy me"));
    const copy = await store.copy(ns, rel(put.address));
    assert.notEqual(copy.address, put.address);
    assert.match(copy.address, /^data\/[0-9a-v]{20}\/[0-9a-v]{20}$/);
    assert.equal(
      (await readAll((await store.open(ns, rel(copy.address))).stream)).toString(),
      "copy me",
    );
    assert.equal(await store.size(ns, rel(copy.address)), 7);
  });

  it("shows addresses as local://<absolute path> and links them back", async () => {
    const put = await store.put(ns, body("x"));
    const shown = store.physicalAddress(ns, rel(put.address));
    assert.equal(shown, `local://${join(ns, put.address)}`);
    assert.deepEqual(store.linkableAddress(ns, shown), rel(put.address));
    assert.deepEqual(store.linkableAddress(ns, put.address), rel(put.address));
    const other = store.namespaceDir("local://other");
    assert.throws(() => store.linkableAddress(other, shown), isKind("bad_request"));
    assert.throws(() => store.linkableAddress(ns, "local:///etc/passwd"), isKind("forbidden"));
    assert.throws(
      () => store.linkableAddress(ns, `local://${ns}/../other/x`),
      isKind("bad_request"),
    );
  });

  it("cleans temp files left by a crash on startup only when stale", () => {
    const root = join(dir, "crash");
    new LocalBlockStore(root);
    writeFileSync(join(root, ".tmp", "stale"), "x");
    writeFileSync(join(root, ".tmp", "recent"), "x");
    const old = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    utimesSync(join(root, ".tmp", "stale"), old, old);
    new LocalBlockStore(root);
    assert.deepEqual(readdirSync(join(root, ".tmp")), ["recent"]);
  });
});
