/**
 * One deadline over a transfer made of many requests: `timeout` bounds the whole upload or
 * download, not each request (a large body would otherwise hit the per-request default).
 */
import type { CallOptions } from "../api/http.js";
import { InvalidArgumentError, RequestTimeoutError } from "../errors.js";

export interface Deadline {
  /** Aborts on the caller's signal or when the timeout elapses (reason: RequestTimeoutError). */
  readonly signal: AbortSignal;
  dispose(): void;
}

export function deadline(call: CallOptions, operation: string): Deadline {
  const controller = new AbortController();
  const timeout = call.timeout;
  if (timeout !== undefined && !(timeout >= 0)) {
    throw new InvalidArgumentError(`timeout must be >= 0 ms, got ${timeout}`);
  }
  const timer =
    timeout !== undefined && timeout > 0 && Number.isFinite(timeout)
      ? setTimeout(
          () =>
            controller.abort(new RequestTimeoutError(`${operation} timed out after ${timeout} ms`)),
          timeout,
        )
      : undefined;
  const user = call.signal;
  const forward = () => controller.abort(user?.reason);
  if (user?.aborted) forward();
  else user?.addEventListener("abort", forward, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      user?.removeEventListener("abort", forward);
    },
  };
}
