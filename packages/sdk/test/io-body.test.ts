import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { InvalidArgumentError } from "../src/errors.js";
import {
  assertUploadBody,
  byteChunks,
  fixedBody,
  knownSize,
  toReadableStream,
  type UploadBody,
} from "../src/io/body.js";
import { readAll } from "../src/io/bytes.js";

const text = "héllo wörld ✓";
const bytes = new TextEncoder().encode(text);

async function collect(body: UploadBody): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of byteChunks(body)) {
    assert.ok(chunk instanceof Uint8Array);
    assert.ok(chunk.byteLength > 0, "empty chunks are dropped");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function webStream(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  });
}

describe("upload body normalisation", () => {
  const shapes: [string, () => UploadBody, number | undefined][] = [
    ["string", () => text, bytes.byteLength],
    ["Uint8Array", () => bytes, bytes.byteLength],
    ["Buffer", () => Buffer.from(text), bytes.byteLength],
    ["ArrayBuffer", () => bytes.slice().buffer, bytes.byteLength],
    ["Blob", () => new Blob([bytes]), bytes.byteLength],
    [
      "ReadableStream",
      () => webStream([bytes.subarray(0, 3), new Uint8Array(0), bytes.subarray(3)]),
      undefined,
    ],
    [
      "Node Readable",
      () => Readable.from([Buffer.from(bytes.subarray(0, 2)), Buffer.from(bytes.subarray(2))]),
      undefined,
    ],
    ["Node Readable with encoding", () => Readable.from([text]).setEncoding("utf8"), undefined],
    [
      "async generator of strings and bytes",
      () =>
        (async function* () {
          yield "hé";
          yield new TextEncoder().encode("llo wörld ✓");
        })(),
      undefined,
    ],
    ["array of chunks", () => [bytes.subarray(0, 5), bytes.subarray(5)], undefined],
  ];
  for (const [name, make, size] of shapes) {
    test(`${name}: same bytes, size ${size ?? "unknown"}`, async () => {
      assert.equal(knownSize(make()), size);
      assert.equal(await collect(make()), text);
    });
  }

  test("empty inputs produce no chunks", async () => {
    for (const body of ["", new Uint8Array(0), new Blob([]), webStream([])] as UploadBody[]) {
      assert.equal(await collect(body), "");
    }
  });

  test("fixedBody only for known-length shapes", () => {
    assert.ok(fixedBody(text) instanceof Uint8Array);
    assert.ok(fixedBody(new Blob(["x"])) instanceof Blob);
    assert.equal(fixedBody(webStream([])), undefined);
    assert.equal(fixedBody(Readable.from([])), undefined);
  });

  test("unsupported bodies are rejected up front", () => {
    for (const bad of [undefined, null, 42, {}, { length: 3 }, true]) {
      assert.throws(() => assertUploadBody(bad), InvalidArgumentError);
    }
  });

  test("object-mode chunks fail with a clear error", async () => {
    await assert.rejects(collect(Readable.from([{ a: 1 }]) as UploadBody), /Uint8Array or string/);
  });

  test("stopping early cancels a Web stream source", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new Uint8Array([1])),
      cancel: () => {
        cancelled = true;
      },
    });
    for await (const _ of byteChunks(stream)) break;
    assert.equal(cancelled, true);
  });

  test("toReadableStream round-trips lazily", async () => {
    let pulled = 0;
    async function* gen() {
      for (let i = 0; i < 3; i++) {
        pulled++;
        yield new Uint8Array([i]);
      }
    }
    const stream = toReadableStream(gen());
    assert.ok(pulled <= 1, "nothing is read ahead of the consumer beyond one chunk");
    assert.deepEqual([...(await readAll(stream))], [0, 1, 2]);
  });
});
