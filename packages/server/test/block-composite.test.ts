/**
 * Composite objects: a completed multipart upload is its parts plus a manifest in a directory at
 * the object's address. Reads (whole and ranged, across part boundaries), size, copy, damage
 * handling (410, never outside the object's directory) and fsck, on real files.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { MANIFEST_FILE } from "../src/block/composite.js";
import { READ_CHUNK_BYTES } from "../src/block/files.js";
import { type ByteRange, LocalBlockStore } from "../src/block/local.js";
import { EngineError } from "../src/core/errors.js";
import { fsck } from "../src/fsck.js";
import { openApi, tempDataDir } from "./http-helpers.js";

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest();
const isKind = (kind: string) => (err: unknown) => err instanceof EngineError && err.kind === kind;
const rel = (address: string) => ({ address, addressType: "relative" as const });
/** Part n filled with a byte pattern of its own, so misplaced bytes show. */
const pattern = (size: number, seed: number) =>
  Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed * 97) & 0xff));
/** The ETag S3 gives a multipart upload, computed independently of the server's code. */
const s3Etag = (parts: readonly Buffer[]) =>
  `${createHash("md5")
    .update(Buffer.concat(parts.map(md5)))
    .digest("hex")}-${parts.length}`;

/** Part sizes chosen to put boundaries around the 64 KiB single-buffer read path. */
const PART_SIZES = [70_000, 1, 0, 200_003, 65_536, 12_345];

