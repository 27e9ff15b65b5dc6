/**
 * lakeFS's Lua hook library without the cloud modules, for the Lua worker: each module
 * (`lakefs`, `net/http` when enabled, `encoding/*` with `encoding/parquet`, `crypto/*`, `strings`, `path`, `regexp`, `uuid`, `time`, `net/url`, `hook`,
 * and the refusals of `unsupported.ts`) is registered in `package.preload` under lakeFS's name
 * by the prelude, which reaches its JS half through the `__host` global (removed once read).
 */
import { CORE_LUA } from "./core.js";
import { crypto } from "./crypto.js";
import { encoding } from "./encoding.js";
import { hook } from "./hook.js";
import type { HostCall } from "./host-channel.js";
import { httpModule } from "./http.js";
import { lakefsModule } from "./lakefs.js";
import { type HostFunction, type LuaModule, toLua } from "./module.js";
import { parquet } from "./parquet.js";
import { text } from "./text.js";
import { time } from "./time.js";
import { unsupported } from "./unsupported.js";
import { url } from "./url.js";

export { hookFailure } from "./hook.js";

type Modules = Readonly<Record<string, LuaModule>>;

/**
 * The modules a hook gets; `lakefs` and `net/http` need the channel to the main thread, and
 * `net/http` exists only when the server enables it.
 */
export function libraryModules(hostCall?: HostCall, netHttp = false): Modules {
  return {
    encoding,
    parquet,
    crypto,
    text,
    time,
    url,
    hook,
    unsupported,
    ...(hostCall ? { lakefs: lakefsModule(hostCall) } : {}),
    ...(hostCall && netHttp ? { http: httpModule(hostCall) } : {}),
  };
}

/** A host function that reports failure as `{ error }` instead of throwing into Lua. */
function guarded(fn: HostFunction): HostFunction {
  return (...args) => {
    try {
      return { value: toLua(fn(...args)) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  };
}

/** The `__host` global: every module's host functions, by module key. */
export function hostFunctions(modules: Modules): Record<string, Record<string, HostFunction>> {
  return Object.fromEntries(
    Object.entries(modules).map(([key, m]) => [
      key,
      Object.fromEntries(Object.entries(m.host ?? {}).map(([name, fn]) => [name, guarded(fn)])),
    ]),
  );
}

/** Lua code run before every hook: registers the modules in `package.preload`. */
export function prelude(modules: Modules): string {
  const blocks = Object.entries(modules).map(
    ([key, m]) => `do\nlocal call = caller(host["${key}"])\n${m.lua}\nend`,
  );
  return [CORE_LUA, ...blocks].join("\n");
}
