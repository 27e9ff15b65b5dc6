import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { InvalidArgumentError, LakeFSError, ObjectChangedError } from "../src/errors.js";
import { readAll } from "../src/io/bytes.js";
import type { ReadMode } from "../src/io/modes.js";
import { ObjectReader, type RangeResponse, type RangeSource } from "../src/io/reader.js";

/** An in-memory object served in ranges, recording each request. */
class MemorySource implements RangeSource {
  readonly requests: [number, number | undefined][] = [];
  statCalls = 0;
  constructor(
    public data: Uint8Array,
    public etag = "v1",
    /** Chunk size of response bodies, to exercise chunk boundaries. */
    readonly chunk = 3,
  ) {}

  async open(start: number, length: number | undefined): Promise<RangeResponse> {
    this.requests.push([start, length]);
    const size = this.data.byteLength;
    if (start >= size) return { body: null, start, size };
    const end = length === undefined ? size : Math.min(size, start + length);
    const slice = this.data.slice(start, end);
    const chunk = this.chunk;
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= slice.byteLength) return controller.close();
        controller.enqueue(slice.slice(offset, offset + chunk));
        offset += chunk;
      },
    });
    return { body, start, size, etag: this.etag };
  }

  /** The call options of the last stat (signal and timeout travel with the read or seek). */
  lastSizeCall: unknown;

  async size(call?: unknown): Promise<number> {
    this.statCalls++;
    this.lastSizeCall = call;
    return this.data.byteLength;
  }
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function reader<M extends ReadMode = "rb">(
  data: string | Uint8Array,
  mode: M = "rb" as M,
  readAheadBytes = 4,
) {
  const source = new MemorySource(typeof data === "string" ? enc(data) : data);
  return { source, reader: new ObjectReader(source, mode, { readAheadBytes, name: "obj" }) };
}

describe("ObjectReader read/seek arithmetic", () => {
  test("read(n) advances; read-ahead serves small reads without new requests", async () => {
    const { source, reader: r } = reader("abcdefghij", "rb", 8);
    assert.equal(dec(await r.read(2)), "ab");
    assert.equal(dec(await r.read(3)), "cde");
    assert.equal(r.tell(), 5);
    assert.deepEqual(source.requests, [[0, 8]], "one request of readAheadBytes");
    assert.equal(dec(await r.read(4)), "fghi");
    assert.equal(dec(await r.read()), "j");
    assert.equal((await r.read()).byteLength, 0, "EOF returns empty");
    assert.equal((await r.read(5)).byteLength, 0);
    assert.equal(r.size, 10);
  });

  test("read(0) sends nothing", async () => {
    const { source, reader: r } = reader("abc");
    assert.equal((await r.read(0)).byteLength, 0);
    assert.deepEqual(source.requests, []);
  });

  test("reads at or past a known end send nothing", async () => {
    const { source, reader: r } = reader("abc");
    await r.read();
    const before = source.requests.length;
    await r.seek(10);
    assert.equal((await r.read(1)).byteLength, 0);
    assert.equal(source.requests.length, before);
  });

  test("seek with every whence, and seeking back reuses the buffer", async () => {
    const { source, reader: r } = reader("0123456789", "rb", 10);
    assert.equal(await r.seek(3), 3);
    assert.equal(dec(await r.read(2)), "34");
    assert.equal(await r.seek(-4, "current"), 1);
    assert.equal(dec(await r.read(2)), "12");
    assert.equal(await r.seek(-3, 2), 7);
    assert.equal(dec(await r.read()), "789");
    // The first fetch starts at 3; going back to 1 needs one more, the rest is buffered.
    assert.equal(source.requests.length, 2);
    assert.equal(source.statCalls, 0, "size was already known from the response");
  });

  test("size and whence also go inside the options object, with signal and timeout", async () => {
    const { source, reader: r } = reader("0123456789", "rb", 10);
    const signal = new AbortController().signal;
    assert.equal(await r.seek(-4, { whence: "end", signal, timeout: 5 }), 6);
    assert.deepEqual(source.lastSizeCall, { signal, timeout: 5 }, "whence is not sent on");
    assert.equal(dec(await r.read({ size: 2, signal })), "67");
    assert.equal(await r.seek(1, { whence: "current" }), 9);
    assert.equal(await r.seek(2, {}), 2, "whence defaults to start");
    assert.equal(dec(await r.read({})), "23456789", "no size reads to the end");
    await assert.rejects(r.seek(0, { whence: "middle" as never }), InvalidArgumentError);
  });

  test("seek from the end before any read stats the object once", async () => {
    const { source, reader: r } = reader("hello");
    assert.equal(await r.seek(-2, "end"), 3);
    assert.equal(await r.seek(0, "end"), 5);
    assert.equal(source.statCalls, 1);
    assert.equal(dec(await r.read()), "");
  });

  test("invalid arguments fail without requests", async () => {
    const { source, reader: r } = reader("hello");
    await assert.rejects(r.seek(-1), InvalidArgumentError);
    await assert.rejects(r.seek(1.5), InvalidArgumentError);
    await assert.rejects(r.seek(0, 7 as never), InvalidArgumentError);
    await assert.rejects(r.read(-1), InvalidArgumentError);
    await assert.rejects(r.read(0.5), InvalidArgumentError);
    assert.deepEqual(source.requests, []);
  });

  test("random reads and seeks match a plain array model", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 1, max: 16 }),
        fc.array(
          fc.oneof(
            fc.record({
              op: fc.constant("read" as const),
              n: fc.option(fc.nat(20), { nil: undefined }),
            }),
            fc.record({ op: fc.constant("seek" as const), to: fc.nat(80) }),
          ),
          { maxLength: 12 },
        ),
        async (data, readAhead, ops) => {
          const source = new MemorySource(data, "v", 5);
          const r = new ObjectReader(source, "rb", { readAheadBytes: readAhead });
          let pos = 0;
          for (const o of ops) {
            if (o.op === "seek") {
              pos = await r.seek(o.to);
              continue;
            }
            const expected = data.slice(pos, o.n === undefined ? undefined : pos + o.n);
            assert.deepEqual(await r.read(o.n), expected);
            pos += expected.byteLength;
            assert.equal(r.tell(), pos);
          }
        },
      ),
    );
  });
});

