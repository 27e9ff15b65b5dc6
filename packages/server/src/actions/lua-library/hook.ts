/**
 * `hook.fail(message)`: fails the hook with exactly `message` (no position, no traceback), as
 * lakeFS marks it; `lua.ts` unwraps the marker.
 */
import type { LuaModule } from "./module.js";

const OPEN = "<HookFailure>";
const CLOSE = "</HookFailure>";

/** The message of a `hook.fail`, or undefined for any other error. */
export function hookFailure(error: string): string | undefined {
  const start = error.indexOf(OPEN);
  if (start < 0) return undefined;
  const end = error.indexOf(CLOSE, start);
  return error.slice(start + OPEN.length, end < 0 ? undefined : end);
}

export const hook: LuaModule = {
  lua: `
package.preload["hook"] = module({
  fail = function(message) error("${OPEN}" .. checkstring(message, 1, "fail") .. "${CLOSE}", 0) end,
})
`,
};
