import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { PRESIGN_EXPIRY_SECONDS, Presigner } from "../src/auth/presign.js";
import { EngineError } from "../src/core/errors.js";

const isForbidden = (message?: RegExp) => (err: unknown) =>
  err instanceof EngineError &&
  err.kind === "forbidden" &&
  (message === undefined || message.test(err.message));

describe("Presigner", () => {
  const presigner = new Presigner(randomBytes(32));
  const now = Date.now();
  const expiresAt = Math.floor(now / 1000) + PRESIGN_EXPIRY_SECONDS;
  const target = "repo/data/62264933783805/0d1ed7126fab541428d495af7b90811d";
  const url = presigner.signUrl({
    baseUrl: "http://127.0.0.1:8000/_presigned?kind=object",
    method: "get",
    target,
    expiresAt,
  });

  it("signs a URL that verifies to its target for the same method", () => {
    const parsed = new URL(url);
    assert.equal(parsed.origin + parsed.pathname, "http://127.0.0.1:8000/_presigned");
    assert.equal(parsed.searchParams.get("kind"), "object");
    assert.equal(presigner.verify(url, "GET", now), target);
    assert.equal(presigner.verify(parsed, "get", now), target);
    assert.equal(presigner.verify(parsed.searchParams, "GET", now), target);
    assert.equal(presigner.verify(Object.fromEntries(parsed.searchParams), "GET", now), target);
  });

  it("keeps targets with special characters intact", () => {
    const odd = "ns with space/データ/a&b=c?d#e%2F";
    const signed = presigner.signUrl({
      baseUrl: "http://h/p",
      method: "PUT",
      target: odd,
      expiresAt,
    });
    assert.equal(presigner.verify(signed, "PUT", now), odd);
  });

  it("rejects a different method", () => {
    assert.throws(() => presigner.verify(url, "PUT", now), isForbidden());
  });

  it("rejects tampered targets, expiries and signatures", () => {
    const tamper = (name: string, value: string | null) => {
      const u = new URL(url);
      if (value === null) u.searchParams.delete(name);
      else u.searchParams.set(name, value);
      return u.toString();
    };
    const sig = new URL(url).searchParams.get("signature")!;
    const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    for (const bad of [
      tamper("target", `${target}x`),
      tamper("target", "repo/data/other"),
      tamper("expires", String(expiresAt + 3600)),
      tamper("expires", `${expiresAt}.0`),
      tamper("expires", "-1"),
      tamper("signature", flipped),
      tamper("signature", sig.slice(0, -2)),
      tamper("signature", ""),
      tamper("signature", null),
      tamper("target", null),
      tamper("expires", null),
    ]) {
      assert.throws(() => presigner.verify(bad, "GET", now), isForbidden(), bad);
    }
  });

  it("rejects URLs signed with another secret", () => {
    const other = new Presigner(randomBytes(32));
    assert.throws(() => other.verify(url, "GET", now), isForbidden(/signature/));
  });

  it("rejects repeated parameters in parsed queries", () => {
    const params = Object.fromEntries(new URL(url).searchParams) as Record<
      string,
      string | string[]
    >;
    params.target = [target, "repo/data/other"];
    assert.throws(() => presigner.verify(params, "GET", now), isForbidden());
  });

  it("expires at expiresAt (403)", () => {
    assert.equal(presigner.verify(url, "GET", expiresAt * 1000 - 1), target);
    assert.throws(() => presigner.verify(url, "GET", expiresAt * 1000), isForbidden(/expired/));
    const past = presigner.signUrl({ baseUrl: "http://h/p", method: "GET", target, expiresAt: 1 });
    assert.throws(() => presigner.verify(past, "GET"), isForbidden(/expired/));
  });
});
