/**
 * Object I/O: uploads from every kind of source, seekable reads, line iteration, streaming
 * writers, and parallel transfers of large objects with progress. Runs against the lakeFS in
 * LAKECTL_* when set, else an embedded server with presigned URLs enabled, so large uploads take
 * the presigned multipart path.
 *
 *   node --conditions=development --import tsx examples/objects.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { downloadToFile, ObjectExistsError, repository, uploadFile } from "lakefs-ts/node";
import { openExampleTarget } from "./support/lakefs.js";

const target = await openExampleTarget({ presign: true });
try {
  const { client } = target;
  const { name, storageNamespace } = target.newRepo("objects-demo");
  const repo = await repository(name, { client }).create(storageNamespace);
  const main = repo.branch("main");

  // Upload anything: strings, bytes, Blobs, Web streams, Node streams, async iterables.
  await main.object("notes/hello.txt").upload("Grüße, lakeFS!\nsecond line\n", {
    contentType: "text/plain",
    metadata: { owner: "docs" },
  });
  await main.object("notes/from-node-stream.txt").upload(Readable.from(["a\n", "b\n"]));

  // "x" mode refuses to overwrite.
  try {
    await main.object("notes/hello.txt").upload("again", { mode: "x" });
  } catch (error) {
    if (!(error instanceof ObjectExistsError)) throw error;
    console.log("x mode: notes/hello.txt already exists");
  }

  // Read: whole object, lines, or seek around with buffered ranged reads.
  const hello = main.object("notes/hello.txt");
  console.log(await hello.stat());
  for await (const line of hello.reader({ mode: "r" })) console.log("line:", line);
  {
    await using reader = hello.reader();
    await reader.seek(-12, "end");
    console.log("last 12 bytes:", new TextDecoder().decode(await reader.read()));
  }

  // Write piece by piece; close() commits, leaving the block without close() discards.
  {
    await using writer = main.object("data/rows.csv").writer({ contentType: "text/csv" });
    await writer.write("id,value\n");
    for (let i = 0; i < 3; i++) await writer.write(`${i},${i * i}\n`);
    console.log("written:", await writer.close());
  }

  // Large objects: a 20 MiB generated stream goes up in 5 MiB presigned parts, 4 at a time, and
  // comes back with parallel ranged reads into a file.
  async function* generated(total: number) {
    const chunk = new Uint8Array(1024 * 1024).fill(42);
    for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
  }
  const big = main.object("data/big.bin");
  const info = await big.upload(generated(20 * 1024 * 1024), {
    partSize: 5 * 1024 * 1024,
    onProgress: ({ loadedBytes }) => process.stdout.write(`\ruploaded ${loadedBytes} bytes`),
  });
  console.log(`\nmultipart ETag: ${info.checksum}`);

  const localDir = mkdtempSync(join(tmpdir(), "lakefs-objects-files-"));
  try {
    await downloadToFile(big, join(localDir, "big.bin"), {
      concurrency: 4,
      onProgress: ({ loadedBytes, totalBytes }) =>
        process.stdout.write(`\rdownloaded ${loadedBytes}/${totalBytes} bytes`),
    });
    console.log();
    writeFileSync(join(localDir, "local.txt"), "from a local file\n");
    await uploadFile(main.object("notes/local.txt"), join(localDir, "local.txt"));
  } finally {
    rmSync(localDir, { recursive: true, force: true });
  }

  // Copy, update metadata, delete.
  const copy = await hello.copy({ destinationBranchId: "main", destinationPath: "notes/copy.txt" });
  await copy.updateMetadata({ reviewed: "yes" });
  console.log("copy metadata:", (await copy.stat()).metadata);
  await copy.delete();
  console.log("copy exists after delete:", await copy.exists());
} finally {
  await target.close();
}
