/**
 * `lakefs`: the API client a hook uses to call this server as the user who triggered the
 * action, with lakeFS's functions, argument orders and results — `(status, table)` from the JSON
 * calls (only the status when the body is empty), `(status, bytes)` from `get_object`,
 * `(status, json_text)` from `stat_object`. A non-2xx answer is returned, not raised.
 */
import type { HostCall } from "./host-channel.js";
import type { LuaModule } from "./module.js";

type Mode = "json" | "text" | "bytes";

export function lakefsModule(hostCall: HostCall): LuaModule {
  const request = (
    method: string,
    segments: string[],
    query: Record<string, string> | undefined,
    body: unknown,
    mode: Mode,
  ) => {
    const path = `/${segments.map(encodeURIComponent).join("/")}`;
    const response = hostCall({
      kind: "lakefs",
      method,
      path,
      query: query ?? {},
      // Lua's nil arrives as null: no body.
      body: body == null ? undefined : JSON.stringify(body),
    });
    const data = Buffer.from(response.body);
    const status = response.status;
    if (mode === "bytes") return { status, hex: data.toString("hex") };
    if (mode === "text") return { status, text: data.toString("utf8") };
    if (data.length === 0) return { status };
    try {
      return { status, json: JSON.parse(data.toString("utf8")) as unknown };
    } catch {
      throw new Error(`lakefs: ${method} ${path} answered ${status} with a body that is not JSON`);
    }
  };
  return {
    host: { request },
    lua: `
local function request(method, segments, query, body, mode)
  local r = call("request", method, segments, query, body, mode or "json")
  if mode == "bytes" then return r.status, fromhex(r.hex) end
  if mode == "text" then return r.status, r.text end
  if r.json == nil then return r.status end
  return r.status, r.json
end
local function optional(query, key, value, i, fname, check)
  if value ~= nil then query[key] = tostring(check(value, i, fname)) end
end
local function bool(value) return value and "true" or "false" end

package.preload["lakefs"] = module({
  create_tag = function(repo, ref, id)
    repo = checkstring(repo, 1, "create_tag")
    local body = { ref = checkstring(ref, 2, "create_tag"), id = checkstring(id, 3, "create_tag") }
    return request("POST", { "repositories", repo, "tags" }, nil, body)
  end,
  diff_refs = function(repo, left, right, after, prefix, delimiter, amount)
    local f = "diff_refs"
    local segments = { "repositories", checkstring(repo, 1, f), "refs", checkstring(left, 2, f), "diff", checkstring(right, 3, f) }
    local q = {}
    optional(q, "after", after, 4, f, checkstring)
    optional(q, "prefix", prefix, 5, f, checkstring)
    optional(q, "delimiter", delimiter, 6, f, checkstring)
    optional(q, "amount", amount, 7, f, checkinteger)
    return request("GET", segments, q)
  end,
  list_objects = function(repo, ref, after, prefix, delimiter, amount, user_metadata)
    local f = "list_objects"
    local segments = { "repositories", checkstring(repo, 1, f), "refs", checkstring(ref, 2, f), "objects", "ls" }
    local q = {}
    optional(q, "after", after, 3, f, checkstring)
    optional(q, "prefix", prefix, 4, f, checkstring)
    optional(q, "delimiter", delimiter, 5, f, checkstring)
    optional(q, "amount", amount, 6, f, checkinteger)
    if user_metadata ~= nil then q.user_metadata = bool(user_metadata) end
    return request("GET", segments, q)
  end,
  get_object = function(repo, ref, path)
    local f = "get_object"
    local segments = { "repositories", checkstring(repo, 1, f), "refs", checkstring(ref, 2, f), "objects" }
    return request("GET", segments, { path = checkstring(path, 3, f) }, nil, "bytes")
  end,
  stat_object = function(repo, ref, path, user_metadata)
    local f = "stat_object"
    local segments = { "repositories", checkstring(repo, 1, f), "refs", checkstring(ref, 2, f), "objects", "stat" }
    local q = { path = checkstring(path, 3, f) }
    if user_metadata ~= nil then q.user_metadata = bool(user_metadata) end
    return request("GET", segments, q, nil, "text")
  end,
  diff_branch = function(repo, branch, after, amount, prefix, delimiter)
    local f = "diff_branch"
    local segments = { "repositories", checkstring(repo, 1, f), "branches", checkstring(branch, 2, f), "diff" }
    local q = {}
    optional(q, "after", after, 3, f, checkstring)
    optional(q, "amount", amount, 4, f, checkinteger)
    optional(q, "prefix", prefix, 5, f, checkstring)
    optional(q, "delimiter", delimiter, 6, f, checkstring)
    return request("GET", segments, q)
  end,
  update_object_user_metadata = function(repo, branch, path, metadata)
    local f = "update_object_user_metadata"
    local segments = { "repositories", checkstring(repo, 1, f), "branches", checkstring(branch, 2, f), "objects", "stat", "user_metadata" }
    local q = { path = checkstring(path, 3, f) }
    local set = {}
    for k, v in pairs(checktable(metadata, 4, f)) do
      if type(k) ~= "string" or type(v) ~= "string" then
        error("bad argument #4 to '" .. f .. "' (table of strings expected)", 0)
      end
      set[k] = v
    end
    return request("PUT", segments, q, { set = set })
  end,
})
`,
  };
}