describe("LocalBlockStore composite objects", () => {
  let dir: string;
  let root: string;
  let store: LocalBlockStore;
  let ns: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "block-composite-test-"));
    root = join(dir, "block");
    store = new LocalBlockStore(root);
    ns = store.namespaceDir("local://repo");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Uploads `parts` as parts 1..n and completes the upload. */
  const completed = async (parts: readonly Buffer[]) => {
    const { uploadId } = await store.createMultipart(ns);
    const list = [];
    for (const [i, part] of parts.entries()) {
      const { etag } = await store.putPart(uploadId, i + 1, Readable.from([part]));
      list.push({ partNumber: i + 1, etag });
    }
    return { uploadId, ...(await store.completeMultipart(uploadId, list)) };
  };

  const read = async (address: string, range?: ByteRange) => {
    const opened = await store.open(ns, rel(address), range);
    return { ...opened, body: Buffer.concat(await opened.stream.toArray()) };
  };

  describe("completing an upload", () => {
    let parts: Buffer[];
    let whole: Buffer;
    let object: { uploadId: string; address: string; size: number; etag: string };

    before(async () => {
      parts = PART_SIZES.map(pattern);
      whole = Buffer.concat(parts);
      object = await completed(parts);
    });

    it("returns the size and the S3 multipart ETag", () => {
      assert.equal(object.size, whole.length);
      assert.equal(object.etag, s3Etag(parts));
    });

    it("moves the parts, without copying, into a directory with a manifest", () => {
      const objectDir = realpathSync(join(ns, object.address));
      const names = readdirSync(objectDir).sort();
      assert.equal(names.length, parts.length + 1);
      assert.ok(names.includes(MANIFEST_FILE));
      assert.ok(!existsSync(join(root, ".multipart", object.uploadId)));
      assert.deepEqual(readdirSync(join(root, ".tmp")), []);
    });

    it("forgets the upload: a second completion and an abort are 404", async () => {
      await assert.rejects(
        store.completeMultipart(object.uploadId, [{ partNumber: 1, etag: "0".repeat(32) }]),
        isKind("not_found"),
      );
      await assert.rejects(store.abortMultipart(object.uploadId), isKind("not_found"));
      await assert.rejects(
        store.putPart(object.uploadId, 7, Readable.from([Buffer.from("late")])),
        isKind("not_found"),
      );
    });

    it("reads back whole, with the size", async () => {
      const { body, size } = await read(object.address);
      assert.equal(size, whole.length);
      assert.ok(body.equals(whole));
      assert.equal(await store.size(ns, rel(object.address)), whole.length);
    });

    it("serves every range crossing a part boundary", async () => {
      const boundaries: number[] = [];
      for (let offset = 0, i = 0; i < parts.length; offset += parts[i]!.length, i++) {
        boundaries.push(offset);
      }
      for (const b of boundaries.slice(1)) {
        for (const [start, end] of [
          [b - 1, b],
          [b - 1, b + 1],
          [Math.max(0, b - 40_000), b + 30_000],
          [Math.max(0, b - 70_000), b + 70_000],
        ] as const) {
          const { body, bytes } = await read(object.address, { start, end });
          const expected = whole.subarray(start, end + 1);
          assert.ok(body.equals(expected), `${start}-${end}`);
          assert.equal(bytes !== undefined, expected.length <= 64 * 1024, `${start}-${end}`);
        }
      }
    });

    it("serves random ranges exactly (property)", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat(whole.length - 1),
          fc.oneof(fc.nat(64 * 1024), fc.nat(whole.length)),
          async (start, length) => {
            const end = start + length; // may run past the end: clamped
            const { body, size } = await read(object.address, { start, end });
            assert.equal(size, whole.length);
            assert.ok(body.equals(whole.subarray(start, end + 1)));
          },
        ),
        { numRuns: 150 },
      );
    });

    it("answers 416 for a range starting past the end", async () => {
      await assert.rejects(
        store.open(ns, rel(object.address), { start: whole.length }),
        isKind("range_not_satisfiable"),
      );
    });

    it("closes part descriptors when a stream is destroyed half-way or read to the end", async () => {
      // Only descriptors on this object's parts count: other tests' files (and the runtime's
      // own) open and close concurrently in this process.
      // A part spanning several stream chunks, so one is still open after the first chunk.
      const big = await completed([pattern(2 * READ_CHUNK_BYTES + 1, 7), pattern(10, 8)]);
      const objectDir = realpathSync(join(ns, big.address));
      const fds = () =>
        readdirSync("/proc/self/fd").filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`).startsWith(objectDir);
          } catch {
            return false; // closed while listing
          }
        }).length;
      const before = fds();
      assert.equal(before, 0);
      const half = await store.open(ns, rel(big.address));
      const chunks = half.stream[Symbol.asyncIterator]();
      await chunks.next();
      assert.ok(fds() > 0, "a part is open while the stream is read");
      await chunks.return?.(); // destroys the stream after one chunk
      const full = await store.open(ns, rel(big.address), { start: 1, end: big.size - 2 });
      await full.stream.toArray();
      await new Promise((r) => setImmediate(r));
      assert.equal(fds(), before);
    });
  });

  it("uses the latest upload of a part and keeps superseded and unlisted parts out", async () => {
    const { uploadId, address } = await store.createMultipart(ns);
    const put = async (n: number, text: string) =>
      (await store.putPart(uploadId, n, Readable.from([Buffer.from(text)]))).etag;
    const one = await put(1, "first ");
    await put(2, "stale ");
    const two = await put(2, "second ");
    await put(3, "never listed ");
    const four = await put(4, "fourth");
    const done = await store.completeMultipart(uploadId, [
      { partNumber: 1, etag: one },
      { partNumber: 2, etag: two },
      { partNumber: 4, etag: four },
    ]);
    assert.equal((await read(address)).body.toString(), "first second fourth");
    assert.equal(done.etag, s3Etag(["first ", "second ", "fourth"].map((t) => Buffer.from(t))));
    const names = readdirSync(join(ns, address)).sort();
    assert.deepEqual(names, [`00001.${one}`, `00002.${two}`, `00004.${four}`, MANIFEST_FILE]);
  });

  it("never completes into a half object when completion races a re-upload or itself", async () => {
    for (let round = 0; round < 5; round++) {
      const { uploadId, address } = await store.createMultipart(ns);
      const first = pattern(150_000, round);
      const { etag } = await store.putPart(uploadId, 1, Readable.from([first]));
      const list = [{ partNumber: 1, etag }];
      const [a, b, reupload] = await Promise.allSettled([
        store.completeMultipart(uploadId, list),
        store.completeMultipart(uploadId, list),
        store.putPart(uploadId, 1, Readable.from([pattern(150_000, round + 1)])),
      ]);
      const completions = [a, b].filter((r) => r.status === "fulfilled");
      assert.ok(completions.length <= 1, `round ${round}: completed twice`);
      for (const r of [a, b, reupload]) {
        if (r.status === "rejected") {
          assert.ok(isKind("not_found")(r.reason) || isKind("bad_request")(r.reason), r.reason);
        }
      }
      if (completions.length === 1) assert.ok((await read(address)).body.equals(first));
      else await assert.rejects(store.open(ns, rel(address)), isKind("gone"));
    }
  });

  it("reads an object of one empty part", async () => {
    const { address, size, etag } = await completed([Buffer.alloc(0)]);
    assert.equal(size, 0);
    assert.equal(etag, s3Etag([Buffer.alloc(0)]));
    const { body, bytes } = await read(address);
    assert.equal(body.length, 0);
    assert.equal(bytes?.length, 0);
    await assert.rejects(
      store.open(ns, rel(address), { start: 0 }),
      isKind("range_not_satisfiable"),
    );
  });

  describe("copy", () => {
    it("hard-links the parts; the copy outlives the original's removal and replacement", async () => {
      const parts = [pattern(100_000, 1), pattern(5, 2), pattern(80_000, 3)];
      const whole = Buffer.concat(parts);
      const original = await completed(parts);
      const { address } = await store.copy(ns, rel(original.address));
      assert.notEqual(address, original.address);
      const partName = readdirSync(join(ns, address)).find((n) => n !== MANIFEST_FILE)!;
      assert.equal(
        statSync(join(ns, address, partName)).ino,
        statSync(join(ns, original.address, partName)).ino,
      );
      assert.ok((await read(address)).body.equals(whole));
      assert.deepEqual(readdirSync(join(root, ".tmp")), []);

      rmSync(join(ns, original.address), { recursive: true });
      await assert.rejects(store.open(ns, rel(original.address)), isKind("gone"));
      assert.ok((await read(address)).body.equals(whole));
      // A new object at the original address changes nothing in the copy either.
      await store.put(ns, Readable.from([Buffer.from("replacement")]), {
        address: original.address,
      });
      assert.equal((await read(original.address)).body.toString(), "replacement");
      assert.ok((await read(address)).body.equals(whole));
      assert.equal(await store.size(ns, rel(address)), whole.length);
    });

    it("copies a copy", async () => {
      const parts = [pattern(10, 4), pattern(20, 5)];
      const first = await store.copy(ns, rel((await completed(parts)).address));
      const second = await store.copy(ns, rel(first.address));
      assert.ok((await read(second.address)).body.equals(Buffer.concat(parts)));
    });
  });

  describe("damage is 410 No data, never a 500 or a read outside the object", () => {
    const damaged = async (damage: (objectDir: string, partNames: string[]) => void) => {
      const parts = [pattern(70_000, 6), pattern(3, 7), pattern(70_000, 8)];
      const { address } = await completed(parts);
      const objectDir = join(ns, address);
      damage(
        objectDir,
        readdirSync(objectDir)
          .filter((n) => n !== MANIFEST_FILE)
          .sort(),
      );
      return address;
    };
    const assertGone = async (address: string) => {
      await assert.rejects(store.open(ns, rel(address)), isKind("gone"));
      // Small reads (single buffer) and streamed ranges touching all three parts.
      for (const [start, end] of [
        [69_990, 70_010],
        [1, 139_000],
      ] as const) {
        await assert.rejects(store.open(ns, rel(address), { start, end }), isKind("gone"));
      }
      await assert.rejects(store.size(ns, rel(address)), isKind("gone"));
      await assert.rejects(store.copy(ns, rel(address)), isKind("gone"));
    };
    type ManifestJson = { size: number; etag: string; parts: { name: string; size: number }[] };
    const editManifest = (objectDir: string, edit: (manifest: ManifestJson) => void) => {
      const path = join(objectDir, MANIFEST_FILE);
      const manifest = JSON.parse(readFileSync(path, "utf8"));
      edit(manifest);
      writeFileSync(path, JSON.stringify(manifest));
    };

    /** Moves a part out of the object (same name and bytes) to `<dir>/<name>`; returns it. */
    const escaped = (objectDir: string, name: string) => {
      const moved = join(dir, name);
      renameSync(join(objectDir, name), moved);
      return moved;
    };

    const cases: Record<string, (objectDir: string, partNames: string[]) => void> = {
      "a missing part": (d, names) => unlinkSync(join(d, names[1]!)),
      "a truncated part": (d, names) => writeFileSync(join(d, names[2]!), "short"),
      "a part that is a directory": (d, names) => {
        unlinkSync(join(d, names[1]!));
        mkdirSync(join(d, names[1]!));
      },
      "a missing manifest": (d) => unlinkSync(join(d, MANIFEST_FILE)),
      "a manifest that is not JSON": (d) => writeFileSync(join(d, MANIFEST_FILE), "{nope"),
      "a manifest with a wrong total": (d) =>
        editManifest(d, (m) => {
          m.size += 1;
        }),
      "a manifest with a wrong ETag": (d) =>
        editManifest(d, (m) => {
          m.etag = `${"0".repeat(32)}-3`;
        }),
      "a manifest with no parts": (d) =>
        editManifest(d, (m) => {
          m.parts = [];
        }),
      "a manifest with parts out of order": (d) =>
        editManifest(d, (m) => {
          m.parts.reverse();
        }),
      // The real part moved outside the object: reading it back would need a path, not a name.
      "a manifest naming ../ parts": (d, names) => {
        const moved = escaped(d, names[0]!);
        editManifest(d, (m) => {
          m.parts[0]!.name = `../../../../../${moved.slice(dir.length + 1)}`;
        });
      },
      "a manifest naming an absolute path": (d, names) => {
        const moved = escaped(d, names[0]!);
        editManifest(d, (m) => {
          m.parts[0]!.name = moved;
        });
      },
      "a part that is a symlink, even to its own bytes": (d, names) => {
        symlinkSync(escaped(d, names[1]!), join(d, names[1]!));
      },
      "a manifest that is a symlink": (d) => {
        symlinkSync(escaped(d, MANIFEST_FILE), join(d, MANIFEST_FILE));
      },
    };
    for (const [name, damage] of Object.entries(cases)) {
      it(name, async () => assertGone(await damaged(damage)));
    }

    it("(a range avoiding a missing part is still served)", async () => {
      const address = await damaged((d, names) => unlinkSync(join(d, names[2]!)));
      const { body } = await read(address, { start: 0, end: 70_002 });
      assert.ok(body.equals(Buffer.concat([pattern(70_000, 6), pattern(3, 7)])));
    });

    it("a plain directory at an address", async () => {
      mkdirSync(join(ns, "data", "plain", "dir"), { recursive: true });
      await assertGone("data/plain/dir");
    });
  });
});

describe("fsck on composite objects", () => {
  it("is clean for a committed, copied multipart upload and reports a tampered part", async () => {
    const dataDir = tempDataDir();
    try {
      const api = await openApi({ dataDir, presign: true });
      let address: string;
      try {
        const repo = await api.createRepo("composite");
        const base = `/repositories/${repo}/branches/main/staging/pmpu`;
        const created = await api.call("POST", `${base}?path=big.bin&parts=3`);
        assert.equal(created.status, 201, created.text);
        const { upload_id, physical_address, presigned_urls } = created.json;
        const parts = [pattern(100_000, 1), pattern(10, 2), pattern(30_000, 3)];
        const etags: string[] = [];
        for (const [i, part] of parts.entries()) {
          const r = await fetch(presigned_urls[i], { method: "PUT", body: new Uint8Array(part) });
          assert.equal(r.status, 200);
          etags.push(r.headers.get("etag")!);
        }
        const done = await api.call("PUT", `${base}/${upload_id}?path=big.bin`, {
          json: { physical_address, parts: etags.map((etag, i) => ({ part_number: i + 1, etag })) },
        });
        assert.equal(done.status, 200, done.text);
        assert.equal(done.json.checksum, s3Etag(parts));
        const copy = await api.call(
          "POST",
          `/repositories/${repo}/branches/main/objects/copy?dest_path=copy.bin`,
          { json: { src_path: "big.bin" } },
        );
        assert.equal(copy.status, 201, copy.text);
        const got = await api.call("GET", `/repositories/${repo}/refs/main/objects?path=copy.bin`, {
          headers: { range: "bytes=99990-100015" },
          contract: false,
        });
        assert.equal(got.status, 206);
        assert.equal(got.text, Buffer.concat(parts).subarray(99_990, 100_016).toString());
        await api.commit(repo, "main");
        address = physical_address.slice("local://".length);
      } finally {
        await api.close();
      }

      const clean = await fsck(dataDir);
      assert.deepEqual(clean.problems, []);
      assert.equal(clean.objects, 2);
      assert.equal(clean.objectBytes, 2 * 130_010);

      // Same size, other bytes: only hashing the part against its name notices.
      const partName = readdirSync(address).find((n) => n.startsWith("00003."))!;
      writeFileSync(join(address, partName), Buffer.alloc(30_000, 7));
      const tampered = await fsck(dataDir);
      assert.equal(tampered.problems.length, 2, JSON.stringify(tampered.problems));
      for (const problem of tampered.problems) {
        assert.match(problem.message, /is a damaged composite object: part 00003\.\w+ has MD5/);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
