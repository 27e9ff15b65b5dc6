import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { InvalidArgumentError } from "../src/errors.js";
import { metadataHeaders, normaliseMetadata } from "../src/io/metadata.js";
import { checkReadMode, checkWriteMode, isExclusive } from "../src/io/modes.js";
import {
  fixedSizeParts,
  MAX_UPLOAD_PARTS,
  MiB,
  PartBuffers,
  splitRanges,
  uploadPartSize,
} from "../src/io/parts.js";
import { orderedPool } from "../src/io/pool.js";
import { ProgressTracker } from "../src/io/progress.js";
import { bareETag, parseContentRange, rangeHeader } from "../src/io/range.js";
import { checkUploadOptions } from "../src/io/upload.js";

async function* chunksOf(sizes: number[]): AsyncGenerator<Uint8Array> {
  let n = 0;
  for (const size of sizes) {
    yield Uint8Array.from({ length: size }, () => n++ % 251);
  }
}

describe("fixedSizeParts", () => {
  test("re-slices any chunking into full parts plus a shorter last part", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(40), { maxLength: 20 }),
        fc.integer({ min: 1, max: 17 }),
        async (sizes, partSize) => {
          const parts: Uint8Array[] = [];
          for await (const p of fixedSizeParts(chunksOf(sizes), new PartBuffers(partSize))) {
            parts.push(p);
          }
          const total = sizes.reduce((a, b) => a + b, 0);
          assert.equal(parts.length, Math.ceil(total / partSize));
          parts.forEach((p, i) => {
            if (i < parts.length - 1) assert.equal(p.byteLength, partSize);
            else assert.ok(p.byteLength > 0 && p.byteLength <= partSize);
          });
          const joined = Buffer.concat(parts);
          assert.deepEqual(
            [...joined],
            Array.from({ length: total }, (_, i) => i % 251),
          );
        },
      ),
    );
  });

  test("reuses the buffers given back, so parts in flight bound the memory", async () => {
    const buffers = new PartBuffers(4);
    const seen = new Set<ArrayBufferLike>();
    const joined: number[] = [];
    for await (const part of fixedSizeParts(chunksOf([3, 7, 5, 2]), buffers)) {
      joined.push(...part); // read before giving back: the next part overwrites the buffer
      seen.add(part.buffer);
      buffers.give(part);
    }
    assert.deepEqual(
      joined,
      Array.from({ length: 17 }, (_, i) => i % 251),
    );
    assert.equal(seen.size, 1, "one buffer, refilled for every part");
  });

  test("parts not given back are never overwritten", async () => {
    const parts: Uint8Array[] = [];
    for await (const p of fixedSizeParts(chunksOf([9]), new PartBuffers(4))) parts.push(p);
    assert.deepEqual(
      parts.map((p) => [...p]),
      [[0, 1, 2, 3], [4, 5, 6, 7], [8]],
    );
  });

  test("rejects a non-positive part size", () => {
    assert.throws(() => new PartBuffers(0), InvalidArgumentError);
  });
});

describe("upload concurrency defaults", () => {
  test("buffered parts of a stream: 2 in flight; slices of a known-size body: 4", () => {
    assert.equal(checkUploadOptions({}).concurrency, 2);
    assert.equal(checkUploadOptions({}, 64 * MiB).concurrency, 4);
    assert.equal(checkUploadOptions({ concurrency: 8 }).concurrency, 8);
    assert.throws(() => checkUploadOptions({ concurrency: 0 }), InvalidArgumentError);
  });
});

describe("splitRanges", () => {
  test("covers [0, size) exactly with inclusive ranges", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.integer({ min: 1, max: 100 }), (size, partSize) => {
        const ranges = splitRanges(size, partSize);
        let next = 0;
        for (const r of ranges) {
          assert.equal(r.start, next);
          assert.ok(r.end >= r.start && r.end - r.start < partSize);
          next = r.end + 1;
        }
        assert.equal(next, size);
      }),
    );
  });
  test("an empty object has no ranges", () => assert.deepEqual(splitRanges(0, 5), []));
  test("rejects bad sizes", () => {
    assert.throws(() => splitRanges(-1, 5), InvalidArgumentError);
    assert.throws(() => splitRanges(5, 0), InvalidArgumentError);
  });
});

describe("uploadPartSize", () => {
  test("keeps a valid size, enforces S3 bounds", () => {
    assert.equal(uploadPartSize(8 * MiB), 8 * MiB);
    assert.throws(() => uploadPartSize(MiB), /between/);
    assert.throws(() => uploadPartSize(6 * 1024 * MiB), /between/);
    assert.throws(() => uploadPartSize(5 * MiB + 0.5), /integer/);
  });
  test("grows the part size to stay within 10000 parts", () => {
    const total = 100_000 * MiB;
    const size = uploadPartSize(5 * MiB, total);
    assert.ok(Math.ceil(total / size) <= MAX_UPLOAD_PARTS);
    assert.throws(() => uploadPartSize(5 * MiB, 10_001 * 5 * 1024 * MiB), /exceeds/);
  });
});

