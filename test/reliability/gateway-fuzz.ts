/**
 * Fuzzing of the S3 gateway against a server in its own process: fast-check builds requests
 * that are correctly signed most of the time (so they reach the operations) but carry hostile
 * parts — malformed XML, odd or contradictory headers, broken aws-chunked framing, bad payload
 * hashes and checksums, garbage signatures and Authorization headers, traversal keys. Every
 * answer must be a non-5xx status (501 NotImplemented excepted) within bounded time, and the
 * server must stay up.
 *
 * Full run: `npm run test:fuzz:gateway` (GATEWAY_FUZZ_RUNS, RELIABILITY_SEED).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { QUICKSTART_CREDENTIALS } from "lakefs-ts-server";
import { rawRequest, s3Signer } from "../support/s3.js";
import { call, expectStatus } from "./support/api.js";
import { seedFromEnv } from "./support/random.js";
import { spawnServer } from "./support/server-process.js";

const REPO = "gwfuzz";
const HANG_MS = 30_000;

const KEYS = [
  "main/a/b.txt",
  "main/",
  "main",
  "v1/a/b.txt",
  "dev/x",
  "nobranch/x",
  "main/../../etc/passwd",
  "main/%2e%2e/%2e%2e/x",
  "main/a%00b",
  "main/é🙂",
  `main/${"x".repeat(1100)}`,
  "",
];
const SUBRESOURCES: Record<string, string>[] = [
  {},
  { "list-type": "2" },
  { "list-type": "2", "max-keys": "-1" },
  { "list-type": "2", "continuation-token": "!!notbase64" },
  { "encoding-type": "xml" },
  { "max-keys": "99999999999" },
  { marker: "\u0000" },
  { uploads: "" },
  { delete: "" },
  { location: "" },
  { uploadId: "0".repeat(32), partNumber: "1" },
  { uploadId: "../../x", partNumber: "0" },
  { uploadId: "zz", partNumber: "10001" },
  { uploadId: "" },
  { "part-number-marker": "x", uploadId: "1" },
  { tagging: "" },
  { acl: "" },
  { versionId: "1" },
];
const XML_BODIES = [
  "",
  "<",
  "<Delete>",
  "<Delete></Delete>",
  "<Delete><Object><Key>main/a/b.txt</Key></Object></Delete>",
  "<Delete><Quiet>true</Quiet><Object><Key></Key></Object></Delete>",
  `<Delete>${"<Object><Key>main/k</Key></Object>".repeat(1001)}</Delete>`,
  "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
  "<CompleteMultipartUpload><Part><PartNumber>-1</PartNumber></Part></CompleteMultipartUpload>",
  "<CompleteMultipartUpload/>",
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]><Delete><Object><Key>&b;</Key></Object></Delete>',
  "<Other><Object><Key>x</Key></Object></Other>",
  "\u0000\u0001garbage",
];
const CHUNKED_BODIES = [
  "",
  "0\r\n\r\n",
  "5\r\nhello\r\n0\r\n\r\n",
  "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n",
  "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:garbage\r\n\r\n",
  "ffffffffffffffff\r\nabc",
  "zz\r\n",
  "5;chunk-signature=00\r\nhello\r\n0;chunk-signature=00\r\n\r\n",
  `${"1".repeat(5000)}\r\n`,
  "5\r\nhelloXX0\r\n\r\n",
  "3\r\nab",
  "0\r\nnot a header\r\n\r\n",
];
const PAYLOAD_HASHES = [
  "UNSIGNED-PAYLOAD",
  "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "0".repeat(64),
  "garbage",
];
const EXTRA_HEADERS = fc.record(
  {
    "content-encoding": fc.constantFrom("aws-chunked", "gzip", "aws-chunked,gzip", ""),
    "x-amz-trailer": fc.constantFrom(
      "x-amz-checksum-crc32",
      "x-amz-checksum-crc64nvme",
      "x-amz-other",
      "",
    ),
    "x-amz-decoded-content-length": fc.constantFrom("5", "-1", "abc", "99999999999999999999"),
    "content-md5": fc.constantFrom("XUFAKrxLKna5cZ2REBfFkg==", "garbage", ""),
    "x-amz-checksum-crc32": fc.constantFrom("AAAAAA==", "!!", "NhCmhg=="),
    "x-amz-checksum-sha1": fc.constantFrom("garbage"),
    range: fc.constantFrom("bytes=0-1", "bytes=-1", "bytes=9-1", "bytes=a-b", "bytes=0-1,2-3", "x"),
    "if-match": fc.constantFrom("*", '"x"', ""),
    "if-none-match": fc.constantFrom("*", '"x"', "garbage"),
    "if-modified-since": fc.constantFrom("yesterday", "Tue, 27 Mar 2007 19:36:42 +0000"),
    "x-amz-copy-source": fc.constantFrom(
      `${REPO}/main/a/b.txt`,
      `/${REPO}/main/a/b.txt`,
      "nobucket",
      "%E0%A4%A",
      `${REPO}/v1/a/b.txt?versionId=1`,
      "",
    ),
    "x-amz-copy-source-range": fc.constantFrom("bytes=0-1", "bytes=5-1", "bytes=0-99999", "x"),
    "x-amz-metadata-directive": fc.constantFrom("COPY", "REPLACE", "MERGE"),
    "x-amz-meta-fuzz": fc.string({ maxLength: 20 }).filter((v) => /^[\x20-\x7e]*$/.test(v)),
    "content-type": fc.constantFrom("application/xml", "text/plain", "", "garbage/;;"),
  },
  { requiredKeys: [] },
);
/** Authorization headers that must never authenticate. */
const BROKEN_AUTH = [
  "AWS4-HMAC-SHA256",
  "AWS4-HMAC-SHA256 Credential=",
  "AWS4-HMAC-SHA256 Credential=AKIAIOSFOLQUICKSTART/20200101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
  "AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=;;;, Signature=zz",
  "AWS AKIAIOSFOLQUICKSTART:",
  "AWS :sig",
  "AWS garbage",
  `AWS4-HMAC-SHA256 ${"x".repeat(10_000)}`,
];

