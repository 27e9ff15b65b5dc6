/**
 * Runs one hook of an action by its type. Webhooks run here; Lua and Airflow hooks are
 * recognised (lakeFS knows them) but fail with a clear reason, so a pre-hook that guards an
 * operation fails closed instead of being silently skipped.
 */
import type { ActionHook } from "./action-file.js";
import type { EnvOptions } from "./properties.js";
import { runWebhook } from "./webhook.js";

export class UnsupportedHookError extends Error {}

export interface HookContext {
  readonly payload: Record<string, unknown>;
  readonly env: EnvOptions;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal | undefined;
}

export async function runHook(hook: ActionHook, context: HookContext): Promise<void> {
  switch (hook.type) {
    case "webhook":
      return runWebhook({ hook, ...context });
    case "lua":
      throw new UnsupportedHookError("lua hooks are not supported by lakefs-ts-server");
    case "airflow":
      throw new UnsupportedHookError("airflow hooks are not supported by lakefs-ts-server");
  }
}
