/**
 * Runs one Lua hook in a worker thread, so a script that loops forever or allocates without end
 * is stopped by terminating the worker instead of freezing the server. Input (workerData): the
 * code and the globals lakeFS gives a hook (`action`, `args`, `username`). Messages out:
 * `{ out }` for each `print`, then `{ done: true }` or `{ error }`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { LuaFactory } from "wasmoon";
import { hostFunctions, prelude } from "./lua-library/index.js";

export interface LuaJob {
  readonly code: string;
  readonly globals: Readonly<Record<string, unknown>>;
}

async function run({ code, globals }: LuaJob): Promise<void> {
  const lua = await new LuaFactory().createEngine({ enableProxy: false, injectObjects: false });
  try {
    lua.global.set("__write", (out: string) => parentPort?.postMessage({ out }));
    lua.global.set("__host", hostFunctions());
    await lua.doString(prelude());
    for (const [name, value] of Object.entries(globals)) lua.global.set(name, value);
    await lua.doString(code);
  } finally {
    lua.global.close();
  }
}

run(workerData as LuaJob).then(
  () => parentPort?.postMessage({ done: true }),
  (err: unknown) =>
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) }),
);
