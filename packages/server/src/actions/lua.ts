/**
 * Lua hooks: `properties.script` (inline) or `properties.script_path` (a file on the source
 * ref), with lakeFS's globals — `action` (the event, with its commit), `args` (the hook's
 * `properties.args`, `{{ ENV.… }}` filled) and `username` — and the library in
 * `lua-library/`. Each run gets its own worker thread with memory limits and a deadline
 * (`properties.timeout`, default 1 minute); `error(…)` in the script fails the hook.
 */
import { MessageChannel } from "node:worker_threads";
import { startModuleWorker } from "../core/module-worker.js";
import type { ActionHook } from "./action-file.js";
import type { HookRecord } from "./events.js";
import type { InternalApi } from "./internal-api.js";
import {
  type HostRequest,
  type HostResponse,
  newFlag,
  serveHostCalls,
} from "./lua-library/host-channel.js";
import { hookFailure } from "./lua-library/index.js";
import { outboundRequest } from "./outbound-http.js";
import { type EnvOptions, fillEnv, PropertyError, parseDuration } from "./properties.js";

export const DEFAULT_LUA_TIMEOUT_MS = 60_000;

export class LuaHookError extends Error {}

export interface LuaCall {
  readonly hook: ActionHook;
  readonly actionName: string;
  readonly record: HookRecord;
  readonly runId: string;
  readonly username: string;
  readonly env: EnvOptions;
  readonly log: (text: string) => void;
  /** Reads `script_path` from the event's source ref. */
  readonly loadScript: (path: string) => Promise<string>;
  readonly signal?: AbortSignal | undefined;
  /** The server's API, for the `lakefs` module (absent: its calls fail). */
  readonly api?: InternalApi | undefined;
  /** Offer `net/http` (off unless the server enables it). */
  readonly netHttp?: boolean | undefined;
}

/** The main thread's side of a hook's blocking calls. */
function hostCalls(
  call: LuaCall,
  ended: AbortSignal,
): (request: HostRequest) => Promise<HostResponse> {
  return async (request) => {
    if (request.kind === "lakefs") {
      if (call.api === undefined) throw new Error("lakefs: the server's API is not available");
      return call.api(request, call.username);
    }
    // An outbound request ends with its hook (deadline, failure or shutdown).
    if (call.netHttp) return outboundRequest(request, ended);
    throw new Error("net/http is not enabled on this server");
  };
}

/** `properties.args` with every string's `{{ ENV.… }}` filled, recursively. */
function fillArgs(value: unknown, env: EnvOptions): unknown {
  if (typeof value === "string") return fillEnv(value, env);
  if (Array.isArray(value)) return value.map((v) => fillArgs(v, env));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillArgs(v, env)]));
  }
  return value;
}

async function scriptOf(call: LuaCall): Promise<string> {
  const { script, script_path: scriptPath } = call.hook.properties;
  if (script !== undefined) {
    if (typeof script !== "string" || script === "") {
      throw new PropertyError("value of script is empty or not a string");
    }
    return script;
  }
  if (typeof scriptPath !== "string" || scriptPath === "") {
    throw new PropertyError("'script' or 'script_path' must be supplied");
  }
  try {
    return await call.loadScript(scriptPath);
  } catch (err) {
    throw new LuaHookError(`could not load script_path ${scriptPath}: ${(err as Error).message}`);
  }
}

export async function runLuaHook(call: LuaCall): Promise<void> {
  const { hook, record } = call;
  const { properties } = hook;
  const args = properties.args ?? {};
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new PropertyError("'args' should be a map");
  }
  const timeout =
    properties.timeout === undefined
      ? DEFAULT_LUA_TIMEOUT_MS
      : parseDuration(String(properties.timeout));
  const code = await scriptOf(call);
  const globals = {
    username: call.username,
    args: fillArgs(args, call.env),
    action: {
      action_name: call.actionName,
      hook_id: hook.id,
      run_id: call.runId,
      event_type: record.eventType,
      commit_id: record.commitId ?? "",
      branch_id: record.branchId,
      source_ref: record.sourceRef,
      tag_id: record.tagId ?? "",
      repository_id: record.repositoryId,
      storage_namespace: record.storageNamespace,
      commit: {
        message: record.commit.message,
        committer: record.commit.committer,
        metadata: { ...record.commit.metadata },
      },
    },
  };

  const channel = new MessageChannel();
  const flag = newFlag();
  const ended = new AbortController();
  serveHostCalls(channel.port1, flag, hostCalls(call, ended.signal));
  const worker = startModuleWorker(import.meta.url, "lua-worker", {
    workerData: { code, globals, port: channel.port2, flag, netHttp: call.netHttp === true },
    transferList: [channel.port2],
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
    stdout: true,
    stderr: true,
  });
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      call.signal?.removeEventListener("abort", onAbort);
      void worker.terminate();
      channel.port1.close();
      ended.abort();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(
      () => finish(new LuaHookError(`lua hook timed out after ${timeout} ms`)),
      timeout,
    );
    const onAbort = () => finish(new LuaHookError("lua hook cancelled: server shutting down"));
    call.signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (message: { out?: string; done?: boolean; error?: string }) => {
      if (message.out !== undefined) call.log(message.out);
      else if (message.done) finish();
      else if (message.error !== undefined) {
        // hook.fail: exactly its message. Other errors: the traceback goes to the hook's
        // output, the failure names only the error itself.
        const failed = hookFailure(message.error);
        if (failed === undefined) call.log(`${message.error}\n`);
        finish(new LuaHookError(failed ?? message.error.split("\n")[0] ?? message.error));
      }
    });
    worker.on("error", (err) => finish(new LuaHookError(`lua hook failed: ${err.message}`)));
    worker.on("exit", (code) => finish(new LuaHookError(`lua hook stopped (exit code ${code})`)));
  });
}
