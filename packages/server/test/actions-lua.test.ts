/**
 * Lua hooks: lakeFS's globals (`action`, `args`), `error()` failing the hook, `print` as the
 * hook's output, `script_path`, the library modules, and a runaway script stopped by its
 * deadline without freezing the server.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openApi, type TestApi } from "./http-helpers.js";
import { indent, luaAction, hookOutput as outputOf } from "./lua-hooks.js";

describe("Lua hooks", () => {
  let api: TestApi;
  before(async () => {
    process.env.LAKEFSACTION_LUA_SECRET = "lua-s3cret";
    api = await openApi();
  });
  after(() => api?.close());

  const hookOutput = (repo: string, message: string) => outputOf(api, repo, message);

  it("sees the commit through `action`, prints to its output, and blocks with error()", async () => {
    const repo = await api.createRepo("lua-commit");
    const script = indent(`
print("checking", action.event_type, action.branch_id, action.repository_id)
if not action.commit.metadata.owner then
  error("commit needs an owner, got message: " .. action.commit.message)
end
`);
    await api.upload(
      repo,
      "main",
      "_lakefs_actions/lua.yaml",
      luaAction("meta", "pre-commit", `      script: |\n${script}`),
    );
    const blocked = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: { message: "no owner" },
    });
    assert.equal(blocked.status, 412);
    assert.match(
      blocked.json.message,
      /^pre-commit hook aborted, run id '.*commit needs an owner, got message: no owner/,
    );
    assert.match(
      await hookOutput(repo, blocked.json.message),
      /checking\tpre-commit\tmain\tlua-commit/,
    );

    const ok = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: { message: "with owner", metadata: { owner: "data-team" } },
    });
    assert.equal(ok.status, 201);
  });

  it("loads script_path from the ref, with args and ENV secrets", async () => {
    const repo = await api.createRepo("lua-path");
    await api.upload(
      repo,
      "main",
      "scripts/check.lua",
      'if args.secret ~= "lua-s3cret" or args.limits.max ~= 3 then error("bad args") end\nerror("args ok: " .. #args.tags)',
    );
    const props = [
      "      script_path: scripts/check.lua",
      "      args:",
      "        secret: '{{ ENV.LAKEFSACTION_LUA_SECRET }}'",
      "        limits: {max: 3}",
      "        tags: [a, b, c]",
    ].join("\n");
    await api.upload(
      repo,
      "main",
      "_lakefs_actions/path.yaml",
      luaAction("path", "pre-commit", props),
    );
    const r = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: { message: "m" },
    });
    assert.equal(r.status, 412);
    assert.match(r.json.message, /args ok: 3/);

    await api.upload(
      repo,
      "main",
      "_lakefs_actions/path.yaml",
      luaAction("path", "pre-commit", "      script_path: scripts/missing.lua"),
    );
    const missing = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: { message: "m" },
    });
    assert.equal(missing.status, 412);
    assert.match(missing.json.message, /could not load script_path scripts\/missing\.lua/);
  });

  it("offers lakeFS's library modules", async () => {
    const repo = await api.createRepo("lua-lib");
    const script = indent(`
local json = require("encoding/json")
local b64 = require("encoding/base64")
local hex = require("encoding/hex")
local sha256 = require("crypto/sha256")
local md5 = require("crypto/md5")
local hmac = require("crypto/hmac")
local strings = require("strings")
local path = require("path")
local regexp = require("regexp")
local uuid = require("uuid")
local t = json.unmarshal('{"a":[1,2,3],"b":{"c":"d"}}')
print(#t.a, t.b.c, json.marshal({x = 1}))
print(b64.encode("hello"), b64.decode("aGVsbG8="), b64.url_encode("\\255\\254"))
print(hex.encode(sha256.digest("abc")))
print(hex.encode(md5.digest("abc")))
print(hex.encode(hmac.signsha256("msg", "key")))
local parts = strings.split("a,b,c", ",")
print(#parts, parts[2], strings.trim("  x  "), strings.replace("aaa", "a", "b", 2))
print(strings.has_prefix("lakefs", "lake"), strings.has_suffix("lakefs", "fs"), strings.contains("lakefs", "kef"))
local p = path.parse("a/b/c.txt")
print(p.parent, p.base_name, path.join("/", "a/", "/b", "c"), path.is_hidden("a/_b/c"), path.is_hidden("a/b"))
print(regexp.match("^v[0-9]+$", "v12"), regexp.match("^v[0-9]+$", "x"), regexp.quote_meta("a.b"))
print(#uuid.new())
error("done")
`);
    await api.upload(
      repo,
      "main",
      "_lakefs_actions/lib.yaml",
      luaAction("lib", "pre-commit", `      script: |\n${script}`),
    );
    const r = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: { message: "m" },
    });
    assert.equal(r.status, 412);
    const lines = (await hookOutput(repo, r.json.message)).split("\n");
    assert.deepEqual(lines.slice(0, 11), [
      '3\td\t{"x":1}',
      "",
      "aGVsbG8=\thello\t__4",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "900150983cd24fb0d6963f7d28e17f72",
      "2d93cbc1be167bcb1637a4a23cbff01a7878f0c50ee833954ea5221bb1b8c628",
      "3\tb\tx\tbba",
      "true\ttrue\ttrue",
      "a/b/\tc.txt\ta/b/c\ttrue\tfalse",
      "true\tfalse\ta\\.b",
      "36",
    ]);
    assert.match(lines[11] ?? "", /done/);
  });

  it("stops a runaway script at its deadline and keeps serving", async () => {
    const repo = await api.createRepo("lua-loop");
    const props = "      timeout: 500ms\n      script: 'while true do end'";
    await api.upload(
      repo,
      "main",
      "_lakefs_actions/loop.yaml",
      luaAction("loop", "pre-commit", props),
    );
    const pending = api.call("POST", `/repositories/${repo}/branches/main/commits`, {
      json: { message: "m" },
    });
    // The server answers other requests while the script spins in its worker.
    const health = await api.call("GET", "/healthcheck");
    assert.equal(health.status, 204);
    const r = await pending;
    assert.equal(r.status, 412);
    assert.match(r.json.message, /lua hook timed out after 500 ms/);
  });

  it("fails a hook whose script does not compile or lacks a script", async () => {
    const repo = await api.createRepo("lua-bad");
    for (const [props, reason] of [
      ["      script: 'if then'", /unexpected|near/],
      ["      args: {a: 1}", /'script' or 'script_path' must be supplied/],
    ] as const) {
      await api.upload(
        repo,
        "main",
        "_lakefs_actions/bad.yaml",
        luaAction("bad", "pre-commit", props),
      );
      const r = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
        json: { message: "m" },
      });
      assert.equal(r.status, 412);
      assert.match(r.json.message, reason);
    }
  });
});
