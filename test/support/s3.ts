/**
 * Helpers for tests that drive the S3 gateway: AWS's JavaScript SDK client, its SigV4 signer for
 * hand-built requests, and a raw HTTP request for bodies no SDK would send.
 */
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import { SignatureV4 } from "@smithy/signature-v4";
import type { TestTarget } from "./lakefs.js";

const bytesOf = (data: string | ArrayBuffer | ArrayBufferView) =>
  typeof data === "string"
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** The hash constructor `SignatureV4` takes: SHA-256, or HMAC-SHA256 when given a key. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytesOf(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

/** AWS's SigV4 signer (service s3, us-east-1) for the given key pair. */
export function s3Signer(accessKeyId: string, secretAccessKey: string): SignatureV4 {
  return new SignatureV4({
    service: "s3",
    region: "us-east-1",
    credentials: { accessKeyId, secretAccessKey },
    sha256: NodeSha256,
  });
}

/** AWS's S3 URL presigner (UNSIGNED-PAYLOAD, as S3 requires) for the given key pair. */
export function s3Presigner(accessKeyId: string, secretAccessKey: string): S3RequestPresigner {
  return new S3RequestPresigner({
    service: "s3",
    region: "us-east-1",
    credentials: { accessKeyId, secretAccessKey },
    sha256: NodeSha256,
  });
}

/** Sends one request as given (no client-side rewriting); resolves with status and body text. */
export function rawRequest(
  base: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Uint8Array,
  timeoutMs = 30_000,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: base.hostname, port: base.port, method, path, headers, timeout: timeoutMs },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode!, text }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

export interface Recorded {
  readonly contentSha256: string | undefined;
  readonly contentEncoding: string | undefined;
}

/** An S3 client for the target; `recorded` collects the payload mode of each request sent. */
export function s3Client(
  target: TestTarget,
  recorded: Recorded[] = [],
  overrides: Partial<{ accessKeyId: string; secretAccessKey: string }> = {},
) {
  const client = new S3Client({
    endpoint: target.endpoint.replace(/\/api\/v1$/, ""),
    forcePathStyle: true,
    region: "us-east-1",
    credentials: {
      accessKeyId: target.accessKeyId,
      secretAccessKey: target.secretAccessKey,
      ...overrides,
    },
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers: Record<string, string> }).headers;
      recorded.push({
        contentSha256: headers["x-amz-content-sha256"],
        contentEncoding: headers["content-encoding"],
      });
      return next(args);
    },
    { step: "finalizeRequest", priority: "low" },
  );
  return client;
}

export async function s3Error(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof S3ServiceException, String(err));
    return { name: err.name, status: err.$metadata.httpStatusCode };
  }
  assert.fail("expected an S3 error");
}
