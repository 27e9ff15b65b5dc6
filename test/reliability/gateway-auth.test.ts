/**
 * Authentication sweep over every S3 gateway operation: without a signature (virtual-host
 * requests), with a wrong secret, an unknown key, a broken SigV2 signature, and as presigned URLs
 * that are expired, tampered with or used for another method, each answers 403 with the S3 code
 * for the failure — and nothing is read or changed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { QUICKSTART_CREDENTIALS } from "lakefs-ts-server";
import { openTarget, type TestTarget } from "../support/lakefs.js";
import { rawRequest, s3Presigner, s3Signer } from "../support/s3.js";
import { call, expectStatus } from "./support/api.js";

const { accessKeyId, secretAccessKey } = QUICKSTART_CREDENTIALS;
const REPO = "authsweep";
const DOMAIN = "s3.local.lakefs.io";

interface Operation {
  readonly name: string;
  readonly method: string;
  /** Path after the bucket ("" for bucket operations); undefined for ListBuckets. */
  readonly key?: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

describe("S3 gateway authentication sweep", () => {
  let target: TestTarget;
  let base: URL;
  let uploadId: string;
  let operations: Operation[];

  before(async () => {
    target = await openTarget();
    base = new URL(target.server!.url);
    await expectStatus(target.endpoint, "POST", "/repositories", 201, {
      json: { name: REPO, storage_namespace: `local://${REPO}` },
    });
    await expectStatus(
      target.endpoint,
      "POST",
      `/repositories/${REPO}/branches/main/objects`,
      201,
      {
        query: { path: "a.txt" },
        raw: Buffer.from("original"),
      },
    );
    const created = await signed("POST", `/${REPO}/main/upload.bin`, { uploads: "" });
    assert.equal(created.status, 200, created.text);
    uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)![1]!;
    const copy = { "x-amz-copy-source": `${REPO}/main/a.txt` };
    const upload = { uploadId };
    operations = [
      { name: "ListBuckets", method: "GET" },
      { name: "HeadBucket", method: "HEAD", key: "" },
      { name: "GetBucketLocation", method: "GET", key: "", query: { location: "" } },
      { name: "ListObjectsV2", method: "GET", key: "", query: { "list-type": "2" } },
      { name: "ListObjects", method: "GET", key: "" },
      { name: "ListMultipartUploads", method: "GET", key: "", query: { uploads: "" } },
      {
        name: "DeleteObjects",
        method: "POST",
        key: "",
        query: { delete: "" },
        body: "<Delete><Object><Key>main/a.txt</Key></Object></Delete>",
      },
      { name: "GetObject", method: "GET", key: "main/a.txt" },
      { name: "HeadObject", method: "HEAD", key: "main/a.txt" },
      { name: "PutObject", method: "PUT", key: "main/a.txt", body: "overwritten" },
      { name: "CopyObject", method: "PUT", key: "main/copy.txt", headers: copy },
      { name: "DeleteObject", method: "DELETE", key: "main/a.txt" },
      { name: "CreateMultipartUpload", method: "POST", key: "main/m.bin", query: { uploads: "" } },
      {
        name: "UploadPart",
        method: "PUT",
        key: "main/upload.bin",
        query: { ...upload, partNumber: "1" },
        body: "part",
      },
      {
        name: "UploadPartCopy",
        method: "PUT",
        key: "main/upload.bin",
        query: { ...upload, partNumber: "2" },
        headers: copy,
      },
      {
        name: "CompleteMultipartUpload",
        method: "POST",
        key: "main/upload.bin",
        query: upload,
        body: "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
      },
      { name: "AbortMultipartUpload", method: "DELETE", key: "main/upload.bin", query: upload },
      { name: "ListParts", method: "GET", key: "main/upload.bin", query: upload },
    ];
  });
  after(() => target?.close());

  const pathOf = (op: Operation) =>
    op.key === undefined ? "/" : `/${REPO}${op.key ? `/${op.key}` : ""}`;
  const withQuery = (path: string, query: Record<string, string> = {}) => {
    const qs = new URLSearchParams(query).toString();
    return qs ? `${path}?${qs}` : path;
  };

  async function signed(
    method: string,
    path: string,
    query: Record<string, string> = {},
    headers: Record<string, string> = {},
    body = "",
    secret = secretAccessKey,
    keyId = accessKeyId,
  ) {
    const request = await s3Signer(keyId, secret).sign({
      method,
      protocol: "http:",
      hostname: base.hostname,
      port: Number(base.port),
      path,
      query,
      headers: {
        ...headers,
        host: base.host,
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
        "content-length": String(Buffer.byteLength(body)),
      },
    });
    return rawRequest(
      base,
      method,
      withQuery(path, query),
      request.headers as Record<string, string>,
      Buffer.from(body),
    );
  }

  async function presigned(op: Operation, expiresIn: number, signingDate = new Date()) {
    const request = await s3Presigner(accessKeyId, secretAccessKey).presign(
      {
        method: op.method,
        protocol: "http:",
        hostname: base.hostname,
        port: Number(base.port),
        path: pathOf(op),
        query: op.query ?? {},
        headers: { host: base.host },
      },
      { expiresIn, signingDate },
    );
    return withQuery(request.path, request.query as Record<string, string>);
  }

  /** The S3 error code of a refused answer (HEAD answers carry no body). */
  const codeOf = (res: { status: number; text: string }) =>
    /<Code>([^<]+)<\/Code>/.exec(res.text)?.[1];

  function expectRefused(
    op: Operation,
    res: { status: number; text: string },
    code: string,
    how: string,
  ) {
    assert.equal(res.status, 403, `${op.name} ${how}: ${res.text}`);
    if (op.method !== "HEAD") assert.equal(codeOf(res), code, `${op.name} ${how}`);
  }

  it("refuses every operation without a valid signature, and changes nothing", async () => {
    for (const op of operations) {
      const path = pathOf(op);
      const bytes = Buffer.from(op.body ?? "");
      // Unsigned, addressed to a virtual-host bucket.
      const vhostPath = op.key === undefined ? "/" : `/${op.key}`;
      const anonymous = await rawRequest(
        base,
        op.method,
        withQuery(vhostPath, op.query),
        {
          ...op.headers,
          host: `${REPO}.${DOMAIN}:${base.port}`,
          "content-length": String(bytes.length),
        },
        bytes,
      );
      expectRefused(op, anonymous, "AccessDenied", "unsigned");
      expectRefused(
        op,
        await signed(op.method, path, op.query, op.headers, op.body, "wrong-secret"),
        "SignatureDoesNotMatch",
        "wrong secret",
      );
      expectRefused(
        op,
        await signed(
          op.method,
          path,
          op.query,
          op.headers,
          op.body,
          secretAccessKey,
          "AKIAUNKNOWN000000000",
        ),
        "InvalidAccessKeyId",
        "unknown key",
      );
      const v2 = await rawRequest(
        base,
        op.method,
        withQuery(path, op.query),
        {
          ...op.headers,
          host: base.host,
          date: new Date().toUTCString(),
          authorization: `AWS ${accessKeyId}:${Buffer.alloc(20).toString("base64")}`,
          "content-length": String(bytes.length),
        },
        bytes,
      );
      expectRefused(op, v2, "SignatureDoesNotMatch", "SigV2");

      const expired = await presigned(op, 60, new Date(Date.now() - 3_600_000));
      const headers = { ...op.headers, host: base.host, "content-length": String(bytes.length) };
      expectRefused(
        op,
        await rawRequest(base, op.method, expired, headers, bytes),
        "AccessDenied",
        "expired URL",
      );
      const fresh = await presigned(op, 600);
      const tampered = fresh.replace(/X-Amz-Expires=600/, "X-Amz-Expires=601");
      expectRefused(
        op,
        await rawRequest(base, op.method, tampered, headers, bytes),
        "SignatureDoesNotMatch",
        "tampered URL",
      );
      const otherMethod = op.method === "GET" ? "DELETE" : "GET";
      expectRefused(
        op,
        await rawRequest(
          base,
          otherMethod,
          fresh,
          { host: base.host, "content-length": "0" },
          Buffer.alloc(0),
        ),
        "SignatureDoesNotMatch",
        "URL used for another method",
      );
    }
    // Nothing was read into a response or changed.
    const object = await call(target.endpoint, "GET", `/repositories/${REPO}/refs/main/objects`, {
      query: { path: "a.txt" },
    });
    assert.equal(object.bytes.toString(), "original");
    for (const path of ["copy.txt", "m.bin", "upload.bin"]) {
      const stat = await call(
        target.endpoint,
        "GET",
        `/repositories/${REPO}/refs/main/objects/stat`,
        {
          query: { path },
        },
      );
      assert.equal(stat.status, 404, path);
    }
    const parts = await signed("GET", `/${REPO}/main/upload.bin`, { uploadId });
    assert.equal(parts.status, 200);
    assert.doesNotMatch(parts.text, /<Part>/);
    const uploads = await signed("GET", `/${REPO}`, { uploads: "" });
    assert.equal((uploads.text.match(/<Upload>/g) ?? []).length, 1);
  });

  it("the same requests, correctly signed, succeed (the sweep reaches real operations)", async () => {
    const ok = await signed("GET", `/${REPO}/main/a.txt`);
    assert.equal(ok.status, 200);
    assert.equal(ok.text, "original");
    const url = await presigned({ name: "GetObject", method: "GET", key: "main/a.txt" }, 600);
    const viaUrl = await rawRequest(base, "GET", url, { host: base.host }, Buffer.alloc(0));
    assert.equal(viaUrl.text, "original");
  });
});
