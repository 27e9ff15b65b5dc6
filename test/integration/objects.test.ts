/**
 * Object I/O against a real server over loopback, once proxied through lakeFS and once with
 * presigned URLs (and presigned multipart uploads) enabled on the embedded server.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { after, before, describe, test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  BadRequestError,
  type Branch,
  type Client,
  InvalidArgumentError,
  LakeFSError,
  ObjectExistsError,
  ObjectNotFoundError,
  PermissionError,
  type Progress,
  Repository,
  RequestTimeoutError,
  ServerError,
} from "lakefs-ts";
import { downloadToFile, nodeReadable, nodeWritable, uploadFile } from "lakefs-ts/node";
import { needsEmbedded, openTarget, type TestTarget } from "../support/lakefs.js";

const MiB = 1024 * 1024;
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

/** Deterministic bytes, generated lazily in chunks (never all in memory); each chunk differs. */
const BLOCK = createHash("sha512").update("seed").digest();
async function* pseudoRandom(total: number, chunk = 256 * 1024): AsyncGenerator<Uint8Array> {
  for (let sent = 0, n = 0; sent < total; sent += chunk, n++) {
    const out = new Uint8Array(Math.min(chunk, total - sent));
    for (let i = 0; i < out.length; i += BLOCK.length)
      out.set(BLOCK.subarray(0, out.length - i), i);
    if (out.length >= 4) new DataView(out.buffer).setUint32(0, n);
    yield out;
  }
}

async function concatAll(
  chunks: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks as AsyncIterable<Uint8Array>) parts.push(c);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

function collectingStream(): { stream: WritableStream<Uint8Array>; bytes: () => Uint8Array } {
  const parts: Uint8Array[] = [];
  return {
    stream: new WritableStream({ write: (c) => void parts.push(c) }),
    bytes: () => Buffer.concat(parts),
  };
}

