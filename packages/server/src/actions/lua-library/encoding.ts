/** `encoding/hex`, `encoding/base64`, `encoding/json` and `encoding/yaml`. */
import YAML from "yaml";
import { fromHex, type LuaModule, toLua } from "./module.js";

export const encoding: LuaModule = {
  host: {
    b64encode: (hex: string, url: boolean) => fromHex(hex).toString(url ? "base64url" : "base64"),
    b64decode: (text: string, url: boolean) => {
      const valid = url ? /^[A-Za-z0-9_-]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/;
      if (!valid.test(text)) throw new Error("illegal base64 data");
      return Buffer.from(text, url ? "base64url" : "base64").toString("hex");
    },
    jsonEncode: (value: unknown) => JSON.stringify(value ?? null),
    jsonDecode: (text: string) => toLua(JSON.parse(text)),
    // Go's yaml.v3 encoder: 4-space indentation, map keys sorted.
    yamlEncode: (value: unknown) =>
      YAML.stringify(value ?? null, { indent: 4, sortMapEntries: true }),
    yamlDecode: (text: string) => toLua(YAML.parse(text)),
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
  marshal = function(v) return call("jsonEncode", v) end,
  unmarshal = function(s) return call("jsonDecode", checkstring(s, 1, "unmarshal")) end,
})
package.preload["encoding/yaml"] = module({
  marshal = function(v)
    if v ~= nil then checktable(v, 1, "marshal") end
    return call("yamlEncode", v)
  end,
  unmarshal = function(s) return call("yamlDecode", checkstring(s, 1, "unmarshal")) end,
})
`,
};
