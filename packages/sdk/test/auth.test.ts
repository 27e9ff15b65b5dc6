import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { buildIdentityToken, regionFromStsHost } from "../src/auth/aws-role.js";
import { renewingToken } from "../src/auth/token.js";

describe("regionFromStsHost", () => {
  it("takes the region from regional hosts, else us-east-1", () => {
    assert.equal(regionFromStsHost("sts.amazonaws.com"), "us-east-1");
    assert.equal(regionFromStsHost("sts.eu-west-1.amazonaws.com"), "eu-west-1");
    assert.equal(regionFromStsHost("sts.vpce.us-west-2.amazonaws.com"), "us-west-2");
    assert.equal(regionFromStsHost("localhost"), "us-east-1");
  });
});

/** Independent SigV4 check: rebuilds the presigned request from the token fields, as lakeFS does. */
function expectedSignature(
  identity: Record<string, string | string[] | null>,
  secret: string,
  headers: Record<string, string>,
): string {
  const date = identity.date as string;
  const scope = `${date.slice(0, 8)}/${identity.region}/sts/aws4_request`;
  const query: [string, string][] = [
    ["Action", identity.action as string],
    ["Version", identity.version as string],
    ["X-Amz-Algorithm", identity.algorithm as string],
    ["X-Amz-Credential", `${identity.access_key_id}/${scope}`],
    ["X-Amz-Date", date],
    ["X-Amz-Expires", identity.expiration_duration as string],
    ["X-Amz-SignedHeaders", (identity.signed_headers as string[]).join(";")],
  ];
  if (identity.security_token)
    query.push(["X-Amz-Security-Token", identity.security_token as string]);
  const enc = (s: string) =>
    encodeURIComponent(s).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  const canonicalQuery = query
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join("&");
  const allHeaders: Record<string, string> = { host: identity.host as string };
  for (const [k, v] of Object.entries(headers)) allHeaders[k.toLowerCase()] = v;
  const signed = identity.signed_headers as string[];
  const canonical = [
    "POST",
    "/",
    canonicalQuery,
    `${signed.map((h) => `${h}:${allHeaders[h]}`).join("\n")}\n`,
    signed.join(";"),
    createHash("sha256").update("").digest("hex"),
  ].join("\n");
  const toSign = [
    "AWS4-HMAC-SHA256",
    date,
    scope,
    createHash("sha256").update(canonical).digest("hex"),
  ].join("\n");
  let key: Buffer = createHmac("sha256", `AWS4${secret}`).update(date.slice(0, 8)).digest();
  for (const part of [identity.region as string, "sts", "aws4_request"]) {
    key = createHmac("sha256", key).update(part).digest();
  }
  return createHmac("sha256", key).update(toSign).digest("hex");
}

describe("buildIdentityToken", () => {
  const headers = { "X-LakeFS-Server-ID": "lakefs.example.com" };
  const decode = (token: string) => JSON.parse(Buffer.from(token, "base64").toString("utf8"));

  it("packs a valid presigned GetCallerIdentity into base64 JSON", async () => {
    const token = await buildIdentityToken({
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG" },
      stsEndpoint: "https://sts.eu-west-1.amazonaws.com",
      region: "eu-west-1",
      presignedUrlTtlSeconds: 60,
      headers,
      date: new Date("2026-03-04T05:06:07Z"),
    });
    const identity = decode(token);
    assert.deepEqual(
      { ...identity, signature: "-" },
      {
        method: "POST",
        host: "sts.eu-west-1.amazonaws.com",
        region: "eu-west-1",
        action: "GetCallerIdentity",
        date: "20260304T050607Z",
        expiration_duration: "60",
        access_key_id: "AKIDEXAMPLE",
        signature: "-",
        signed_headers: ["host", "x-lakefs-server-id"],
        version: "2011-06-15",
        algorithm: "AWS4-HMAC-SHA256",
        security_token: null,
      },
    );
    assert.equal(identity.signature, expectedSignature(identity, "wJalrXUtnFEMI/K7MDENG", headers));
  });

  it("includes the AWS session token in the signed request", async () => {
    const identity = decode(
      await buildIdentityToken({
        credentials: { accessKeyId: "ASIA1", secretAccessKey: "s", sessionToken: "sess/token+=" },
        stsEndpoint: "https://sts.amazonaws.com",
        region: "us-east-1",
        presignedUrlTtlSeconds: 30,
        headers,
        date: new Date("2026-03-04T05:06:07Z"),
      }),
    );
    assert.equal(identity.security_token, "sess/token+=");
    assert.equal(identity.signature, expectedSignature(identity, "s", headers));
  });
});

describe("renewingToken", () => {
  it("reuses the token until shortly before expiry, then logs in again", async () => {
    let now = 1_000_000_000_000;
    let logins = 0;
    const provider = renewingToken(
      async () => {
        logins += 1;
        return { token: `t${logins}` };
      },
      3600,
      () => now,
    );
    assert.deepEqual(await provider({ forceRefresh: false }), { token: "t1" });
    now += 3000 * 1000;
    assert.deepEqual(await provider({ forceRefresh: false }), { token: "t1" });
    now += 400 * 1000; // within 5 minutes of the 1 h expiry
    assert.deepEqual(await provider({ forceRefresh: false }), { token: "t2" });
    assert.deepEqual(await provider({ forceRefresh: true }), { token: "t3" });
  });

  it("honours an earlier server expiry and shares one login between concurrent callers", async () => {
    const now = 2_000_000_000_000;
    let logins = 0;
    const provider = renewingToken(
      async () => {
        logins += 1;
        return { token: `t${logins}`, expiresAt: now / 1000 + 100 };
      },
      3600,
      () => now,
    );
    const results = await Promise.all([
      provider({ forceRefresh: false }),
      provider({ forceRefresh: false }),
    ]);
    assert.deepEqual(results, [{ token: "t1" }, { token: "t1" }]);
    assert.equal(logins, 1);
  });

  it("does not cache a failed login", async () => {
    let attempt = 0;
    const provider = renewingToken(async () => {
      attempt += 1;
      if (attempt === 1) throw new Error("sts down");
      return { token: "ok" };
    }, 3600);
    await assert.rejects(provider({ forceRefresh: false }), /sts down/);
    assert.deepEqual(await provider({ forceRefresh: false }), { token: "ok" });
  });
});