for (const presign of [false, true]) {
  describe(`objects (${presign ? "presigned" : "proxied"})`, {
    skip: presign && needsEmbedded,
  }, () => {
    let target: TestTarget;
    let client: Client;
    let branch: Branch;
    let repo: Repository;

    before(async () => {
      target = await openTarget(presign ? { presign: true } : {});
      client = target.client();
      const { name, storageNamespace } = target.newRepo("objects");
      repo = await new Repository(name, { client }).create(storageNamespace);
      branch = repo.branch("main");
    });
    after(() => target?.close());

    test("the server reports the expected presign support", async () => {
      const storage = await client.storageConfig();
      assert.equal(storage.preSignSupport, presign);
    });

    test("upload, stat, exists, text, bytes, stream", async () => {
      const obj = branch.object("docs/hello.txt");
      assert.equal(await obj.exists(), false);
      const info = await obj.upload("héllo wörld", {
        contentType: "text/plain",
        metadata: { Owner: "Ann" },
      });
      assert.equal(info.path, "docs/hello.txt");
      assert.equal(info.sizeBytes, enc("héllo wörld").byteLength);
      assert.equal(info.checksum, md5(enc("héllo wörld")));
      assert.equal(await obj.exists(), true);
      const stat = await obj.stat();
      assert.equal(stat.contentType, "text/plain");
      assert.deepEqual(
        stat.metadata,
        { owner: "Ann" },
        "metadata keys are lower-case on every path",
      );
      assert.ok(stat.mtime instanceof Date);
      assert.equal(await obj.text(), "héllo wörld");
      assert.deepEqual(await obj.bytes(), enc("héllo wörld"));
      assert.equal(dec(await concatAll(obj.stream())), "héllo wörld");
      assert.equal(obj.repository, repo.id);
      assert.equal(obj.ref, "main");
      // Reads through other references see the same object once committed.
      await branch.commit("add hello");
      assert.equal(await repo.ref("main@").object("docs/hello.txt").text(), "héllo wörld");
    });

    test("every accepted body shape uploads the same bytes", async () => {
      const expected = "line one\nline two ✓\n";
      const bodies = {
        string: () => expected,
        bytes: () => enc(expected),
        arrayBuffer: () => enc(expected).buffer,
        blob: () => new Blob([expected]),
        webStream: () => new Blob([expected]).stream(),
        nodeReadable: () =>
          Readable.from([Buffer.from(expected.slice(0, 5)), Buffer.from(expected.slice(5))]),
        asyncIterable: () =>
          (async function* () {
            yield "line one\n";
            yield enc("line two ✓\n");
          })(),
      };
      for (const [name, make] of Object.entries(bodies)) {
        const obj = branch.object(`shapes/${name}`);
        const info = await obj.upload(make());
        assert.equal(info.checksum, md5(enc(expected)), name);
        assert.equal(await obj.text(), expected, name);
      }
    });

    test("empty objects", async () => {
      const obj = branch.object("empty");
      const info = await obj.upload(new Uint8Array(0));
      assert.equal(info.sizeBytes, 0);
      assert.equal((await obj.bytes()).byteLength, 0);
      const reader = obj.reader();
      assert.equal((await reader.read(10)).byteLength, 0);
      assert.equal(await reader.readLine(), null);
      const sink = collectingStream();
      await obj.download(sink.stream);
      assert.equal(sink.bytes().byteLength, 0);
      const streamed = branch.object("empty-stream");
      assert.equal((await streamed.upload(new Blob([]).stream())).sizeBytes, 0);
    });

    test("ranged reads, seek and EOF", async () => {
      const obj = branch.object("ranges.bin");
      const data = Uint8Array.from({ length: 1000 }, (_, i) => i % 256);
      await obj.upload(data);
      await using reader = obj.reader({ readAheadBytes: 64 });
      assert.deepEqual(await reader.read(10), data.subarray(0, 10));
      assert.equal(await reader.seek(500), 500);
      assert.deepEqual(await reader.read(100), data.subarray(500, 600));
      assert.equal(await reader.seek(-10, "end"), 990);
      assert.deepEqual(await reader.read(), data.subarray(990));
      assert.equal((await reader.read(5)).byteLength, 0, "EOF");
      await reader.seek(5000);
      assert.equal((await reader.read(1)).byteLength, 0, "past the end is EOF, not an error");
      assert.equal(reader.size, 1000);
      assert.equal((await reader.read(0)).byteLength, 0);
    });

    test("unicode lines across read-ahead boundaries", async () => {
      const lines = [
        "Grüße aus Köln",
        "ñandú 🦤 emoji",
        "",
        "中文字符测试",
        "last line, no newline €",
      ];
      const obj = branch.object("unicode.txt");
      await obj.upload(lines.join("\r\n"));
      for (const readAheadBytes of [1, 2, 3, 5, 7, 1024]) {
        const reader = obj.reader({ mode: "r", readAheadBytes });
        const seen: string[] = [];
        for await (const line of reader) seen.push(line);
        assert.deepEqual(seen, lines, `readAheadBytes ${readAheadBytes}`);
        await reader.close();
      }
      const text = obj.reader({ mode: "r", readAheadBytes: 3 });
      let joined = "";
      for (
        let chunk = await text.read(1);
        chunk !== "" || text.tell() < text.size!;
        chunk = await text.read(1)
      ) {
        joined += chunk;
      }
      assert.equal(joined, lines.join("\r\n"), "text-mode byte reads never split a character");
    });

    test("x modes refuse to overwrite; w overwrites", async () => {
      const obj = branch.object("exclusive.txt");
      await obj.upload("first", { mode: "x" });
      await assert.rejects(obj.upload("second", { mode: "xb" }), ObjectExistsError);
      await assert.rejects(
        obj.upload(
          (async function* () {
            yield enc("streamed second");
          })(),
          { mode: "x" },
        ),
        ObjectExistsError,
      );
      assert.equal(await obj.text(), "first");
      await obj.upload("third", { mode: "w" });
      assert.equal(await obj.text(), "third");
    });

    test("invalid arguments fail before any request", async () => {
      const obj = branch.object("never-created");
      await assert.rejects(obj.upload("x", { mode: "a" as never }), InvalidArgumentError);
      await assert.rejects(obj.upload(42 as never), InvalidArgumentError);
      await assert.rejects(obj.upload("x", { partSize: 1024 }), InvalidArgumentError);
      await assert.rejects(obj.upload("x", { concurrency: 0 }), InvalidArgumentError);
      await assert.rejects(obj.upload("x", { metadata: { "bad key": "v" } }), InvalidArgumentError);
      assert.throws(() => obj.writer({ mode: "r" as never }), InvalidArgumentError);
      assert.throws(() => obj.reader({ mode: "w" as never }), InvalidArgumentError);
      assert.equal(await obj.exists(), false);
    });

    test("missing objects and branches", async () => {
      const missing = branch.object("nope");
      await assert.rejects(missing.stat(), ObjectNotFoundError);
      await assert.rejects(missing.text(), ObjectNotFoundError);
      await assert.rejects(missing.reader().read(1), ObjectNotFoundError);
      await assert.rejects(missing.download(collectingStream().stream), ObjectNotFoundError);
      await assert.rejects(missing.updateMetadata({ a: "b" }), ObjectNotFoundError);
      await missing.delete(); // deleting an absent object succeeds, as in lakeFS
      await assert.rejects(repo.branch("no-such-branch").object("a").upload("x"), LakeFSError);
    });

    test("writer streams chunks and commits on close; abort and dispose discard", async () => {
      const obj = branch.object("written.txt");
      const writer = obj.writer({ contentType: "text/csv", metadata: { kind: "csv" } });
      assert.equal(await writer.write("a,b\n"), 4);
      await writer.write(enc("1,2\n"));
      assert.equal(writer.tell(), 8);
      const info = await writer.close();
      assert.equal(info.sizeBytes, 8);
      assert.equal(await obj.text(), "a,b\n1,2\n");
      await assert.rejects(writer.write("more"), /closed/);

      const aborted = branch.object("aborted.txt");
      const w2 = aborted.writer();
      await w2.write("partial");
      await w2.abort();
      assert.equal(await aborted.exists(), false);

      const disposed = branch.object("disposed.txt");
      await assert.rejects(
        (async () => {
          await using w3 = disposed.writer();
          await w3.write("partial");
          throw new Error("caller failed mid-write");
        })(),
        /caller failed/,
      );
      assert.equal(await disposed.exists(), false, "leaving scope without close() discards");

      // Presigned paths check up front (the write fails); the proxied one at close.
      const exclusive = obj.writer({ mode: "xb" });
      await assert.rejects(async () => {
        await exclusive.write("would overwrite");
        await exclusive.close();
      }, ObjectExistsError);
      assert.equal(await obj.text(), "a,b\n1,2\n", "the existing object is untouched");
      await assert.rejects(w2.write("after abort"), /closed/);
    });

    test("a writer's memory does not grow with the number of writes", async () => {
      const writer = branch.object("many-writes.txt").writer();
      const line = `${"x".repeat(99)}\n`;
      await writer.write(line);
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 40_000; i++) await writer.write(line);
      gc();
      const growth = process.memoryUsage().heapUsed - before;
      assert.equal((await writer.close()).sizeBytes, 40_001 * 100);
      // Once ~480 bytes per write stayed attached to the running upload (~19 MB here). The bound
      // leaves room for the 4 MB written being in flight to the in-process server on a busy
      // machine (Node 24 measured 6.8 MiB then), and still catches that leak.
      assert.ok(growth < 8 * MiB, `heap grew ${(growth / MiB).toFixed(1)} MiB over 40,000 writes`);
    });

    test("Node stream adapters and file helpers", async () => {
      const dir = mkdtempSync(join(tmpdir(), "lakefs-ts-objects-"));
      try {
        const obj = branch.object("node/stream.txt");
        const sink = nodeWritable(obj.writer());
        await new Promise<void>((resolve, reject) => {
          Readable.from(["alpha\n", "beta\n"]).pipe(sink).on("finish", resolve).on("error", reject);
        });
        assert.equal(await obj.text(), "alpha\nbeta\n");
        assert.equal(dec(await concatAll(nodeReadable(obj))), "alpha\nbeta\n");

        const failed = branch.object("node/failed.txt");
        async function* brokenSource() {
          yield "partial";
          throw new Error("source broke");
        }
        await assert.rejects(
          pipeline(Readable.from(brokenSource()), nodeWritable(failed.writer())),
          /source broke/,
        );
        assert.equal(await failed.exists(), false, "a failed pipeline discards the upload");

        // Small files are read whole, larger ones streamed from disk (whole or in slices).
        for (const length of [3000, 64 * 1024 + 1, 1024 * 1024 + 1]) {
          const file = join(dir, `in-${length}.bin`);
          writeFileSync(
            file,
            Uint8Array.from({ length }, (_, i) => i % 7),
          );
          const uploaded = branch.object(`node/file-${length}.bin`);
          assert.equal((await uploadFile(uploaded, file)).sizeBytes, length);
          const out = join(dir, `out-${length}.bin`);
          await downloadToFile(uploaded, out, { partSize: Math.ceil(length / 3), concurrency: 2 });
          assert.deepEqual(readFileSync(out), readFileSync(file));
        }
        await assert.rejects(uploadFile(branch.object("node/none"), join(dir, "none")), {
          code: "ENOENT",
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test("copy keeps content, metadata and content type; delete; updateMetadata", async () => {
      const src = branch.object("copy/src.json");
      await src.upload('{"a":1}', { contentType: "application/json", metadata: { tag: "x" } });
      await repo.branch("copies").create("main");
      const copied = await src.copy({
        destinationBranchId: "copies",
        destinationPath: "copy/dst.json",
      });
      const stat = await copied.stat();
      assert.equal(stat.contentType, "application/json");
      assert.deepEqual(stat.metadata, { tag: "x" });
      assert.equal(await copied.text(), '{"a":1}');
      await copied.updateMetadata({ Reviewed: "yes" });
      assert.deepEqual((await copied.stat()).metadata, { reviewed: "yes" });
      await copied.delete();
      assert.equal(await copied.exists(), false);
      await assert.rejects(
        branch.object("copy/missing").copy({ destinationBranchId: "main", destinationPath: "x" }),
        LakeFSError,
      );
    });

    test("progress of an in-memory body follows the bytes sent, not one 100% up front", async () => {
      const size = 12 * MiB;
      const bytes = await concatAll(pseudoRandom(size));
      const progress: Progress[] = [];
      // Proxied: the slices go through one streamed request; presigned: parts of 5 MiB.
      const info = await branch.object("progress/in-memory.bin").upload(bytes, {
        partSize: 5 * MiB,
        concurrency: 1,
        onProgress: (p) => progress.push(p),
      });
      assert.equal(info.sizeBytes, size);
      const loaded = progress.map((p) => p.loadedBytes);
      assert.ok(loaded.length >= 3, `several reports, got ${loaded.length}`);
      assert.ok(loaded[0] !== undefined && loaded[0] < size, "the first report is partial");
      assert.deepEqual(
        loaded,
        [...loaded].sort((a, b) => a - b),
        "progress only grows",
      );
      assert.deepEqual(progress.at(-1), { loadedBytes: size, totalBytes: size });
    });

    test("delete takes lakeFS's options: force bypasses a read-only repository", async () => {
      const { name, storageNamespace } = target.newRepo("readonly");
      const readOnly = await new Repository(name, { client }).create(storageNamespace, {
        readOnly: true,
      });
      const obj = readOnly.branch("main").object("absent.txt");
      await assert.rejects(obj.delete(), PermissionError);
      await obj.delete({ force: true });
      await readOnly.branch("main").deleteObjects(["a", "b"], { force: true });
      await assert.rejects(obj.delete({ force: true, signal: AbortSignal.abort() }));
    });

    test("multipart-sized stream upload, then parallel download with progress", async () => {
      const size = 12 * MiB + 12345;
      const obj = branch.object("big/stream.bin");
      const uploadProgress: Progress[] = [];
      const info = await obj.upload(pseudoRandom(size), {
        partSize: 5 * MiB,
        concurrency: 2,
        onProgress: (p) => uploadProgress.push(p),
      });
      const expected = await concatAll(pseudoRandom(size));
      assert.equal(info.sizeBytes, size);
      if (presign) {
        assert.match(info.checksum, /-3$/, "three parts: multipart ETag");
      } else {
        assert.equal(info.checksum, md5(expected));
      }
      assert.equal(uploadProgress.at(-1)?.loadedBytes, size);

      const downloadProgress: Progress[] = [];
      const sink = collectingStream();
      await obj.download(sink.stream, {
        partSize: 2 * MiB,
        concurrency: 3,
        onProgress: (p) => downloadProgress.push(p),
      });
      assert.equal(md5(sink.bytes()), md5(expected));
      assert.deepEqual(downloadProgress.at(-1), { loadedBytes: size, totalBytes: size });
      const loaded = downloadProgress.map((p) => p.loadedBytes);
      assert.deepEqual(
        loaded,
        [...loaded].sort((a, b) => a - b),
        "progress only grows",
      );

      // A Blob of known size takes the same path.
      const blobObj = branch.object("big/blob.bin");
      const blobInfo = await blobObj.upload(new Blob([expected]), { partSize: 5 * MiB });
      assert.equal(blobInfo.sizeBytes, size);
      assert.equal(md5(await blobObj.bytes()), md5(expected));
    });

    test("aborting mid-upload leaves no object", async () => {
      const obj = branch.object("big/aborted.bin");
      const controller = new AbortController();
      let sent = 0;
      async function* slowBody() {
        for await (const chunk of pseudoRandom(20 * MiB)) {
          sent += chunk.byteLength;
          if (sent > 11 * MiB) controller.abort(new Error("user cancelled"));
          yield chunk;
        }
      }
      await assert.rejects(
        obj.upload(slowBody(), { partSize: 5 * MiB, signal: controller.signal }),
        /user cancelled/,
      );
      assert.equal(await obj.exists(), false);
      if (presign && target.dataDir) {
        // The server keeps in-progress multipart uploads here; the abort must have removed ours.
        const uploads = join(target.dataDir, "block", ".multipart");
        assert.deepEqual(existsSync(uploads) ? readdirSync(uploads) : [], []);
      }
      const diff = [];
      for await (const change of branch.uncommitted({ prefix: "big/aborted" })) diff.push(change);
      assert.deepEqual(diff, []);
    });

    test("a download never mixes versions when the object changes mid-way", async () => {
      const obj = branch.object("changing.bin");
      const original = await concatAll(pseudoRandom(3 * MiB));
      await obj.upload(original);
      let replaced = false;
      const parts: Uint8Array[] = [];
      const sink = new WritableStream<Uint8Array>({
        async write(chunk) {
          parts.push(chunk);
          if (!replaced) {
            replaced = true;
            await obj.upload(await concatAll(pseudoRandom(3 * MiB + 1)));
          }
        },
      });
      const download = obj.download(sink, { partSize: MiB, concurrency: 1 });
      if (presign) {
        // Presigned reads pin the physical address stat-ed first: a consistent old snapshot.
        await download;
        assert.equal(md5(Buffer.concat(parts)), md5(original));
      } else {
        await assert.rejects(download, (error: Error) => error.name === "ObjectChangedError");
      }
    });

    test("each transfer path sends the expected requests", async () => {
      const log: string[] = [];
      let spoilFirstPart = true;
      let spoilNextRead = false;
      const recording: typeof fetch = async (input, init) => {
        const url = new URL(String(input));
        const method = init?.method ?? "GET";
        const presigned = url.pathname.endsWith("/_lakefs_presigned");
        const isPart = url.searchParams.get("target")?.includes('"part"');
        if (
          presigned &&
          ((method === "PUT" && isPart && spoilFirstPart) || (method === "GET" && spoilNextRead))
        ) {
          // As if the URL had expired: the server's real answer is a 403.
          if (method === "PUT") spoilFirstPart = false;
          else spoilNextRead = false;
          url.searchParams.set("expires", String(Math.floor(Date.now() / 1000) - 60));
        }
        const presignQuery = !presigned && url.searchParams.get("presign") === "true";
        log.push(
          `${method} ${presigned ? "<presigned>" : url.pathname.replace(/^.*\/api\/v1/, "")}${presignQuery ? "?presign" : ""}`,
        );
        return fetch(url, init);
      };
      const traced = target.client({ fetch: recording });
      const obj = new Repository(repo.id, { client: traced }).branch("main").object("paths/small");
      const base = `/repositories/${repo.id}/branches/main`;
      await obj.upload("tiny");
      await obj.text();
      const small = log.splice(0);
      if (presign) {
        assert.deepEqual(small, [
          "GET /config",
          `GET ${base}/staging/backing?presign`,
          "PUT <presigned>",
          `PUT ${base}/staging/backing`,
          // A whole read follows lakeFS's redirect to a presigned URL (inside fetch): no stat.
          `GET /repositories/${repo.id}/refs/main/objects?presign`,
        ]);
      } else {
        assert.deepEqual(small, [
          "GET /config",
          `POST ${base}/objects`,
          `GET /repositories/${repo.id}/refs/main/objects`,
        ]);
      }
      if (!presign) return;
      const big = new Repository(repo.id, { client: traced }).branch("main").object("paths/big");
      const blob = new Blob([await concatAll(pseudoRandom(11 * MiB))]);
      const info = await big.upload(blob, { partSize: 5 * MiB, concurrency: 1 });
      assert.match(info.checksum, /-3$/);
      const multipart = log.splice(0);
      assert.equal(multipart[0], `POST ${base}/staging/pmpu`);
      // Part URLs come with the create call; the "expired" one is replaced through the parts endpoint.
      assert.deepEqual(
        multipart.slice(1).map((l) => l.replace(/pmpu\/[^/]+/, "pmpu/<id>")),
        [
          "PUT <presigned>",
          `PUT ${base}/staging/pmpu/<id>/parts/1`,
          "PUT <presigned>",
          "PUT <presigned>",
          "PUT <presigned>",
          `PUT ${base}/staging/pmpu/<id>`,
        ],
      );

      // A presigned read URL that stops working is replaced by a fresh stat once.
      spoilNextRead = true;
      await using reader = new Repository(repo.id, { client: traced })
        .branch("main")
        .object("paths/small")
        .reader();
      assert.equal(dec(await reader.read(4)), "tiny"); // a ranged read uses its own URL
      assert.deepEqual(log.splice(0), [
        `GET /repositories/${repo.id}/refs/main/objects/stat?presign`,
        "GET <presigned>",
        `GET /repositories/${repo.id}/refs/main/objects/stat?presign`,
        "GET <presigned>",
      ]);
    });

    test("stat with presign gives a URL only where the server supports it", async () => {
      const obj = branch.object("docs/hello.txt");
      if (presign) {
        const info = await obj.stat({ preSign: true });
        assert.match(info.physicalAddress, /^http:\/\/127\.0\.0\.1:\d+\//);
        assert.ok(info.physicalAddressExpiry instanceof Date);
        assert.equal(await obj.text({ preSign: false }), await obj.text({ preSign: true }));
      } else {
        // Presign on local storage: ours is a 400; lakeFS answers 500 (docs/compatibility.md).
        const refused = (e: unknown) =>
          e instanceof BadRequestError || (!target.embedded && e instanceof ServerError);
        await assert.rejects(obj.stat({ preSign: true }), refused);
        await assert.rejects(obj.upload("x", { preSign: true }), refused);
      }
    });

    test("an upload's timeout covers the whole transfer and leaves no object", async () => {
      const obj = branch.object("slow.bin");
      async function* stalls() {
        yield enc("first chunk");
        await new Promise((resolve) => setTimeout(resolve, 1500));
        yield enc("too late");
      }
      await assert.rejects(obj.upload(stalls(), { timeout: 200 }), RequestTimeoutError);
      assert.equal(await obj.exists(), false);
    });

    test("timeouts and signals apply to reads", async () => {
      const obj = branch.object("docs/hello.txt");
      const controller = new AbortController();
      controller.abort(new Error("stop"));
      await assert.rejects(obj.text({ signal: controller.signal }), /stop/);
      await assert.rejects(obj.stat({ signal: controller.signal }), /stop/);
    });
  });
}
