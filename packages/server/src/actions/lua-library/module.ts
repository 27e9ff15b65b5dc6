/**
 * How a library module is built: JS host functions (synchronous, in the Lua worker) and the Lua
 * code that registers the module in `package.preload` using them. Host functions never throw
 * into Lua — `index.ts` wraps them so a failure becomes a clean Lua error with its message.
 * Byte strings cross as hex: Lua strings are bytes, JS strings are text.
 */

// biome-ignore lint/suspicious/noExplicitAny: host functions take whatever Lua passes
export type HostFunction = (...args: any[]) => unknown;

export interface LuaModule {
  /** Functions the module's Lua code reaches as `host.<name>(…)` (wrapped, see `call`). */
  readonly host?: Readonly<Record<string, HostFunction>>;
  /**
   * Lua run once per hook, in its own `do … end` block, with the helpers of `CORE_LUA` in scope
   * (`call`, `tohex`, `fromhex`, `checkstring`, …).
   */
  readonly lua: string;
}

/** JSON-like values with `null` turned into `undefined`: wasmoon cannot push `null` to Lua. */
export function toLua(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(toLua);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toLua(v)]));
  }
  return value;
}

export const fromHex = (hex: string): Buffer => Buffer.from(hex, "hex");
