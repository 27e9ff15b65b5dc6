/** Helpers for tests that drive the S3 gateway with AWS's JavaScript SDK. */
import assert from "node:assert/strict";
import { S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import type { TestTarget } from "./lakefs.js";

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
