/**
 * Lua helpers every module's code sees: host calls that turn JS failures into Lua errors,
 * fast hex conversion (byte strings cross to JS as hex), and argument checks that fail with
 * Lua's own wording ("bad argument #1 to 'format' (number expected, got nil)"), and lakeFS's
 * list/map distinction (`array()`) across the JS boundary.
 */
import { ARRAY_ITEMS, ARRAY_LENGTH } from "./module.js";

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

-- lakeFS's array(t): marks a table as a list for the encoders (a metatable field).
function array(t)
  checktable(t, 1, "array")
  return setmetatable(t, { _is_array = true })
end
local function isarray(t)
  local mt = getmetatable(t)
  return type(mt) == "table" and mt._is_array and true or false
end
local ARRAY_LENGTH, ARRAY_ITEMS = "${ARRAY_LENGTH}", "${ARRAY_ITEMS}"

-- A host result: tagged lists become array()-marked tables, as lakeFS pushes Go slices.
local function unwrap(v)
  if type(v) ~= "table" then return v end
  local n = v[ARRAY_LENGTH]
  if n ~= nil then
    local items, out = v[ARRAY_ITEMS], {}
    for i = 1, n do out[i] = unwrap(items[i]) end
    return array(out)
  end
  for k, x in pairs(v) do v[k] = unwrap(x) end
  return v
end

-- A value for an encoder, as lakeFS pulls it: marked tables are lists, any other table a map
-- with string keys (sent ":"-prefixed); functions and other types are refused.
local function pull(v)
  local t = type(v)
  if t == "string" or t == "number" or t == "boolean" or t == "nil" then return v end
  if t ~= "table" then error("pull table, unsupported type " .. t .. ": cannot pull go type into lua", 0) end
  if isarray(v) then
    local items = {}
    for k, x in pairs(v) do
      if math.type(k) ~= "integer" then
        error("pull array: expected numeric index, got '" .. type(k) .. "': cannot pull go type into lua", 0)
      end
      items[k] = pull(x)
    end
    return { [ARRAY_LENGTH] = #v, [ARRAY_ITEMS] = items }
  end
  local out = {}
  for k, x in pairs(v) do
    if type(k) ~= "string" and type(k) ~= "number" then
      error("key should be a string (" .. type(k) .. "): cannot pull go type into lua", 0)
    end
    out[":" .. tostring(k)] = pull(x) -- ":" keeps "1", "2" keys a map across wasmoon
  end
  return out
end
local function checkpullable(v, i)
  if type(v) ~= "table" then
    error(string.format("need a table at index %d, got %s: cannot pull go type into lua", i, type(v)), 0)
  end
  return pull(v)
end

-- The hook's globals (action, args, username).
for name, value in pairs(__globals or {}) do _G[name] = unwrap(value) end
__globals = nil

-- A module's \`call(name, …)\`: its host function, a JS failure raised as a Lua error.
local function caller(functions)
  return function(name, ...)
    local r = functions[name](...)
    if r.error ~= nil then error(r.error, 0) end
    return unwrap(r.value)
  end
end
`;
