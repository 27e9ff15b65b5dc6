/**
 * The request body as the operation sees it: decoded from aws-chunked framing when the client
 * streamed it that way, with every integrity claim the client made checked by the time the last
 * byte has been read (the signed SHA-256, chunk signatures, Content-MD5, flexible checksums in
 * headers or trailers, the declared decoded length). A failed check throws from the iterator,
 * so a write in progress is abandoned before anything is staged.
 */

import { decodeAwsChunked } from "./aws-chunked.js";
import {
  checksumCheck,
  contentMd5Check,
  isChecksumHeader,
  type PendingCheck,
  payloadSha256Check,
  settle,
} from "./checksums.js";
import { S3Error } from "./errors.js";
import { headerValue, type RequestView } from "./request-view.js";
import type { PayloadProtection } from "./sigv4.js";

/** The checks a body must pass, given its headers and how the signature protects it. */
function checksFor(view: RequestView, protection: PayloadProtection, streaming: boolean) {
  const checks: PendingCheck[] = [];
  if (protection.kind === "sha256") checks.push(payloadSha256Check(protection.hex));
  const md5 = headerValue(view, "content-md5");
  if (md5 !== undefined) checks.push(contentMd5Check(md5));
  const trailerName = streaming
    ? headerValue(view, "x-amz-trailer")?.trim().toLowerCase()
    : undefined;
  let trailerCheck: PendingCheck | undefined;
  if (trailerName) {
    if (!isChecksumHeader(trailerName)) {
      throw new S3Error("InvalidRequest", `unsupported trailer ${trailerName}`);
    }
    trailerCheck = checksumCheck(trailerName, undefined);
    checks.push(trailerCheck);
  }
  for (const name of Object.keys(view.headers)) {
    if (name === trailerName || !isChecksumHeader(name)) continue;
    checks.push(checksumCheck(name, headerValue(view, name)));
  }
  return { checks, trailerName, trailerCheck };
}

/**
 * Wraps the raw request stream. With no check to make and no framing to remove, the raw stream
 * itself is returned (no per-chunk overhead for plain `UNSIGNED-PAYLOAD` PUTs).
 */
export function requestPayload(
  raw: AsyncIterable<Uint8Array>,
  view: RequestView,
  protection: PayloadProtection,
): AsyncIterable<Uint8Array> {
  const streaming =
    protection.kind === "signed-chunks" ||
    protection.kind === "unsigned-trailer" ||
    /(^|,)\s*aws-chunked\s*(,|$)/i.test(headerValue(view, "content-encoding") ?? "");
  const { checks, trailerName, trailerCheck } = checksFor(view, protection, streaming);
  const declared = headerValue(view, "x-amz-decoded-content-length");
  if (declared !== undefined && !/^\d{1,15}$/.test(declared)) {
    throw new S3Error("InvalidArgument", "x-amz-decoded-content-length must be a number");
  }
  if (!streaming && checks.length === 0) return raw;
  const decoded = streaming
    ? decodeAwsChunked(raw, {
        signing: protection.kind === "signed-chunks" ? protection.signing : undefined,
        onTrailer: (name, value) => {
          if (name === trailerName && trailerCheck) trailerCheck.expected = value;
        },
      })
    : raw;
  return checked(
    decoded,
    checks,
    streaming && declared !== undefined ? Number(declared) : undefined,
  );
}

async function* checked(
  source: AsyncIterable<Uint8Array>,
  checks: readonly PendingCheck[],
  declaredLength: number | undefined,
): AsyncGenerator<Uint8Array> {
  let length = 0;
  for await (const chunk of source) {
    length += chunk.byteLength;
    for (const check of checks) check.digest.update(chunk);
    yield chunk;
  }
  if (declaredLength !== undefined && length !== declaredLength) {
    throw new S3Error(
      "IncompleteBody",
      "You did not provide the number of bytes specified by the x-amz-decoded-content-length header.",
    );
  }
  for (const check of checks) settle(check);
}