interface GatewayCase {
  readonly method: string;
  readonly key: string;
  readonly query: Record<string, string>;
  readonly payloadHash: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** undefined: a correct signature; otherwise this Authorization header instead. */
  readonly brokenAuth: string | undefined;
}

const caseArbitrary: fc.Arbitrary<GatewayCase> = fc.record({
  method: fc.constantFrom("GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"),
  key: fc.constantFrom(...KEYS),
  query: fc.constantFrom(...SUBRESOURCES),
  payloadHash: fc.constantFrom(...PAYLOAD_HASHES),
  headers: EXTRA_HEADERS,
  body: fc.oneof(
    fc.constantFrom(...XML_BODIES),
    fc.constantFrom(...CHUNKED_BODIES),
    fc.string({ maxLength: 200 }),
  ),
  brokenAuth: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 5 },
    { arbitrary: fc.constantFrom(...BROKEN_AUTH), weight: 1 },
  ),
});

export interface GatewayFuzzResult {
  readonly seed: number;
  readonly requests: number;
  readonly statuses: Record<string, number>;
  readonly failures: readonly string[];
}

export async function runGatewayFuzz(options: {
  runs: number;
  seed: number;
}): Promise<GatewayFuzzResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "lakefs-ts-gwfuzz-"));
  const server = await spawnServer(dataDir);
  const base = new URL(server.url);
  const { accessKeyId, secretAccessKey } = QUICKSTART_CREDENTIALS;
  const signer = s3Signer(accessKeyId, secretAccessKey);
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  try {
    await expectStatus(server.endpoint, "POST", "/repositories", 201, {
      json: { name: REPO, storage_namespace: `local://${REPO}`, default_branch: "main" },
    });
    await expectStatus(
      server.endpoint,
      "POST",
      `/repositories/${REPO}/branches/main/objects`,
      201,
      {
        query: { path: "a/b.txt" },
        raw: Buffer.from("hello"),
      },
    );
    await expectStatus(server.endpoint, "POST", `/repositories/${REPO}/branches`, 201, {
      json: { name: "dev", source: "main" },
    });
    await expectStatus(server.endpoint, "POST", `/repositories/${REPO}/tags`, 201, {
      json: { id: "v1", ref: "main" },
    });
    const cases = fc.sample(caseArbitrary, { numRuns: options.runs, seed: options.seed });
    for (const c of cases) {
      const path = `/${REPO}/${c.key.split("/").map(encodeURIComponent).join("/")}`;
      const body = Buffer.from(c.body, "utf8");
      const headers: Record<string, string> = {
        ...Object.fromEntries(Object.entries(c.headers).filter(([, v]) => v !== "")),
        host: base.host,
        "x-amz-content-sha256": c.payloadHash,
        "content-length": String(body.length),
      };
      const signed = await signer.sign({
        method: c.method,
        protocol: "http:",
        hostname: base.hostname,
        port: Number(base.port),
        path,
        query: c.query,
        headers,
      });
      const sent = signed.headers as Record<string, string>;
      if (c.brokenAuth !== undefined) sent.authorization = c.brokenAuth;
      const qs = new URLSearchParams(c.query).toString();
      const described = JSON.stringify(c).slice(0, 600);
      try {
        const res = await rawRequest(
          base,
          c.method,
          qs ? `${path}?${qs}` : path,
          sent,
          body,
          HANG_MS,
        );
        const cls = res.status === 501 ? "501" : `${Math.floor(res.status / 100)}xx`;
        statuses[cls] = (statuses[cls] ?? 0) + 1;
        if (res.status >= 500 && res.status !== 501)
          failures.push(`${res.status} ${res.text.slice(0, 300)}: ${described}`);
        if (c.brokenAuth !== undefined && res.status < 300)
          failures.push(`authenticated a broken signature: ${described}`);
      } catch (err) {
        // The server may answer early and close while the body is still going out.
        if (
          (err as NodeJS.ErrnoException).code === "EPIPE" ||
          (err as NodeJS.ErrnoException).code === "ECONNRESET"
        ) {
          statuses.reset = (statuses.reset ?? 0) + 1;
        } else {
          failures.push(`no answer (${(err as Error).message}): ${described}`);
        }
        if (server.child.exitCode !== null) throw new Error(`server died: ${described}`);
      }
    }
    const health = await call(server.endpoint, "GET", "/healthcheck", { auth: null });
    if (health.status !== 204) failures.push(`healthcheck after fuzzing: ${health.status}`);
    return { seed: options.seed, requests: cases.length, statuses, failures };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runGatewayFuzz({
    runs: Number(process.env.GATEWAY_FUZZ_RUNS ?? 5000),
    seed: seedFromEnv(),
  });
  console.log(JSON.stringify({ ...result, failures: result.failures.slice(0, 50) }, null, 2));
  process.exit(result.failures.length === 0 ? 0 : 1);
}