describe("ranges and ETags", () => {
  test("rangeHeader", () => {
    assert.equal(rangeHeader(0, 10), "bytes=0-9");
    assert.equal(rangeHeader(7), "bytes=7-");
    assert.throws(() => rangeHeader(3, 0), InvalidArgumentError, "read(0) must never send a range");
    assert.throws(() => rangeHeader(-1), InvalidArgumentError);
  });
  test("parseContentRange", () => {
    assert.deepEqual(parseContentRange("bytes 0-9/100"), { start: 0, end: 9, size: 100 });
    assert.deepEqual(parseContentRange("bytes 5-9/*"), { start: 5, end: 9, size: undefined });
    assert.deepEqual(parseContentRange("bytes */42"), { size: 42 });
    assert.equal(parseContentRange("bytes 9-5/10"), undefined);
    assert.equal(parseContentRange("items 0-1/2"), undefined);
    assert.equal(parseContentRange(null), undefined);
  });
  test("bareETag strips quotes and weak prefixes", () => {
    assert.equal(bareETag('"abc"'), "abc");
    assert.equal(bareETag('W/"abc-2"'), "abc-2");
    assert.equal(bareETag("abc"), "abc");
    assert.equal(bareETag(null), undefined);
  });
});

describe("modes and metadata", () => {
  test("modes", () => {
    assert.equal(checkReadMode("r"), "r");
    assert.equal(checkWriteMode("xb"), "xb");
    assert.ok(isExclusive("x") && isExclusive("xb") && !isExclusive("w"));
    for (const bad of ["a", "rw", "", undefined, 1]) {
      assert.throws(() => checkWriteMode(bad), InvalidArgumentError);
    }
    assert.throws(() => checkReadMode("w"), InvalidArgumentError);
  });
  test("metadata keys are lower-cased and validated", () => {
    assert.deepEqual(normaliseMetadata({ Owner: "Ann", "X-Y": "1" }), { owner: "Ann", "x-y": "1" });
    assert.deepEqual(metadataHeaders({ owner: "Ann" }), { "x-lakefs-meta-owner": "Ann" });
    assert.throws(() => normaliseMetadata({ A: "1", a: "2" }), /differ only in case/);
    assert.throws(() => normaliseMetadata({ "bad key": "1" }), InvalidArgumentError);
    assert.throws(() => normaliseMetadata({ k: "line\nbreak" }), InvalidArgumentError);
    assert.throws(() => normaliseMetadata({ k: 1 as unknown as string }), InvalidArgumentError);
    assert.deepEqual(normaliseMetadata(undefined), {});
  });
  test("lakeFS's reserved ::lakefs:: keys travel as x-lakefs-internal- headers", () => {
    assert.deepEqual(normaliseMetadata({ "::lakefs::Client-Mtime": "17" }), {
      "::lakefs::client-mtime": "17",
    });
    assert.deepEqual(metadataHeaders({ "::lakefs::client-mtime": "17", a: "b" }), {
      "x-lakefs-internal-client-mtime": "17",
      "x-lakefs-meta-a": "b",
    });
    assert.throws(() => normaliseMetadata({ "::lakefs::": "1" }), InvalidArgumentError);
    assert.throws(() => normaliseMetadata({ "::other::k": "1" }), InvalidArgumentError);
  });
});

describe("orderedPool", () => {
  const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

  test("yields in input order with bounded concurrency", async () => {
    let running = 0;
    let peak = 0;
    const results: number[] = [];
    for await (const r of orderedPool([5, 1, 4, 1, 3, 0, 2], 3, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await delay(ms);
      running--;
      return i;
    })) {
      results.push(r);
    }
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6]);
    assert.ok(peak <= 3);
  });

  test("a failure aborts the other tasks and stops reading the source", async () => {
    let pulled = 0;
    function* source() {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield i;
      }
    }
    const aborted: number[] = [];
    const run = async () => {
      for await (const _ of orderedPool(source(), 2, async (i, _n, signal) => {
        if (i === 1) throw new Error("boom");
        await new Promise<void>((resolve) => {
          signal.addEventListener("abort", () => {
            aborted.push(i);
            resolve();
          });
        });
        return i;
      })) {
        // consume
      }
    };
    await assert.rejects(run(), /boom/);
    assert.deepEqual(aborted, [0]);
    assert.ok(pulled <= 3);
  });
});

describe("ProgressTracker", () => {
  test("reports cumulative bytes and survives a throwing callback", () => {
    const seen: unknown[] = [];
    const tracker = new ProgressTracker((p) => {
      seen.push(p);
      throw new Error("ui bug");
    }, 10);
    tracker.add(4);
    tracker.add(0);
    tracker.add(6);
    assert.deepEqual(seen, [
      { loadedBytes: 4, totalBytes: 10 },
      { loadedBytes: 10, totalBytes: 10 },
    ]);
  });
});
