/**
 * `time`, as lakeFS registers it: instants are nanoseconds since the Unix epoch (Lua floats),
 * layouts are Go's (`go-time.ts`); `formatISO`/`parseISO` use `2006-01-02T15:04:05-07:00`.
 * `sleep` blocks the Lua worker, bounded by the hook's deadline.
 */
import { performance } from "node:perf_hooks";
import { checkZone, formatGo, parseGo } from "./go-time.js";
import type { LuaModule } from "./module.js";

const ISO8601 = "2006-01-02T15:04:05-07:00";
const sleeper = new Int32Array(new SharedArrayBuffer(4));

const nowNanos = () => (performance.timeOrigin + performance.now()) * 1e6;
/** Go's `time.Unix(ns / 1e9, 0)`: the fraction of a second is dropped. */
const wholeSeconds = (ns: number) => Math.trunc(ns / 1e9);

export const time: LuaModule = {
  host: {
    now: nowNanos,
    format: (ns: number, layout: string, zone: string) => {
      checkZone(zone);
      return formatGo(wholeSeconds(ns), layout, zone);
    },
    formatISO: (ns: number, zone: string) => formatGo(wholeSeconds(ns), ISO8601, zone),
    parse: (layout: string, value: string) => parseGo(layout, value),
    parseISO: (value: string) => parseGo(ISO8601, value),
    sleep: (ns: number) => {
      if (ns > 0) Atomics.wait(sleeper, 0, 0, ns / 1e6);
    },
  },
  lua: `
package.preload["time"] = module({
  now = function() return call("now") end,
  format = function(ns, layout, zone)
    return call("format", checknumber(ns, 1, "format"), checkstring(layout, 2, "format"), checkstring(zone, 3, "format"))
  end,
  formatISO = function(ns, zone)
    return call("formatISO", checknumber(ns, 1, "formatISO"), optstring(zone, 2, "formatISO", ""))
  end,
  sleep = function(ns) call("sleep", checkinteger(ns, 1, "sleep")) end,
  since = function(ns) return call("now") - checknumber(ns, 1, "since") end,
  add = function(ns, duration)
    ns = checknumber(ns, 1, "add")
    checktable(duration, 2, "add")
    local h = duration.hour == nil and 0 or checkinteger(duration.hour, 2, "add")
    local m = duration.minute == nil and 0 or checkinteger(duration.minute, 2, "add")
    local s = duration.second == nil and 0 or checkinteger(duration.second, 2, "add")
    return ns + ((h * 60 + m) * 60 + s) * 1e9
  end,
  parse = function(layout, value) return call("parse", checkstring(layout, 1, "parse"), checkstring(value, 2, "parse")) end,
  parseISO = function(value) return call("parseISO", checkstring(value, 1, "parseISO")) end,
})
`,
};
