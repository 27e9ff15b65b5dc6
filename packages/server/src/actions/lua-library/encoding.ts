/**
 * `encoding/hex`, `encoding/base64`, `encoding/json` and `encoding/yaml`. The encoders write what
 * Go's do for lakeFS: JSON with sorted keys, HTML-safe escapes and a final newline (indented on
 * request); YAML with 4-space indentation and sorted keys.
 */
import YAML from "yaml";
import { fromHex, fromLua, type LuaModule } from "./module.js";

/** Go's `json.Encoder` string escaping: `<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes. */
const goString = (s: string) =>
  JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

/** `value` as Go's `json.Encoder` writes it, with `SetIndent(prefix, indent)` when given. */
export function goJson(value: unknown, prefix = "", indent = ""): string {
  const pretty = prefix !== "" || indent !== "";
  const write = (v: unknown, depth: number): string => {
    if (v === undefined || v === null) return "null";
    if (typeof v === "string") return goString(v);
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${v}`);
      return JSON.stringify(v);
    }
    if (typeof v === "boolean") return String(v);
    const inner = `\n${prefix}${indent.repeat(depth + 1)}`;
    const outer = `\n${prefix}${indent.repeat(depth)}`;
    const wrap = (open: string, items: string[], close: string) =>
      items.length === 0
        ? open + close
        : pretty
          ? `${open}${inner}${items.join(`,${inner}`)}${outer}${close}`
          : `${open}${items.join(",")}${close}`;
    if (Array.isArray(v))
      return wrap(
        "[",
        v.map((x) => write(x, depth + 1)),
        "]",
      );
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    const sep = pretty ? ": " : ":";
    return wrap(
      "{",
      keys.map((k) => `${goString(k)}${sep}${write(record[k], depth + 1)}`),
      "}",
    );
  };
  return `${write(value, 0)}\n`;
}

export const encoding: LuaModule = {
  host: {
    b64encode: (hex: string, url: boolean) => fromHex(hex).toString(url ? "base64url" : "base64"),
    b64decode: (text: string, url: boolean) => {
      const valid = url ? /^[A-Za-z0-9_-]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/;
      if (!valid.test(text)) throw new Error("illegal base64 data");
      return Buffer.from(text, url ? "base64url" : "base64").toString("hex");
    },
    jsonEncode: (value: unknown, options: unknown) => {
      const o = (fromLua(options) ?? {}) as { prefix?: unknown; indent?: unknown };
      return goJson(fromLua(value), String(o.prefix ?? ""), String(o.indent ?? ""));
    },
    jsonDecode: (text: string) => JSON.parse(text) as unknown,
    // Go's yaml.v3 encoder: 4-space indentation, map keys sorted.
    yamlEncode: (value: unknown) =>
      YAML.stringify(fromLua(value) ?? null, { indent: 4, sortMapEntries: true }),
    yamlDecode: (text: string) => YAML.parse(text) as unknown,
  },
  lua: `
local function decodehex(h)
  if #h % 2 == 1 or h:find("[^0-9a-fA-F]") then error("encoding/hex: invalid byte string", 0) end
  return fromhex(h:lower())
end
package.preload["encoding/hex"] = module({
  encode = function(s) return tohex(checkstring(s, 1, "encode")) end,
  decode = function(s) return decodehex(checkstring(s, 1, "decode")) end,
})
package.preload["encoding/base64"] = module({
  encode = function(s) return call("b64encode", tohex(checkstring(s, 1, "encode")), false) end,
  decode = function(s) return fromhex(call("b64decode", checkstring(s, 1, "decode"), false)) end,
  url_encode = function(s) return call("b64encode", tohex(checkstring(s, 1, "url_encode")), true) end,
  url_decode = function(s) return fromhex(call("b64decode", checkstring(s, 1, "url_decode"), true)) end,
})
package.preload["encoding/json"] = module({
  marshal = function(v, options)
    if v ~= nil then v = checkpullable(v, 1) end
    if options ~= nil then options = checkpullable(options, 2) end
    return call("jsonEncode", v, options)
  end,
  unmarshal = function(s) return call("jsonDecode", checkstring(s, 1, "unmarshal")) end,
})
package.preload["encoding/yaml"] = module({
  marshal = function(v)
    if v ~= nil then v = checkpullable(v, 1) end
    return call("yamlEncode", v)
  end,
  unmarshal = function(s) return call("yamlDecode", checkstring(s, 1, "unmarshal")) end,
})
`,
};
