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

/**
 * Lua tables carry no "array" flag that survives wasmoon's conversion, so lists cross tagged:
 * `{ [ARRAY_LENGTH]: n, [ARRAY_ITEMS]: items }`. The Lua side (`core.ts`) turns them into
 * tables marked with lakeFS's `array()` metatable, and tags marked tables on the way out.
 */
export const ARRAY_LENGTH = "__lakefs_ts_array_length";
export const ARRAY_ITEMS = "__lakefs_ts_array_items";

/** A host result for Lua: lists tagged, `null` dropped (wasmoon cannot push `null`). */
export function toLua(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value))
    return { [ARRAY_LENGTH]: value.length, [ARRAY_ITEMS]: value.map(toLua) };
  if (typeof value === "object" && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toLua(v)]));
  }
  return value;
}

/** A value the Lua side `pull`ed (tagged lists, map keys prefixed with ":") as plain JS. */
export function fromLua(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value ?? undefined;
  const record = value as Record<string, unknown>;
  if (ARRAY_LENGTH in record) {
    const items = record[ARRAY_ITEMS];
    return Array.from({ length: Number(record[ARRAY_LENGTH]) }, (_, i) =>
      fromLua(
        Array.isArray(items) ? items[i] : (items as Record<string, unknown>)?.[String(i + 1)],
      ),
    );
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.slice(1), fromLua(v)]));
}

export const fromHex = (hex: string): Buffer => Buffer.from(hex, "hex");
