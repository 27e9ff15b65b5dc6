/**
 * The gateway's signature checks against AWS's published examples (SigV4 header, presigned
 * query, signed aws-chunked body; SigV2), plus their failure paths. Pure logic: no server.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SigningKey } from "../src/auth/credentials.js";
import { decodeAwsChunked } from "../src/gateway/aws-chunked.js";
import { S3Error } from "../src/gateway/errors.js";
import { requestView } from "../src/gateway/request-view.js";
import { verifyV2Header } from "../src/gateway/sigv2.js";
import { verifyHeaderSignature, verifyQuerySignature } from "../src/gateway/sigv4.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const KEY: SigningKey = { user: { username: "u", creationDate: 0 }, secretAccessKey: SECRET };
const lookup = (id: string) => (id === "AKIAIOSFODNN7EXAMPLE" ? KEY : undefined);
const EXAMPLE_TIME = Date.UTC(2013, 4, 24);

function view(method: string, url: string, headers: Record<string, string>) {
  const raw = Object.entries(headers).flat();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return requestView(method, url, lower, raw);
}

function s3Code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof S3Error, String(err));
    return err.code;
  }
  return "none";
}

describe("SigV4 header (AWS example: GET Object with Range)", () => {
  const headers = {
    Host: "examplebucket.s3.amazonaws.com",
    Range: "bytes=0-9",
    "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "x-amz-date": "20130524T000000Z",
  };
  const auth = (signature: string) =>
    `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=${signature}`;
  const good = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

  test("verifies", () => {
    const v = verifyHeaderSignature(
      view("GET", "/test.txt", headers),
      auth(good),
      lookup,
      EXAMPLE_TIME,
    );
    assert.equal(v.key, KEY);
    assert.deepEqual(v.payload, {
      kind: "sha256",
      hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    });
  });

  test("a changed header, path or signature does not match", () => {
    const check = (h: Record<string, string>, path: string, sig: string) =>
      s3Code(() => verifyHeaderSignature(view("GET", path, h), auth(sig), lookup, EXAMPLE_TIME));
    assert.equal(
      check({ ...headers, Range: "bytes=0-10" }, "/test.txt", good),
      "SignatureDoesNotMatch",
    );
    assert.equal(check(headers, "/test2.txt", good), "SignatureDoesNotMatch");
    assert.equal(check(headers, "/test.txt", good.replace("f0", "f1")), "SignatureDoesNotMatch");
  });

  test("unknown key, skewed clock, malformed header", () => {
    const v = view("GET", "/test.txt", headers);
    assert.equal(
      s3Code(() =>
        verifyHeaderSignature(
          v,
          auth(good).replace("AKIAIOSFODNN7EXAMPLE", "AKIAOTHER"),
          lookup,
          EXAMPLE_TIME,
        ),
      ),
      "InvalidAccessKeyId",
    );
    assert.equal(
      s3Code(() => verifyHeaderSignature(v, auth(good), lookup, EXAMPLE_TIME + 16 * 60 * 1000)),
      "RequestTimeTooSkewed",
    );
    for (const bad of [
      "AWS4-HMAC-SHA256 Credential=x",
      "AWS4-HMAC-SHA256 garbage",
      auth(good).replace("aws4_request", "aws5_request"),
      auth(good).replace("host;", ""),
      auth("zz"),
    ]) {
      assert.equal(
        s3Code(() => verifyHeaderSignature(v, bad, lookup, EXAMPLE_TIME)),
        "AuthorizationHeaderMalformed",
        bad,
      );
    }
  });
});

describe("SigV4 presigned query (AWS example)", () => {
  const query = (expires: string, signature: string) =>
    `/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`;
  const good = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
  const host = { Host: "examplebucket.s3.amazonaws.com" };

  test("verifies within its lifetime, fails after it", () => {
    const v = view("GET", query("86400", good), host);
    assert.equal(verifyQuerySignature(v, lookup, EXAMPLE_TIME + 1000).key, KEY);
    assert.equal(
      s3Code(() => verifyQuerySignature(v, lookup, EXAMPLE_TIME + 86_401_000)),
      "AccessDenied",
    );
  });

  test("a tampered expiry or signature fails; over a week is refused", () => {
    assert.equal(
      s3Code(() =>
        verifyQuerySignature(view("GET", query("86401", good), host), lookup, EXAMPLE_TIME),
      ),
      "SignatureDoesNotMatch",
    );
    assert.equal(
      s3Code(() =>
        verifyQuerySignature(view("PUT", query("86400", good), host), lookup, EXAMPLE_TIME),
      ),
      "SignatureDoesNotMatch",
    );
    assert.equal(
      s3Code(() =>
        verifyQuerySignature(view("GET", query("604801", good), host), lookup, EXAMPLE_TIME),
      ),
      "AuthorizationQueryParametersError",
    );
  });
});

describe("signed aws-chunked body (AWS example: 66560 bytes in 64 KiB + 1 KiB chunks)", () => {
  const headers = {
    Host: "s3.amazonaws.com",
    "x-amz-date": "20130524T000000Z",
    "x-amz-storage-class": "REDUCED_REDUNDANCY",
    "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "Content-Encoding": "aws-chunked",
    "x-amz-decoded-content-length": "66560",
    "Content-Length": "66824",
  };
  const auth =
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  const chunkSigs = [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
  ];
  const body = (sigs: string[], second = Buffer.alloc(1024, "a")) =>
    Buffer.concat([
      Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`),
      Buffer.alloc(65536, "a"),
      Buffer.from(`\r\n400;chunk-signature=${sigs[1]}\r\n`),
      second,
      Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\n\r\n`),
    ]);
  const signing = () => {
    const v = verifyHeaderSignature(
      view("PUT", "/examplebucket/chunkObject.txt", headers),
      auth,
      lookup,
      EXAMPLE_TIME,
    );
    assert.equal(v.payload.kind, "signed-chunks");
    return v.payload.kind === "signed-chunks" ? v.payload.signing : undefined;
  };
  async function decode(bytes: Buffer, split = 1000): Promise<Buffer> {
    const pieces = [];
    for (let i = 0; i < bytes.length; i += split) pieces.push(bytes.subarray(i, i + split));
    const out = [];
    const source = (async function* () {
      yield* pieces;
    })();
    for await (const chunk of decodeAwsChunked(source, { signing: signing() })) out.push(chunk);
    return Buffer.concat(out);
  }

  test("decodes and verifies every chunk, however the body is split", async () => {
    assert.deepEqual(await decode(body(chunkSigs)), Buffer.alloc(66560, "a"));
    assert.deepEqual(await decode(body(chunkSigs), 1), Buffer.alloc(66560, "a"));
  });

  test("altered bytes, a reordered or missing signature, or truncation fail", async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => "none",
        (err) => (err instanceof S3Error ? err.code : String(err)),
      );
    assert.equal(
      await code(decode(body(chunkSigs, Buffer.alloc(1024, "b")))),
      "SignatureDoesNotMatch",
    );
    assert.equal(
      await code(decode(body([chunkSigs[1]!, chunkSigs[0]!, chunkSigs[2]!]))),
      "SignatureDoesNotMatch",
    );
    assert.equal(await code(decode(body(chunkSigs).subarray(0, 60000))), "IncompleteBody");
    const unsigned = body(chunkSigs)
      .toString("latin1")
      .replace(/;chunk-signature=[0-9a-f]+/, "");
    assert.equal(await code(decode(Buffer.from(unsigned, "latin1"))), "SignatureDoesNotMatch");
    assert.equal(await code(decode(Buffer.from("zz;chunk-signature=00\r\n"))), "IncompleteBody");
  });
});

describe("SigV2 header (AWS example: GET Object)", () => {
  const headers = {
    Host: "awsexamplebucket1.s3.us-west-1.amazonaws.com",
    Date: "Tue, 27 Mar 2007 19:36:42 +0000",
  };
  const when = Date.parse(headers.Date);

  test("verifies with the bucket as part of the resource", () => {
    const v = view("GET", "/photos/puppy.jpg", headers);
    const auth = "AWS AKIAIOSFODNN7EXAMPLE:qgk2+6Sv9/oM7G3qLEjTH1a1l1g=";
    assert.equal(verifyV2Header(v, auth, "/awsexamplebucket1", lookup, when).key, KEY);
    assert.equal(
      s3Code(() => verifyV2Header(v, auth, "/otherbucket", lookup, when)),
      "SignatureDoesNotMatch",
    );
    assert.equal(
      s3Code(() => verifyV2Header(v, auth, "/awsexamplebucket1", lookup, when + 3_600_000)),
      "RequestTimeTooSkewed",
    );
    assert.equal(
      s3Code(() => verifyV2Header(v, "AWS nocolon", "", lookup, when)),
      "InvalidArgument",
    );
  });
});
