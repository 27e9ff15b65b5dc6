/**
 * `net/http` (only when the server enables it, as lakeFS's `actions.lua.net_http_enabled`):
 * `request(url [, body])` or `request{url, method, headers, body}` → `code, body, headers,
 * status`. The request itself is made by the main thread (`outbound-http.ts`), with lakeFS's
 * 30-second timeout.
 */
import type { HostCall } from "./host-channel.js";
import { fromHex, type LuaModule } from "./module.js";

/** Go's canonical header key: `content-type` → `Content-Type`. */
const canonical = (name: string) =>
  name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join("-");

export function httpModule(hostCall: HostCall): LuaModule {
  // Lua's nil arrives as null.
  const request = (
    method: string,
    url: string,
    headers: [string, string][],
    bodyHex: string | null,
  ) => {
    const response = hostCall({
      kind: "http",
      method,
      url,
      // An empty Lua table arrives as {}, a list of pairs as an array.
      headers: Array.isArray(headers) ? headers : [],
      body: bodyHex == null ? undefined : fromHex(bodyHex),
    });
    const grouped: Record<string, string[]> = {};
    for (const [name, value] of response.headers ?? []) {
      const key = canonical(name);
      grouped[key] = [...(grouped[key] ?? []), value];
    }
    return {
      code: response.status,
      status: `${response.status} ${response.statusText ?? ""}`.trim(),
      body: Buffer.from(response.body).toString("hex"),
      headers: Object.fromEntries(
        Object.entries(grouped).map(([name, values]) => [
          name,
          values.length === 1 ? values[0] : values,
        ]),
      ),
    };
  };
  return {
    host: { request },
    lua: `
package.preload["net/http"] = module({
  request = function(first, second)
    local method, url, body, headers = "GET", nil, nil, {}
    if type(first) == "string" then
      url = first
      if type(second) == "string" or type(second) == "number" then body, method = tostring(second), "POST" end
    elseif type(first) == "table" then
      if type(first.url) == "string" then url = first.url end
      if type(first.body) == "string" then body, method = first.body, "POST" end
      if type(first.method) == "string" then method = first.method end
      if type(first.headers) == "table" then
        for name, value in pairs(first.headers) do
          if type(value) == "string" then
            headers[#headers + 1] = { name, value }
          elseif type(value) == "table" then
            for _, v in pairs(value) do
              if type(v) == "string" then headers[#headers + 1] = { name, v } end
            end
          end
        end
      end
    else
      error("first argument can be url or request table (invalid type: " .. type(first) .. ")", 0)
    end
    if url == nil or url == "" then error("missing request url", 0) end
    local r = call("request", method, url, headers, body and tohex(body))
    return r.code, fromhex(r.body), r.headers, r.status
  end,
})
`,
  };
}
