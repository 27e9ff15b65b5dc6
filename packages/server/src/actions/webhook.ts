/**
 * Webhook hooks: POST the event as JSON to `properties.url` (plus `query_params` and `headers`,
 * both with `{{ ENV.… }}` filled in); any non-2xx answer, a network error or the timeout
 * (`properties.timeout`, a Go duration, default 1 minute) fails the hook. The log shows the
 * request without query or header values (they may hold secrets) and the response.
 */
import type { ActionHook } from "./action-file.js";
import { type EnvOptions, parseDuration, requiredString, stringListMap } from "./properties.js";

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 60_000;
const LOGGED_BODY_BYTES = 4096;

export class WebhookError extends Error {}

export interface WebhookCall {
  readonly hook: ActionHook;
  readonly payload: Record<string, unknown>;
  readonly env: EnvOptions;
  /** Where the hook writes its log lines (the run's hook output). */
  readonly log: (line: string) => void;
  /** Cancels the call when the server shuts down. */
  readonly signal?: AbortSignal | undefined;
}

function describeUrl(url: URL): string {
  const names = [...new Set(url.searchParams.keys())];
  return `${url.origin}${url.pathname}${names.length > 0 ? `?${names.map((n) => `${n}=…`).join("&")}` : ""}`;
}

/** Sends one webhook; resolves on a 2xx answer, throws `WebhookError` otherwise. */
export async function runWebhook({ hook, payload, env, log, signal }: WebhookCall): Promise<void> {
  const { properties } = hook;
  const url = new URL(requiredString(properties, "url"));
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new WebhookError(`url: unsupported scheme ${url.protocol}`);
  }
  for (const [name, value] of stringListMap(properties, "query_params", env)) {
    url.searchParams.append(name, value);
  }
  const headers: Record<string, string> = { "content-type": "application/json" };
  for (const [name, value] of stringListMap(properties, "headers", env)) headers[name] = value;
  const timeout =
    properties.timeout === undefined
      ? DEFAULT_WEBHOOK_TIMEOUT_MS
      : parseDuration(String(properties.timeout));

  const timer = AbortSignal.timeout(timeout);
  const started = Date.now();
  log(`Request:\nPOST ${describeUrl(url)}\n`);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(payload),
      signal: signal ? AbortSignal.any([signal, timer]) : timer,
      redirect: "manual",
    });
  } catch (err) {
    if (timer.aborted) throw new WebhookError(`webhook request timed out after ${timeout} ms`);
    throw new WebhookError(`webhook request failed: ${(err as Error).message}`);
  }
  let body = "";
  try {
    body = await response.text();
  } catch {
    // The status decides; a body cut off by the timeout does not matter.
  }
  const shown = body.length > LOGGED_BODY_BYTES ? `${body.slice(0, LOGGED_BODY_BYTES)}…` : body;
  log(
    `Response: ${response.status} ${response.statusText} (${Date.now() - started} ms)\n${shown}\n`,
  );
  if (response.status < 200 || response.status > 299) {
    throw new WebhookError(
      `webhook ${describeUrl(url)} failed with status code ${response.status}`,
    );
  }
}
