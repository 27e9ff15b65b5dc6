/**
 * Lua helpers every module's code sees: host calls that turn JS failures into Lua errors,
 * fast hex conversion (byte strings cross to JS as hex), and argument checks that fail with
 * Lua's own wording ("bad argument #1 to 'format' (number expected, got nil)").
 */
export const CORE_LUA = `
local host = __host
__host = nil

-- Lua's own print (its tostring), into the hook's output.
local write = __write
__write = nil
function print(...)
  local parts = table.pack(...)
  for i = 1, parts.n do parts[i] = tostring(parts[i]) end
  write(table.concat(parts, "\\t", 1, parts.n) .. "\\n")
end

local TOHEX, FROMHEX = {}, {}
for i = 0, 255 do
  local c, h = string.char(i), string.format("%02x", i)
  TOHEX[c], FROMHEX[h] = h, c
end
-- Only for hex produced by the host (lowercase, even length).
local function tohex(s) return (s:gsub(".", TOHEX)) end
local function fromhex(h) return (h:gsub("..", FROMHEX)) end

-- A module's \`call(name, …)\`: its host function, a JS failure raised as a Lua error.
local function caller(functions)
  return function(name, ...)
    local r = functions[name](...)
    if r.error ~= nil then error(r.error, 0) end
    return r.value
  end
end

local function argerror(i, fname, expected, v)
  error(string.format("bad argument #%d to '%s' (%s expected, got %s)", i, fname, expected, type(v)), 0)
end
local function checkstring(v, i, fname)
  local t = type(v)
  if t == "string" then return v end
  if t == "number" then return tostring(v) end
  argerror(i, fname, "string", v)
end
local function optstring(v, i, fname, default)
  if v == nil then return default end
  return checkstring(v, i, fname)
end
local function checknumber(v, i, fname)
  local n = (type(v) == "number" or type(v) == "string") and tonumber(v) or nil
  if n == nil then argerror(i, fname, "number", v) end
  return n
end
local function checkinteger(v, i, fname)
  local n = checknumber(v, i, fname)
  local int = math.tointeger(n)
  if int == nil then error(string.format("bad argument #%d to '%s' (number has no integer representation)", i, fname), 0) end
  return int
end
local function checktable(v, i, fname)
  if type(v) ~= "table" then argerror(i, fname, "table", v) end
  return v
end
local function module(t) return function() return t end end
`;
