/**
 * The web UI's file serving (`http/ui.ts`) over loopback HTTP: a fixture build on a bare fastify
 * app for the exact rules (caching, types, encodings, fallback, confinement), then the shipped
 * build through a real embedded server.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { brotliCompressSync, gzipSync } from "node:zlib";
import Fastify, { type FastifyInstance } from "fastify";
import { pickEncoding, UiSite } from "../src/http/ui.js";
import { type RunningServer, startServer } from "../src/index.js";

const INDEX = "<!doctype html><title>ui</title><script src=/assets/app-1a2b3c.js></script>";
const SCRIPT = `console.log(${JSON.stringify("x".repeat(2000))});`;

describe("UiSite on a fixture build", () => {
  let root: string;
  let app: FastifyInstance;
  let base: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "lakefs-ui-site-"));
    const ui = join(root, "ui");
    mkdirSync(join(ui, "assets"), { recursive: true });
    writeFileSync(join(ui, "index.html"), INDEX);
    writeFileSync(join(ui, "favicon.svg"), "<svg/>");
    writeFileSync(join(ui, "assets", "app-1a2b3c.js"), SCRIPT);
    writeFileSync(join(ui, "assets", "app-1a2b3c.js.br"), brotliCompressSync(SCRIPT));
    writeFileSync(join(ui, "assets", "app-1a2b3c.js.gz"), gzipSync(SCRIPT));
    writeFileSync(join(root, "secret.txt"), "outside the UI");
    const site = new UiSite(ui);
    app = Fastify();
    app.get("/api/v1/healthcheck", async () => ({ ok: true }));
    app.setNotFoundHandler((request, reply) => {
      if (!site.serve(request, reply)) reply.code(404).send({ message: "not found" });
    });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
  });

  after(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(base + path, { headers: { "accept-encoding": "identity", ...headers } });

  test("/ is index.html, revalidated on every load, with a content security policy", async () => {
    const res = await get("/");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(res.headers.get("cache-control"), "no-cache");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.equal(await res.text(), INDEX);
  });

  test("hashed assets are immutable and typed; other files are revalidated", async () => {
    const script = await get("/assets/app-1a2b3c.js");
    assert.equal(script.status, 200);
    assert.equal(script.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(script.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(script.headers.get("vary"), "Accept-Encoding");
    assert.equal(await script.text(), SCRIPT);
    const icon = await get("/favicon.svg");
    assert.equal(icon.headers.get("content-type"), "image/svg+xml");
    assert.equal(icon.headers.get("cache-control"), "no-cache");
  });

  test("precompressed forms follow Accept-Encoding (br first, q=0 refuses)", async () => {
    const br = await get("/assets/app-1a2b3c.js", { "accept-encoding": "gzip, br" });
    assert.equal(br.headers.get("content-encoding"), "br");
    assert.equal(await br.text(), SCRIPT, "fetch decodes the brotli body back to the script");
    const gz = await get("/assets/app-1a2b3c.js", { "accept-encoding": "gzip, br;q=0" });
    assert.equal(gz.headers.get("content-encoding"), "gzip");
    assert.equal(await gz.text(), SCRIPT);
    const plain = await get("/favicon.svg", { "accept-encoding": "gzip, br" });
    assert.equal(plain.headers.get("content-encoding"), null, "no compressed form, sent as is");
  });

  test("a matching If-None-Match is a 304; HEAD has headers and no body", async () => {
    const first = await get("/assets/app-1a2b3c.js");
    const etag = first.headers.get("etag") ?? "";
    assert.notEqual(etag, "");
    const again = await get("/assets/app-1a2b3c.js", { "if-none-match": etag });
    assert.equal(again.status, 304);
    const head = await fetch(`${base}/index.html`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(INDEX.length));
    assert.equal(await head.text(), "");
  });

  test("client-side routes get index.html only when a browser navigates there", async () => {
    const page = await get("/repositories/demo/objects?ref=main", { accept: "text/html,*/*" });
    assert.equal(page.status, 200);
    assert.equal(await page.text(), INDEX);
    assert.equal(
      (await get("/repositories/demo/objects", { accept: "application/json" })).status,
      404,
    );
    // A missing asset is a 404, never the page (a stale hashed name must not parse HTML as JS).
    assert.equal((await get("/assets/gone-999.js", { accept: "text/html" })).status, 404);
    assert.equal((await get("/gone.js", { accept: "text/html" })).status, 404);
  });

  test("API paths and other methods are left to the caller", async () => {
    assert.equal((await get("/api/v1/nope", { accept: "text/html" })).status, 404);
    assert.equal((await get("/api/v1/healthcheck")).status, 200);
    assert.equal((await fetch(`${base}/index.html`, { method: "POST" })).status, 404);
  });

  test("no request path reaches a file outside the build", async () => {
    for (const path of [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/..%5csecret.txt",
      "/%00",
      "/%E0%A4%A",
    ]) {
      const res = await get(path, { accept: "application/json" });
      // fastify answers a URL that does not decode with a 400 before any handler.
      assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
      assert.doesNotMatch(await res.text(), /outside the UI/, path);
    }
  });

  test("/logout clears the session cookie and goes to the login page", async () => {
    const res = await fetch(`${base}/logout`, { redirect: "manual" });
    assert.equal(res.status, 307);
    assert.equal(res.headers.get("location"), "/auth/login");
    assert.match(
      res.headers.get("set-cookie") ?? "",
      /^internal_auth_session=; Path=\/; Max-Age=0/,
    );
  });

  test("a directory without a build serves nothing", async () => {
    const empty = new UiSite(join(root, "missing"));
    assert.equal(empty.available, false);
  });
});

test("pickEncoding: best shared encoding, identity otherwise", () => {
  const both = new Map([
    ["identity", "f"],
    ["br", "f.br"],
    ["gzip", "f.gz"],
  ]);
  assert.equal(pickEncoding(undefined, both), "identity");
  assert.equal(pickEncoding("gzip, deflate, br", both), "br");
  assert.equal(pickEncoding("gzip", both), "gzip");
  assert.equal(pickEncoding("*", both), "br");
  assert.equal(pickEncoding("br;q=0, gzip;q=0.5", both), "gzip");
  assert.equal(pickEncoding("deflate", both), "identity");
  assert.equal(pickEncoding("br", new Map([["identity", "f"]])), "identity");
});

describe("the shipped UI through the embedded server", () => {
  let server: RunningServer;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "lakefs-ui-server-"));
    server = await startServer({ dataDir, port: 0, quickstart: true });
  });

  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("/ serves the built UI and the API keeps lakeFS's 404s", async () => {
    const page = await fetch(`${server.url}/`, { headers: { accept: "text/html" } });
    assert.equal(page.status, 200, "the UI is built by npm install (npm run build)");
    assert.match(await page.text(), /<div id="app"><\/div>/);
    const api = await fetch(`${server.url}/api/v1/no/such/route`, {
      headers: { accept: "text/html" },
    });
    assert.equal(api.status, 404);
    assert.match((await api.json()).message, /path not found/);
  });

  test("S3-signed requests to / go to the gateway, never the page", async () => {
    const signed = await fetch(`${server.url}/`, {
      headers: {
        accept: "text/html",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIANOSUCHKEY/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
      },
    });
    // The gateway refuses the made-up signature with an S3 error document.
    assert.ok(signed.status === 400 || signed.status === 403, String(signed.status));
    const body = await signed.text();
    assert.match(body, /<Error>/);
    assert.doesNotMatch(body, /id="app"/);
  });
});
