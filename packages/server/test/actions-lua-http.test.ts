/**
 * Lua's `net/http`: absent unless the server enables it (lakeFS's
 * `actions.lua.net_http_enabled`), then GET/POST to a real local HTTP server with lakeFS's
 * results (code, body, headers — a list for repeated Set-Cookie —, status); bad requests and
 * unreachable hosts fail the hook.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { openApi, type TestApi } from "./http-helpers.js";
import { runPreCommitScript } from "./lua-hooks.js";

/** Echoes each request as JSON, with a repeated header and a 201 for POSTs. */
async function echoServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.statusCode = req.method === "POST" ? 201 : 200;
      res.setHeader("Content-Type", "application/json");
      res.setHeader("X-Multi", ["one", "two"]);
      res.setHeader("Set-Cookie", ["a=1", "b=2"]);
      res.end(
        JSON.stringify({
          method: req.method,
          path: req.url,
          token: req.headers["x-token"] ?? null,
          accept: req.headers.accept ?? null,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("Lua net/http", () => {
  let off: TestApi;
  let on: TestApi;
  let echo: { server: Server; url: string };
  before(async () => {
    echo = await echoServer();
    off = await openApi();
    on = await openApi({ actionsLuaNetHttp: true });
  });
  after(async () => {
    await off?.close();
    await on?.close();
    echo?.server.close();
  });

  it("is not offered unless the server enables it", async () => {
    const repo = await off.createRepo("lua-http-off");
    const r = await runPreCommitScript(off, repo, 'require("net/http")');
    assert.equal(r.status, 412);
    assert.match(r.message, /module 'net\/http' not found/);
  });

  it("sends GET and POST requests and returns code, body, headers and status", async () => {
    const repo = await on.createRepo("lua-http-on");
    const r = await runPreCommitScript(
      on,
      repo,
      `
local http = require("net/http")
local json = require("encoding/json")
local code, body, headers, status = http.request(args.url .. "/get?x=1")
local echo = json.unmarshal(body)
print(code, status, echo.method, echo.path, headers["Content-Type"], headers["X-Multi"], #headers["Set-Cookie"], headers["Set-Cookie"][2])
local code, body = http.request(args.url .. "/form", "a=1")
print(code, json.unmarshal(body).method, json.unmarshal(body).body)
local code, body, _, status = http.request{
  url = args.url .. "/put", method = "PUT", body = "payload",
  headers = { ["X-Token"] = "t0k", Accept = { "text/plain", "application/json" } },
}
local echo = json.unmarshal(body)
print(code, status, echo.method, echo.token, echo.accept, echo.body)
error("done")
`,
      `      args:\n        url: "${echo.url}"`,
    );
    assert.equal(r.status, 412);
    assert.deepEqual(r.lines.slice(0, 3), [
      "200\t200 OK\tGET\t/get?x=1\tapplication/json\tone, two\t2\tb=2",
      "201\tPOST\ta=1",
      "200\t200 OK\tPUT\tt0k\ttext/plain, application/json\tpayload",
    ]);
  });

  it("fails the hook on a bad request or an unreachable server", async () => {
    const repo = await on.createRepo("lua-http-bad");
    const closed = await echoServer();
    closed.server.close();
    for (const [script, reason] of [
      ['require("net/http").request(42)', /first argument can be url or request table/],
      ['require("net/http").request{method = "GET"}', /missing request url/],
      ['require("net/http").request("ftp://example.com/x")', /unsupported protocol scheme "ftp"/],
      [`require("net/http").request("${closed.url}/x")`, /ECONNREFUSED/],
    ] as const) {
      const r = await runPreCommitScript(on, repo, script);
      assert.equal(r.status, 412, script);
      assert.match(r.message, reason);
    }
  });

  it("stops at the hook's deadline while a request hangs", async () => {
    const repo = await on.createRepo("lua-http-hang");
    const hanging = createServer(() => {}); // never answers
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/slow`;
      const r = await runPreCommitScript(
        on,
        repo,
        `require("net/http").request("${url}")`,
        "      timeout: 500ms",
      );
      assert.equal(r.status, 412);
      assert.match(r.message, /lua hook timed out after 500 ms/);
      assert.equal((await on.call("GET", "/healthcheck")).status, 204);
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });
});
