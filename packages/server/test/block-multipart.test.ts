import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { LocalBlockStore } from "../src/block/local.js";
import { EngineError } from "../src/core/errors.js";

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest();
const body = (data: string | Buffer) => Readable.from([Buffer.from(data)]);
const isKind = (kind: string) => (err: unknown) => err instanceof EngineError && err.kind === kind;

describe("LocalBlockStore multipart", () => {
  let dir: string;
  let store: LocalBlockStore;
  let ns: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "block-mpu-test-"));
    store = new LocalBlockStore(join(dir, "block"));
    ns = store.namespaceDir("local://repo");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The object's bytes as the store serves them. */
  const read = async (address: string) => {
    const { stream } = await store.open(ns, { address, addressType: "relative" });
    return Buffer.concat(await stream.toArray());
  };

  it("assembles parts in order with the S3 multipart ETag", async () => {
    const parts = [Buffer.alloc(70_000, 1), Buffer.from("middle"), Buffer.from("end")];
    const { uploadId, address } = await store.createMultipart(ns);
    assert.match(uploadId, /^[0-9a-f]{32}$/);
    // Upload out of order: completion order comes from the part numbers.
    const etags: string[] = [];
    for (const i of [2, 0, 1]) {
      etags[i] = (await store.putPart(uploadId, i + 1, body(parts[i]!))).etag;
    }
    assert.equal(etags[0], md5(parts[0]!).toString("hex"));
    const done = await store.completeMultipart(
      uploadId,
      etags.map((etag, i) => ({ partNumber: i + 1, etag: i === 1 ? `"${etag}"` : etag })),
    );
    const whole = Buffer.concat(parts);
    const expected = createHash("md5")
      .update(Buffer.concat(parts.map(md5)))
      .digest("hex");
    assert.deepEqual(done, { address, size: whole.length, etag: `${expected}-3` });
    assert.deepEqual(await read(address), whole);
    // The upload is gone once completed.
    await assert.rejects(
      store.completeMultipart(uploadId, [{ partNumber: 1, etag: etags[0]! }]),
      isKind("not_found"),
    );
  });

  it("uses the latest upload of a re-sent part and allows gaps in part numbers", async () => {
    const { uploadId, address } = await store.createMultipart(ns);
    const stale = await store.putPart(uploadId, 1, body("old"));
    const fresh = await store.putPart(uploadId, 1, body("new"));
    const last = await store.putPart(uploadId, 5, body("!"));
    await assert.rejects(
      store.completeMultipart(uploadId, [{ partNumber: 1, etag: stale.etag }]),
      isKind("bad_request"),
    );
    const done = await store.completeMultipart(uploadId, [
      { partNumber: 1, etag: fresh.etag },
      { partNumber: 5, etag: last.etag },
    ]);
    assert.equal((await read(address)).toString(), "new!");
    assert.match(done.etag, /^[0-9a-f]{32}-2$/);
  });

  it("keeps exactly one version of a part uploaded twice concurrently", async () => {
    const { uploadId, address } = await store.createMultipart(ns);
    const [a, b] = await Promise.all([
      store.putPart(uploadId, 1, body(Buffer.alloc(200_000, 1))),
      store.putPart(uploadId, 1, body(Buffer.alloc(200_000, 2))),
    ]);
    const stored = readdirSync(join(dir, "block", ".multipart", uploadId)).filter((f) =>
      f.startsWith("00001."),
    );
    assert.equal(stored.length, 1);
    const winner = stored[0]!.slice("00001.".length);
    assert.ok([a.etag, b.etag].includes(winner));
    await store.completeMultipart(uploadId, [{ partNumber: 1, etag: winner }]);
    assert.equal(md5(await read(address)).toString("hex"), winner);
  });

  it("rejects bad part lists with 400 and keeps the upload usable", async () => {
    const { uploadId } = await store.createMultipart(ns);
    const one = await store.putPart(uploadId, 1, body("a"));
    const two = await store.putPart(uploadId, 2, body("b"));
    const bad = [
      [],
      [
        { partNumber: 2, etag: two.etag },
        { partNumber: 1, etag: one.etag },
      ],
      [
        { partNumber: 1, etag: one.etag },
        { partNumber: 1, etag: one.etag },
      ],
      [{ partNumber: 1, etag: two.etag }],
      [{ partNumber: 1, etag: "not-an-etag" }],
      [{ partNumber: 3, etag: one.etag }],
      [{ partNumber: 0, etag: one.etag }],
      [{ partNumber: 1.5, etag: one.etag }],
      [{ partNumber: 1, etag: `../${one.etag}` }],
    ];
    for (const parts of bad) {
      await assert.rejects(
        store.completeMultipart(uploadId, parts),
        isKind("bad_request"),
        JSON.stringify(parts),
      );
    }
    const done = await store.completeMultipart(uploadId, [
      { partNumber: 1, etag: one.etag },
      { partNumber: 2, etag: two.etag },
    ]);
    assert.equal(done.size, 2);
  });

  it("validates part numbers and upload ids", async () => {
    const { uploadId } = await store.createMultipart(ns);
    for (const partNumber of [0, -1, 10_001, 2.5, Number.NaN]) {
      await assert.rejects(store.putPart(uploadId, partNumber, body("x")), isKind("bad_request"));
    }
    for (const id of ["nope", "../../etc", "0".repeat(32)]) {
      await assert.rejects(store.putPart(id, 1, body("x")), isKind("not_found"));
      await assert.rejects(store.abortMultipart(id), isKind("not_found"));
    }
  });

  it("abort removes the upload and its parts; later parts are refused", async () => {
    const { uploadId, address } = await store.createMultipart(ns);
    await store.putPart(uploadId, 1, body("x"));
    await store.abortMultipart(uploadId);
    assert.ok(!existsSync(join(dir, "block", ".multipart", uploadId)));
    assert.ok(!existsSync(join(ns, address)));
    await assert.rejects(store.putPart(uploadId, 2, body("y")), isKind("not_found"));
    assert.deepEqual(readdirSync(join(dir, "block", ".tmp")), []);
  });

  it("survives a restart", async () => {
    const { uploadId, address } = await store.createMultipart(ns);
    const one = await store.putPart(uploadId, 1, body("before "));
    const restarted = new LocalBlockStore(join(dir, "block"));
    const two = await restarted.putPart(uploadId, 2, body("after"));
    await restarted.completeMultipart(uploadId, [
      { partNumber: 1, etag: one.etag },
      { partNumber: 2, etag: two.etag },
    ]);
    assert.equal((await read(address)).toString(), "before after");
  });
});
