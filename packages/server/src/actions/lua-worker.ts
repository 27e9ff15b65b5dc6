/**
 * Runs one Lua hook in a worker thread, so a script that loops forever or allocates without end
 * is stopped by terminating the worker instead of freezing the server. Input (workerData): the
 * code, the globals lakeFS gives a hook (`action`, `args`, `username`) and the port of blocking
 * calls to the main thread (the `lakefs` module). Messages out:
 * `{ out }` for each `print`, then `{ done: true }` or `{ error }`.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { LuaFactory } from "wasmoon";
import { hostCaller } from "./lua-library/host-channel.js";
import { hostFunctions, libraryModules, prelude } from "./lua-library/index.js";
import { toLua } from "./lua-library/module.js";

export interface LuaJob {
  readonly code: string;
  readonly globals: Readonly<Record<string, unknown>>;
  /** The channel of blocking calls to the main thread (`host-channel.ts`). */
  readonly port: MessagePort;
  readonly flag: Int32Array;
  /** `net/http` is offered (the server's `luaNetHttp` option). */
  readonly netHttp: boolean;
}

async function run({ code, globals, port, flag, netHttp }: LuaJob): Promise<void> {
  const modules = libraryModules(hostCaller(port, flag), netHttp);
  const lua = await new LuaFactory().createEngine({ enableProxy: false, injectObjects: false });
  try {
    lua.global.set("__write", (out: string) => parentPort?.postMessage({ out }));
    lua.global.set("__host", hostFunctions(modules));
    // The prelude installs them, lists marked as lakeFS's array() (args may hold lists).
    lua.global.set("__globals", toLua(globals));
    await lua.doString(prelude(modules));
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
