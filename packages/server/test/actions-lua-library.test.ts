/**
 * lakeFS's Lua library modules beyond the basics — `time`, `encoding/yaml`, `net/url`,
 * `crypto/aes`, `regexp.compile`, `hook` — and the refusal of the cloud modules, each run in a
 * real pre-commit hook; bad input fails the hook with a clear message.
 */
import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { parquetWriteBuffer } from "hyparquet-writer";
import { openApi, type TestApi } from "./http-helpers.js";
import { runPreCommitScript, type ScriptRun } from "./lua-hooks.js";

describe("Lua library modules", () => {
  let api: TestApi;
  let repo: string;
  before(async () => {
    api = await openApi();
    repo = await api.createRepo("lua-modules");
  });
  after(() => api?.close());

  const run = (script: string, extra = ""): Promise<ScriptRun> =>
    runPreCommitScript(api, repo, script, extra);

  /** Runs `script` (which ends in error("done")) and returns its printed lines. */
  async function printed(script: string, extra = ""): Promise<string[]> {
    const r = await run(`${script}\nerror("done")`, extra);
    assert.equal(r.status, 412);
    assert.match(r.message, /: done$/);
    return r.lines.slice(
      0,
      r.lines.findIndex((l) => l.includes("done")),
    );
  }

  /** Asserts that `script` fails its hook with a message matching `reason`. */
  async function fails(script: string, reason: RegExp): Promise<void> {
    const r = await run(script);
    assert.equal(r.status, 412, script);
    assert.match(r.message, reason);
  }

  it("time: now, format, formatISO, parse, parseISO, add, since, sleep", async () => {
    const lines = await printed(`
local time = require("time")
local t = 1700000000 * 1e9
print(time.format(t, "2006-01-02 15:04:05 MST Mon Jan _2 3:04PM", "UTC"))
print(time.formatISO(t, "America/New_York"), time.formatISO(t))
print(string.format("%.0f", time.parseISO("2023-11-14T17:13:20-05:00")))
print(string.format("%.0f", time.parse("Jan 2, 2006 at 3:04pm (MST)", "Feb 3, 2013 at 7:54pm (PST)")))
print(string.format("%.0f", time.add(0, {hour = 1, minute = 20, second = 50})), time.add(5, {}))
local before = time.now()
time.sleep(2000000)
local elapsed = time.since(before)
print(before > t, elapsed >= 2000000)
`);
    assert.deepEqual(lines, [
      "2023-11-14 22:13:20 UTC Tue Nov 14 10:13PM",
      "2023-11-14T17:13:20-05:00\t2023-11-14T22:13:20+00:00",
      "1700000000000000000",
      "1359921240000000000",
      "4850000000000\t5.0",
      "true\ttrue",
    ]);
    await fails(
      'require("time").format("soon", "2006", "UTC")',
      /bad argument #1 to 'format' \(number expected, got string\)/,
    );
    await fails(
      'require("time").formatISO(0, "Mars/Olympus_Mons")',
      /unknown time zone Mars\/Olympus_Mons/,
    );
    // lakeFS's ISO layout wants a numeric offset: "Z" does not parse.
    await fails(
      'require("time").parseISO("2023-11-14T22:13:20Z")',
      /parsing time "2023-11-14T22:13:20Z" as "2006-01-02T15:04:05-07:00": cannot parse "Z" as "-07:00"/,
    );
    await fails('require("time").add(0, 5)', /bad argument #2 to 'add' \(table expected/);
  });

  it("encoding/json: Go's encoder output, array() lists, indent options", async () => {
    const lines = await printed(
      `
local json = require("encoding/json")
print(json.marshal({b = 1, a = {1, 2}, c = array({}), h = "<&>", f = 1.5}))
print(json.marshal(json.unmarshal('{"list": [1, [2, {"x": null}]], "n": 3}')))
print(json.marshal({a = array({1})}, {indent = "  "}))
print(json.marshal(nil))
print(json.marshal(args.tags))
`,
      "      args:\n        tags: [a, b]",
    );
    assert.deepEqual(lines, [
      '{"a":{"1":1,"2":2},"b":1,"c":[],"f":1.5,"h":"\\u003c\\u0026\\u003e"}',
      "",
      '{"list":[1,[2,{}]],"n":3}',
      "",
      "{",
      '  "a": [',
      "    1",
      "  ]",
      "}",
      "",
      "null",
      "",
      '["a","b"]',
      "",
    ]);
    await fails(
      'require("encoding/json").marshal("text")',
      /need a table at index 1, got string: cannot pull go type into lua/,
    );
    await fails(
      'require("encoding/json").marshal({f = print})',
      /pull table, unsupported type function/,
    );
  });

  it("encoding/yaml: marshal and unmarshal", async () => {
    const lines = await printed(`
local yaml = require("encoding/yaml")
local doc = yaml.marshal({name = "x", list = array({1, 2}), map = {10, 20}, nested = {a = true}})
print(doc)
local t = yaml.unmarshal("a: [1, 2]\\nb: {c: d}\\nn: null\\n")
print(#t.a, t.a[2], t.b.c, t.n == nil)
print(yaml.marshal(nil))
local j = require("encoding/json").unmarshal('{"a": null, "b": [1, null, 3]}')
print(j.a == nil, j.b[2] == nil, j.b[3])
`);
    assert.deepEqual(lines, [
      "list:",
      "    - 1",
      "    - 2",
      "map:",
      '    "1": 10',
      '    "2": 20',
      "name: x",
      "nested:",
      "    a: true",
      "",
      "2\t2\td\ttrue",
      "null",
      "",
      "true\ttrue\t3",
    ]);
    await fails('require("encoding/yaml").unmarshal("a: [1,")', /unmarshal|flow|end/i);
    await fails(
      'require("encoding/yaml").marshal("text")',
      /need a table at index 1, got string: cannot pull go type into lua/,
    );
  });

  it("net/url: parse", async () => {
    const lines = await printed(`
local url = require("net/url")
local u = url.parse("https://example.com:8080/a%20b/c?x=1&y=%20#frag%21")
print(u.scheme, u.host, u.path, u.query, u.fragment)
local rel = url.parse("data/file.csv")
print(rel.scheme == "", rel.host == "", rel.path)
`);
    assert.deepEqual(lines, [
      "https\texample.com:8080\t/a b/c\tx=1&y=%20\tfrag!",
      "true\ttrue\tdata/file.csv",
    ]);
    await fails('require("net/url").parse("http://x/%zz")', /invalid URL escape "%zz"/);
    await fails('require("net/url").parse({})', /bad argument #1 to 'parse' \(string expected/);
  });

  it("crypto/aes: encryptCBC and decryptCBC, lakeFS's IV-prefixed PKCS#7 format", async () => {
    const key = "0123456789abcdef0123456789abcdef";
    const iv = Buffer.alloc(16, 7);
    const cipher = createCipheriv("aes-256-cbc", Buffer.from(key), iv);
    const made = Buffer.concat([iv, cipher.update("lakeFS hooks"), cipher.final()]);
    const lines = await printed(
      `
local aes = require("crypto/aes")
local hex = require("encoding/hex")
print(aes.decryptCBC(args.key, hex.decode(args.ciphertext)))
local a = aes.encryptCBC("0123456789abcdef", "secret message")
local b = aes.encryptCBC("0123456789abcdef", "secret message")
print(#a, a ~= b, aes.decryptCBC("0123456789abcdef", a))
print(aes.decryptCBC("0123456789abcdef", aes.encryptCBC("0123456789abcdef", "")) == "")
`,
      `      args:\n        key: "${key}"\n        ciphertext: "${made.toString("hex")}"`,
    );
    assert.deepEqual(lines, ["lakeFS hooks", "32\ttrue\tsecret message", "true"]);
    await fails(
      'require("crypto/aes").encryptCBC("short", "x")',
      /crypto\/aes: invalid key size 5/,
    );
    await fails(
      'require("crypto/aes").decryptCBC("0123456789abcdef", "tiny")',
      /ciphertext is not an IV followed by whole blocks/,
    );
  });

  it("encoding/parquet: get_schema of a parquet file's bytes", async () => {
    const file = Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: "id", data: [1, 2], type: "INT32" },
          { name: "name", data: ["a", "b"], type: "STRING" },
          { name: "ok", data: [true, false], type: "BOOLEAN" },
        ],
      }),
    );
    const lines = await printed(
      `
local parquet = require("encoding/parquet")
local hex = require("encoding/hex")
for _, column in ipairs(parquet.get_schema(hex.decode(args.file))) do print(column.name, column.type) end
`,
      `      args:\n        file: "${file.toString("hex")}"`,
    );
    assert.deepEqual(lines, ["id\tINT32", "name\tBYTE_ARRAY", "ok\tBOOLEAN"]);
    await fails(
      'require("encoding/parquet").get_schema("id,name\\n1,a\\n")',
      /encoding\/parquet: not a readable parquet file/,
    );
    await fails('require("encoding/parquet").get_schema()', /bad argument #1 to 'get_schema'/);
  });

  it("regexp.compile: find, find_submatch, find_all, find_all_submatch", async () => {
    const lines = await printed(`
local regexp = require("regexp")
local re = regexp.compile("(\\\\w+)@(\\\\w+)\\\\.com")
local all = re.find_all("a@b.com, c@d.com, e@f.com", -1)
print(#all, all[1], all[3])
print(#re.find_all("a@b.com, c@d.com", 1), #re.find_all("nothing here", -1))
local subs = re.find_all_submatch("a@b.com, c@d.com", -1)
print(#subs, subs[2][1], subs[2][2], subs[2][3])
local m = re.find_submatch("mail c@d.com now")
print(m[1], m[3], re.find("none") == "", #re.find_submatch("none"))
`);
    assert.deepEqual(lines, [
      "3\ta@b.com\te@f.com",
      "1\t0",
      "2\tc@d.com\tc\td",
      "c@d.com\td\ttrue\t0",
    ]);
    await fails('require("regexp").compile("(")', /Invalid regular expression|Unterminated group/);
  });

  it("hook.fail fails the hook with exactly its message", async () => {
    const r = await run('require("hook").fail("schema check: column id missing")');
    assert.equal(r.status, 412);
    assert.match(
      r.message,
      /failed on action 'lua' hook 'lua_hook': schema check: column id missing$/,
    );
    assert.doesNotMatch(r.lines.join("\n"), /stack traceback|HookFailure/);
  });

  it("refuses lakeFS's cloud modules with a clear reason", async () => {
    const lines = await printed(`
for _, name in ipairs({"aws", "gcloud", "azure", "databricks", "formats", "lakefs/catalogexport/glue_exporter"}) do
  local ok, err = pcall(require, name)
  print(ok, err)
end
print(pcall(require, "no/such/module"))
`);
    assert.deepEqual(lines.slice(0, 6), [
      "false\tmodule 'aws' is not supported by lakefs-ts-server",
      "false\tmodule 'gcloud' is not supported by lakefs-ts-server",
      "false\tmodule 'azure' is not supported by lakefs-ts-server",
      "false\tmodule 'databricks' is not supported by lakefs-ts-server",
      "false\tmodule 'formats' is not supported by lakefs-ts-server",
      "false\tmodule 'lakefs/catalogexport/glue_exporter' is not supported by lakefs-ts-server",
    ]);
    assert.match(lines[6] ?? "", /^false\tmodule 'no\/such\/module' not found/);
    await fails('require("aws")', /module 'aws' is not supported by lakefs-ts-server/);
  });

  it("path.extract_dir_name is Go's filepath.Dir", async () => {
    const lines = await printed(`
local path = require("path")
for _, p in ipairs({"a/b/c.txt", "a/b/", "/a", "file", "a//b", "", "./x/y", "a/../b/c"}) do
  print(path.extract_dir_name(p))
end
`);
    assert.deepEqual(lines, ["a/b", "a/b", "/", ".", "a", ".", "x", "b"]);
  });

  it("checks argument types of the basic modules", async () => {
    await fails(
      'require("strings").split(nil, ",")',
      /bad argument #1 to 'split' \(string expected, got nil\)/,
    );
    await fails(
      'require("strings").replace("a", "a", "b", "x")',
      /bad argument #4 to 'replace' \(number expected, got string\)/,
    );
    await fails('require("encoding/hex").decode("zz")', /encoding\/hex: invalid byte string/);
    await fails('require("encoding/json").unmarshal("{")', /JSON/);
  });
});
