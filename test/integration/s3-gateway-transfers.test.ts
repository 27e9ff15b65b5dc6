/**
 * S3 gateway transfers with AWS's JavaScript SDK: CopyObject (COPY/REPLACE, across branches),
 * multipart uploads (parts, part copies with ranges, S3's multipart ETag, listing, abort,
 * failures), `@aws-sdk/lib-storage` Upload of a stream, and presigned GET/PUT URLs from
 * `@aws-sdk/s3-request-presigner` (expiry and tampering refused).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Client, Repository } from "lakefs-ts";
import { createRepo, needsEmbedded, openTarget, type TestTarget } from "../support/lakefs.js";
import { s3Client, s3Error } from "../support/s3.js";

const MiB = 1024 * 1024;
const md5 = (b: Uint8Array | string) => createHash("md5").update(b).digest("hex");
const multipartEtag = (parts: Uint8Array[]) =>
  `"${createHash("md5")
    .update(Buffer.concat(parts.map((p) => createHash("md5").update(p).digest())))
    .digest("hex")}-${parts.length}"`;

describe("S3 gateway transfers", { skip: needsEmbedded }, () => {
  let target: TestTarget;
  let lakefs: Client;
  let repo: Repository;
  let s3: S3Client;

  before(async () => {
    target = await openTarget();
    lakefs = target.client();
    repo = await createRepo(target, lakefs);
    s3 = s3Client(target);
    await repo.branch("dev").create("main");
  });
  after(async () => {
    s3?.destroy();
    await target?.close();
  });

  test("CopyObject keeps bytes and metadata (COPY), or takes new ones (REPLACE), across branches", async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: repo.id,
        Key: "main/src.txt",
        Body: "copy me",
        ContentType: "text/plain",
        Metadata: { color: "blue" },
      }),
    );
    const copied = await s3.send(
      new CopyObjectCommand({
        Bucket: repo.id,
        Key: "dev/copied.txt",
        CopySource: `${repo.id}/main/src.txt`,
      }),
    );
    assert.equal(copied.CopyObjectResult?.ETag, `"${md5("copy me")}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: repo.id, Key: "dev/copied.txt" }));
    assert.equal(await got.Body!.transformToString(), "copy me");
    assert.equal(got.ContentType, "text/plain");
    assert.deepEqual(got.Metadata, { color: "blue" });

    await s3.send(
      new CopyObjectCommand({
        Bucket: repo.id,
        Key: "main/replaced file.txt",
        CopySource: encodeURIComponent(`/${repo.id}/main/src.txt`),
        MetadataDirective: "REPLACE",
        ContentType: "text/csv",
        Metadata: { color: "red" },
      }),
    );
    const replaced = await s3.send(
      new HeadObjectCommand({ Bucket: repo.id, Key: "main/replaced file.txt" }),
    );
    assert.equal(replaced.ContentType, "text/csv");
    assert.deepEqual(replaced.Metadata, { color: "red" });

    assert.equal(
      (
        await s3Error(
          s3.send(
            new CopyObjectCommand({
              Bucket: repo.id,
              Key: "dev/x",
              CopySource: `${repo.id}/main/missing`,
            }),
          ),
        )
      ).name,
      "NoSuchKey",
    );
    assert.equal(
      (
        await s3Error(
          s3.send(
            new CopyObjectCommand({
              Bucket: repo.id,
              Key: "dev/x",
              CopySource: `no-such-repo/main/src.txt`,
            }),
          ),
        )
      ).name,
      "NoSuchBucket",
    );
  });

  test("multipart: parts, a ranged part copy, S3's ETag, ListParts, metadata from Create", async () => {
    const key = "main/multi/big.bin";
    const part1 = Buffer.alloc(5 * MiB, 1);
    const source = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));
    await s3.send(
      new PutObjectCommand({ Bucket: repo.id, Key: "main/multi/source.bin", Body: source }),
    );
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: repo.id,
        Key: key,
        ContentType: "application/x-big",
        Metadata: { stage: "raw" },
      }),
    );
    assert.ok(UploadId);
    const p1 = await s3.send(
      new UploadPartCommand({ Bucket: repo.id, Key: key, UploadId, PartNumber: 1, Body: part1 }),
    );
    const p2 = await s3.send(
      new UploadPartCopyCommand({
        Bucket: repo.id,
        Key: key,
        UploadId,
        PartNumber: 2,
        CopySource: `${repo.id}/main/multi/source.bin`,
        CopySourceRange: "bytes=100-1099",
      }),
    );
    const copiedPart = source.subarray(100, 1100);
    assert.equal(p2.CopyPartResult?.ETag, `"${md5(copiedPart)}"`);

    const parts = await s3.send(new ListPartsCommand({ Bucket: repo.id, Key: key, UploadId }));
    assert.deepEqual(
      parts.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]),
      [
        [1, p1.ETag, part1.length],
        [2, p2.CopyPartResult?.ETag, 1000],
      ],
    );
    const uploads = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: repo.id, Prefix: "main/multi/" }),
    );
    assert.deepEqual(
      uploads.Uploads?.map((u) => [u.Key, u.UploadId]),
      [[key, UploadId]],
    );

    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: repo.id,
        Key: key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: p2.CopyPartResult?.ETag },
          ],
        },
      }),
    );
    assert.equal(done.ETag, multipartEtag([part1, copiedPart]));
    const got = await s3.send(
      new GetObjectCommand({
        Bucket: repo.id,
        Key: key,
        Range: `bytes=${5 * MiB - 2}-${5 * MiB + 1}`,
      }),
    );
    assert.deepEqual(
      Buffer.from(await got.Body!.transformToByteArray()),
      Buffer.from([1, 1, 100, 101]),
    );
    assert.equal(got.ContentType, "application/x-big");
    assert.deepEqual(got.Metadata, { stage: "raw" });
    // The lakeFS API sees the same object and ETag.
    const stat = await repo.branch("main").object("multi/big.bin").stat();
    assert.equal(`"${stat.checksum}"`, done.ETag);
    assert.equal(stat.sizeBytes, part1.length + 1000);
    const after = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: repo.id, Prefix: "main/multi/" }),
    );
    assert.equal(after.Uploads?.length ?? 0, 0);
    assert.equal(
      (await s3Error(s3.send(new ListPartsCommand({ Bucket: repo.id, Key: key, UploadId })))).name,
      "NoSuchUpload",
    );
  });

  test("multipart failures: small parts, wrong ETags, order, unknown or aborted uploads", async () => {
    const key = "dev/multi/fail.bin";
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: repo.id, Key: key }),
    );
    const small = await s3.send(
      new UploadPartCommand({ Bucket: repo.id, Key: key, UploadId, PartNumber: 1, Body: "tiny" }),
    );
    const last = await s3.send(
      new UploadPartCommand({ Bucket: repo.id, Key: key, UploadId, PartNumber: 2, Body: "end" }),
    );
    const complete = (
      Parts: { PartNumber: number; ETag: string | undefined }[],
      Key = key,
      id = UploadId,
    ) =>
      s3Error(
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: repo.id,
            Key,
            UploadId: id,
            MultipartUpload: { Parts },
          }),
        ),
      );
    assert.deepEqual(
      await complete([
        { PartNumber: 1, ETag: small.ETag },
        { PartNumber: 2, ETag: last.ETag },
      ]),
      { name: "EntityTooSmall", status: 400 },
    );
    assert.deepEqual(await complete([{ PartNumber: 1, ETag: `"${md5("other")}"` }]), {
      name: "InvalidPart",
      status: 400,
    });
    assert.deepEqual(
      await complete([
        { PartNumber: 2, ETag: last.ETag },
        { PartNumber: 1, ETag: small.ETag },
      ]),
      { name: "InvalidPartOrder", status: 400 },
    );
    // Another key cannot use this upload.
    assert.deepEqual(await complete([{ PartNumber: 1, ETag: small.ETag }], "dev/multi/other.bin"), {
      name: "NoSuchUpload",
      status: 404,
    });
    assert.deepEqual(await complete([{ PartNumber: 1, ETag: small.ETag }], key, "0".repeat(32)), {
      name: "NoSuchUpload",
      status: 404,
    });
    // A single (last) part may be small.
    const ok = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: repo.id,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: small.ETag }] },
      }),
    );
    assert.equal(ok.ETag, multipartEtag([Buffer.from("tiny")]));

    const aborted = await s3.send(new CreateMultipartUploadCommand({ Bucket: repo.id, Key: key }));
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: repo.id, Key: key, UploadId: aborted.UploadId }),
    );
    assert.deepEqual(await complete([{ PartNumber: 1, ETag: small.ETag }], key, aborted.UploadId), {
      name: "NoSuchUpload",
      status: 404,
    });
    assert.equal(
      (
        await s3Error(
          s3.send(
            new AbortMultipartUploadCommand({
              Bucket: repo.id,
              Key: key,
              UploadId: aborted.UploadId,
            }),
          ),
        )
      ).name,
      "NoSuchUpload",
    );
    assert.equal(
      (
        await s3Error(
          s3.send(new CreateMultipartUploadCommand({ Bucket: repo.id, Key: "no-branch/x" })),
        )
      ).status,
      404,
    );
  });

  test("lib-storage Upload streams a large body in parts", async () => {
    const partSize = 5 * MiB;
    const total = 12 * MiB + 12345;
    async function* body() {
      for (let sent = 0, i = 0; sent < total; i++) {
        const n = Math.min(1 * MiB, total - sent);
        yield Buffer.alloc(n, i % 256);
        sent += n;
      }
    }
    const hash = createHash("md5");
    for await (const chunk of body()) hash.update(chunk);
    const upload = new Upload({
      client: s3,
      params: { Bucket: repo.id, Key: "dev/lib-storage.bin", Body: Readable.from(body()) },
      partSize,
      queueSize: 2,
    });
    const result = await upload.done();
    assert.match(result.ETag ?? "", /^"[0-9a-f]{32}-3"$/);
    const got = await s3.send(
      new GetObjectCommand({ Bucket: repo.id, Key: "dev/lib-storage.bin" }),
    );
    assert.equal(got.ContentLength, total);
    const read = createHash("md5");
    for await (const chunk of got.Body as Readable) read.update(chunk);
    assert.equal(read.digest("hex"), hash.digest("hex"));
  });

  test("presigned GET and PUT URLs; expired and tampered URLs are refused", async () => {
    const putUrl = await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket: repo.id, Key: "dev/presigned.txt" }),
      {
        expiresIn: 300,
      },
    );
    const put = await fetch(putUrl, { method: "PUT", body: "via presigned url" });
    assert.equal(put.status, 200, await put.text());
    assert.equal(put.headers.get("etag"), `"${md5("via presigned url")}"`);
    const getUrl = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: repo.id, Key: "dev/presigned.txt" }),
      {
        expiresIn: 300,
      },
    );
    const got = await fetch(getUrl);
    assert.equal(got.status, 200);
    assert.equal(await got.text(), "via presigned url");

    const tampered = getUrl.replace("presigned.txt", "presigned.tx%74x");
    const refused = await fetch(tampered);
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    const longer = getUrl.replace("X-Amz-Expires=300", "X-Amz-Expires=3000");
    assert.equal((await fetch(longer)).status, 403);
    // Signed for GET, used for PUT.
    assert.equal((await fetch(getUrl, { method: "PUT", body: "overwrite" })).status, 403);

    const expiredUrl = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: repo.id, Key: "dev/presigned.txt" }),
      {
        expiresIn: 1,
        signingDate: new Date(Date.now() - 60_000),
      },
    );
    const expired = await fetch(expiredUrl);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /<Code>AccessDenied<\/Code>/);
    const still = await s3.send(
      new GetObjectCommand({ Bucket: repo.id, Key: "dev/presigned.txt" }),
    );
    assert.equal(await still.Body!.transformToString(), "via presigned url");
  });
});
