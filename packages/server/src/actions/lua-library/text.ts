/**
 * `strings`, `path`, `regexp` and `uuid`. Regular expressions are JavaScript's (Unicode mode),
 * close to Go's RE2 syntax; Go's `(?P<name>…)` groups are accepted.
 */
import { randomUUID } from "node:crypto";
import { posix } from "node:path";
import type { LuaModule } from "./module.js";

function compile(pattern: string, global = false): RegExp {
  return new RegExp(pattern.replaceAll("(?P<", "(?<"), global ? "gu" : "u");
}

/** Go's `n` argument of the FindAll family: negative means all. */
function firstN<T>(items: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  if (n === 0) return out;
  for (const item of items) {
    out.push(item);
    if (out.length === n) break;
  }
  return out;
}

const groups = (m: RegExpMatchArray) => [...m].map((g) => g ?? "");

function replace(s: string, old: string, replacement: string, n: number): string {
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
}

/** Go's `filepath.Dir` on "/" paths: all but the last element, cleaned ("." when none). */
export function goDir(path: string): string {
  const dir = posix.normalize(path.slice(0, path.lastIndexOf("/") + 1));
  return dir.length > 1 && dir.endsWith("/") ? dir.slice(0, -1) : dir;
}

export const text: LuaModule = {
  host: {
    split: (s: string, sep: string) => s.split(sep),
    replace,
    reCheck: (pattern: string) => void compile(pattern),
    reMatch: (pattern: string, s: string) => compile(pattern).test(s),
    reFind: (pattern: string, s: string) => compile(pattern).exec(s)?.[0] ?? "",
    reFindSubmatch: (pattern: string, s: string) => {
      const m = compile(pattern).exec(s);
      return m ? groups(m) : [];
    },
    reFindAll: (pattern: string, s: string, n: number) =>
      firstN(s.matchAll(compile(pattern, true)), n).map((m) => m[0]),
    reFindAllSubmatch: (pattern: string, s: string, n: number) =>
      firstN(s.matchAll(compile(pattern, true)), n).map(groups),
    reQuote: (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&"),
    dir: goDir,
    uuid: () => randomUUID(),
  },
  lua: `
package.preload["strings"] = module({
  split = function(s, sep) return call("split", checkstring(s, 1, "split"), checkstring(sep, 2, "split")) end,
  trim = function(s) return (checkstring(s, 1, "trim"):gsub("^%s+", ""):gsub("%s+$", "")) end,
  replace = function(s, old, new, n)
    return call("replace", checkstring(s, 1, "replace"), checkstring(old, 2, "replace"),
      checkstring(new, 3, "replace"), checkinteger(n, 4, "replace"))
  end,
  has_prefix = function(s, p) s, p = checkstring(s, 1, "has_prefix"), checkstring(p, 2, "has_prefix"); return s:sub(1, #p) == p end,
  has_suffix = function(s, p) s, p = checkstring(s, 1, "has_suffix"), checkstring(p, 2, "has_suffix"); return p == "" or s:sub(-#p) == p end,
  contains = function(s, sub) return checkstring(s, 1, "contains"):find(checkstring(sub, 2, "contains"), 1, true) ~= nil end,
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
  parse = function(p, sep) return parse(checkstring(p, 1, "parse"), optstring(sep, 2, "parse", "/")) end,
  join = function(sep, ...)
    sep = checkstring(sep, 1, "join")
    local parts, out = { ... }, {}
    for i, part in ipairs(parts) do
      part = checkstring(part, i + 1, "join")
      if i > 1 and part:sub(1, #sep) == sep then part = part:sub(#sep + 1) end
      out[#out + 1] = part
      if i < #parts and part:sub(-#sep) ~= sep then out[#out + 1] = sep end
    end
    return table.concat(out)
  end,
  is_hidden = function(p, sep, prefix)
    p, sep, prefix = checkstring(p, 1, "is_hidden"), optstring(sep, 2, "is_hidden", "/"), optstring(prefix, 3, "is_hidden", "_")
    while p ~= "" do
      local parsed = parse(p, sep)
      if parsed.base_name:sub(1, #prefix) == prefix then return true end
      p = parsed.parent
    end
    return false
  end,
  extract_dir_name = function(p) return call("dir", checkstring(p, 1, "extract_dir_name")) end,
})
local function compiled(pattern)
  return {
    find = function(s) return call("reFind", pattern, checkstring(s, 1, "find")) end,
    find_submatch = function(s) return call("reFindSubmatch", pattern, checkstring(s, 1, "find_submatch")) end,
    find_all = function(s, n)
      return call("reFindAll", pattern, checkstring(s, 1, "find_all"), checkinteger(n, 2, "find_all"))
    end,
    find_all_submatch = function(s, n)
      return call("reFindAllSubmatch", pattern, checkstring(s, 1, "find_all_submatch"), checkinteger(n, 2, "find_all_submatch"))
    end,
  }
end
package.preload["regexp"] = module({
  match = function(pattern, s) return call("reMatch", checkstring(pattern, 1, "match"), checkstring(s, 2, "match")) end,
  find = function(pattern, s) return call("reFind", checkstring(pattern, 1, "find"), checkstring(s, 2, "find")) end,
  quote_meta = function(s) return call("reQuote", checkstring(s, 1, "quote_meta")) end,
  compile = function(pattern)
    pattern = checkstring(pattern, 1, "compile")
    call("reCheck", pattern)
    return compiled(pattern)
  end,
})
package.preload["uuid"] = module({ new = function() return call("uuid") end })
`,
};
