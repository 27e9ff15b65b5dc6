/**
 * The part of lakeFS's Lua hook library that needs no cloud service, for the Lua worker:
 * `encoding/json`, `encoding/base64`, `encoding/hex`, `crypto/sha256`, `crypto/md5`,
 * `crypto/hmac`, `strings`, `path`, `regexp` and `uuid`, loaded with `require` under lakeFS's
 * module names. Lua strings are bytes and JS strings are text, so byte-valued arguments and
 * results cross as hex and are converted on the Lua side.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";

type Fn = (...args: never[]) => unknown;

const fromHex = (hex: string) => Buffer.from(hex, "hex");

/** JS helpers the Lua prelude calls (all take and return text or hex). */
export const LUA_HOST_FUNCTIONS: Record<string, Fn> = {
  __digest: (algorithm: string, hex: string) =>
    createHash(algorithm).update(fromHex(hex)).digest("hex"),
  __hmac: (algorithm: string, messageHex: string, keyHex: string) =>
    createHmac(algorithm, fromHex(keyHex)).update(fromHex(messageHex)).digest("hex"),
  __b64encode: (hex: string, url: boolean) => fromHex(hex).toString(url ? "base64url" : "base64"),
  __b64decode: (text: string, url: boolean) => {
    const valid = url ? /^[A-Za-z0-9_-]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/;
    if (!valid.test(text)) throw new Error("illegal base64 data");
    return Buffer.from(text, url ? "base64url" : "base64").toString("hex");
  },
  __json_encode: (value: unknown) => JSON.stringify(value ?? null),
  __json_decode: (text: string) => JSON.parse(text),
  __split: (s: string, sep: string) => s.split(sep),
  __replace: (s: string, old: string, replacement: string, n: number) => {
    if (n < 0) return s.split(old).join(replacement);
    let out = s;
    let from = 0;
    for (let i = 0; i < n; i++) {
      const at = out.indexOf(old, from);
      if (at < 0) break;
      out = out.slice(0, at) + replacement + out.slice(at + old.length);
      from = at + replacement.length + (old === "" ? 1 : 0);
    }
    return out;
  },
  __regexp_match: (pattern: string, s: string) => new RegExp(pattern, "u").test(s),
  __regexp_find: (pattern: string, s: string) => new RegExp(pattern, "u").exec(s)?.[0] ?? "",
  __regexp_quote: (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&"),
  __uuid: () => randomUUID(),
};

/** Lua code run before every hook: registers the modules in `package.preload`. */
export const LUA_PRELUDE = `
local host = { digest = __digest, hmac = __hmac, b64e = __b64encode, b64d = __b64decode,
  je = __json_encode, jd = __json_decode, split = __split, replace = __replace,
  rmatch = __regexp_match, rfind = __regexp_find, rquote = __regexp_quote, uuid = __uuid }
for _, name in ipairs({"__digest", "__hmac", "__b64encode", "__b64decode", "__json_encode",
  "__json_decode", "__split", "__replace", "__regexp_match", "__regexp_find", "__regexp_quote",
  "__uuid"}) do _G[name] = nil end

local function tohex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end
local function fromhex(h)
  if #h % 2 == 1 or h:find("[^0-9a-fA-F]") then error("encoding/hex: invalid byte string", 2) end
  return (h:gsub("..", function(x) return string.char(tonumber(x, 16)) end))
end

local function module(t) return function() return t end end
package.preload["encoding/hex"] = module({ encode = tohex, decode = fromhex })
package.preload["encoding/base64"] = module({
  encode = function(s) return host.b64e(tohex(s), false) end,
  decode = function(s) return fromhex(host.b64d(s, false)) end,
  url_encode = function(s) return host.b64e(tohex(s), true) end,
  url_decode = function(s) return fromhex(host.b64d(s, true)) end,
})
package.preload["encoding/json"] = module({
  marshal = function(v) return host.je(v) end,
  unmarshal = function(s) return host.jd(s) end,
})
local function digester(algorithm)
  return module({ digest = function(s) return fromhex(host.digest(algorithm, tohex(s))) end })
end
package.preload["crypto/sha256"] = digester("sha256")
package.preload["crypto/md5"] = digester("md5")
package.preload["crypto/hmac"] = module({
  signsha256 = function(m, k) return fromhex(host.hmac("sha256", tohex(m), tohex(k))) end,
  signsha1 = function(m, k) return fromhex(host.hmac("sha1", tohex(m), tohex(k))) end,
})
package.preload["strings"] = module({
  split = function(s, sep) return host.split(s, sep) end,
  trim = function(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end,
  replace = function(s, old, new, n) return host.replace(s, old, new, n) end,
  has_prefix = function(s, p) return s:sub(1, #p) == p end,
  has_suffix = function(s, p) return p == "" or s:sub(-#p) == p end,
  contains = function(s, sub) return s:find(sub, 1, true) ~= nil end,
})
local function parse(p, sep)
  sep = sep or "/"
  if p:sub(-#sep) == sep then p = p:sub(1, -#sep - 1) end
  local last = nil
  local i = 1
  while true do
    local at = p:find(sep, i, true)
    if not at then break end
    last, i = at, at + 1
  end
  if not last then return { parent = "", base_name = p } end
  return { parent = p:sub(1, last + #sep - 1), base_name = p:sub(last + #sep) }
end
package.preload["path"] = module({
  default_separator = function() return "/" end,
  parse = parse,
  join = function(sep, ...)
    local parts, out = { ... }, {}
    for i, part in ipairs(parts) do
      if i > 1 and part:sub(1, #sep) == sep then part = part:sub(#sep + 1) end
      out[#out + 1] = part
      if i < #parts and part:sub(-#sep) ~= sep then out[#out + 1] = sep end
    end
    return table.concat(out)
  end,
  is_hidden = function(p, sep, prefix)
    sep, prefix = sep or "/", prefix or "_"
    while p ~= "" do
      local parsed = parse(p, sep)
      if parsed.base_name:sub(1, #prefix) == prefix then return true end
      p = parsed.parent
    end
    return false
  end,
  extract_dir_name = function(p)
    local parsed = parse(p, "/")
    if parsed.parent == "" then return "." end
    return parsed.parent:sub(1, -2)
  end,
})
package.preload["regexp"] = module({
  match = function(pattern, s) return host.rmatch(pattern, s) end,
  find = function(pattern, s) return host.rfind(pattern, s) end,
  quote_meta = function(s) return host.rquote(s) end,
})
package.preload["uuid"] = module({ new = function() return host.uuid() end })
`;
