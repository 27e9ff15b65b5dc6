/**
 * Runs one hook of an action by its type: webhooks (`webhook.ts`) and Lua scripts (`lua.ts`).
 * Airflow hooks are recognised (lakeFS knows them) but fail with a clear reason, so a pre-hook
 * that guards an operation fails closed instead of being silently skipped.
 */
import type { ActionHook } from "./action-file.js";
import { eventPayload, type HookRecord } from "./events.js";
import type { InternalApi } from "./internal-api.js";
import { runLuaHook } from "./lua.js";
import type { EnvOptions } from "./properties.js";
import { runWebhook } from "./webhook.js";

export class UnsupportedHookError extends Error {}

export interface HookContext {
  readonly record: HookRecord;
  readonly actionName: string;
  readonly runId: string;
  readonly env: EnvOptions;
  readonly log: (line: string) => void;
  /** Reads a file of the event's source ref (Lua `script_path`). */
  readonly loadFile: (path: string) => Promise<string>;
  readonly signal?: AbortSignal | undefined;
  /** The server's API for Lua's `lakefs` module (absent: its calls fail). */
  readonly api?: InternalApi | undefined;
  /** Lua hooks may `require("net/http")`. */
  readonly luaNetHttp?: boolean | undefined;
}

export async function runHook(hook: ActionHook, context: HookContext): Promise<void> {
  const { record, actionName, env, log, signal } = context;
  switch (hook.type) {
    case "webhook":
      return runWebhook({
        hook,
        payload: eventPayload(record, actionName, hook.id, new Date()),
        env,
        log,
        signal,
      });
    case "lua":
      return runLuaHook({
        hook,
        actionName,
        record,
        runId: context.runId,
        username: record.user ?? record.commit.committer,
        env,
        log,
        loadScript: context.loadFile,
        signal,
        api: context.api,
        netHttp: context.luaNetHttp,
      });
    case "airflow":
      throw new UnsupportedHookError("airflow hooks are not supported by lakefs-ts-server");
  }
}