describe("ObjectReader text and lines", () => {
  test("text-mode read never splits a multibyte character", async () => {
    const { reader: r } = reader("aé€😀", "r", 1);
    // "a"=1 byte, "é"=2, "€"=3, "😀"=4: read byte by byte, characters arrive whole.
    const pieces: string[] = [];
    for (let i = 0; i < 10; i++) pieces.push(await r.read(1));
    assert.equal(pieces.join(""), "aé€😀");
    assert.ok(pieces.every((p) => !p.includes("\uFFFD")));
  });

  test("readLines splits on \\n and \\r\\n and keeps UTF-8 intact across chunks", async () => {
    const text = "Grüße\r\nñandú 🦤\n\n€ last";
    for (let readAhead = 1; readAhead <= 8; readAhead++) {
      const { reader: r } = reader(text, "rb", readAhead);
      const lines: string[] = [];
      for await (const line of r.readLines()) lines.push(line);
      assert.deepEqual(lines, ["Grüße", "ñandú 🦤", "", "€ last"]);
      assert.equal(await r.readLine(), null);
    }
  });

  test("lines round-trip for random unicode text and chunkings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: "grapheme", maxLength: 8 }).filter((s) => !/[\r\n]/.test(s)),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.integer({ min: 1, max: 9 }),
        async (lines, readAhead) => {
          const text = lines.join("\n");
          const source = new MemorySource(enc(text), "v", 2);
          const r = new ObjectReader(source, "r", { readAheadBytes: readAhead });
          const out: string[] = [];
          for await (const line of r) out.push(line);
          // A final "\n" ends the last line rather than starting an empty one.
          const expected = text.split("\n");
          if (expected.at(-1) === "") expected.pop();
          assert.deepEqual(out, expected);
        },
      ),
    );
  });

  test("a line then read() continue at the exact byte", async () => {
    const { reader: r } = reader("one\ntwo\nthree", "rb", 3);
    assert.equal(await r.readLine(), "one");
    assert.equal(r.tell(), 4);
    assert.equal(dec(await r.read(3)), "two");
    assert.equal(await r.readLine(), "");
    assert.equal(await r.text(), "three");
  });

  test("a line much longer than the read-ahead takes few requests", async () => {
    const long = "x".repeat(10_000);
    const { source, reader: r } = reader(`${long}\nend`, "rb", 16);
    assert.equal(await r.readLine(), long);
    assert.equal(await r.readLine(), "end");
    assert.ok(source.requests.length < 20, `${source.requests.length} requests`);
  });

  test("concurrent calls run in order and never share a position", async () => {
    const { reader: r } = reader("abcdefgh", "rb", 2);
    const [a, b, line] = await Promise.all([r.read(2), r.read(3), r.readLine()]);
    assert.deepEqual([dec(a), dec(b), line], ["ab", "cde", "fgh"]);
  });

  test("text() and bytes() return the rest in any mode", async () => {
    const { reader: r } = reader("héllo", "rb");
    await r.seek(1);
    assert.equal(await r.text(), "éllo");
    await r.seek(0);
    assert.deepEqual(await r.bytes(), enc("héllo"));
  });
});

describe("ObjectReader streams, consistency and lifecycle", () => {
  test("stream() yields the rest with one request and advances the position", async () => {
    const { source, reader: r } = reader("abcdefghijklmnop", "rb", 4);
    assert.equal(dec(await r.read(2)), "ab");
    const rest = await readAll(r.stream());
    assert.equal(dec(rest), "cdefghijklmnop");
    assert.equal(r.tell(), 16);
    assert.deepEqual(source.requests, [
      [0, 4],
      [4, undefined],
    ]);
  });

  test("an ETag change between requests fails instead of mixing versions", async () => {
    const { source, reader: r } = reader("abcdefgh", "rb", 2);
    await r.read(2);
    source.etag = "v2";
    await assert.rejects(r.read(4), ObjectChangedError);
  });

  test("closed readers refuse I/O; close is idempotent; await using closes", async () => {
    const { reader: r } = reader("abc");
    await r.close();
    await r.close();
    assert.equal(r.closed, true);
    await assert.rejects(r.read(1), LakeFSError);
    assert.throws(() => r.tell(), /closed/);
    let escaped: ObjectReader | undefined;
    {
      await using scoped = reader("abc").reader;
      escaped = scoped;
      assert.equal(dec(await scoped.read(1)), "a");
    }
    assert.equal(escaped.closed, true);
  });

  test("empty object: reads, lines and streams end immediately", async () => {
    const { reader: r } = reader("");
    assert.equal((await r.read()).byteLength, 0);
    assert.equal(await r.readLine(), null);
    assert.equal((await readAll(r.stream())).byteLength, 0);
  });
});
