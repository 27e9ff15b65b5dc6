/**
 * Starts a worker thread on a sibling module of the caller. Built code (`dist/*.js`) starts the
 * module directly; source run through tsx (`src/*.ts`, tests and examples) cannot, because
 * tsx's loader is not inherited by workers, so a tiny bootstrap registers tsx in the worker
 * first.
 */
import { Worker, type WorkerOptions } from "node:worker_threads";
import { EngineError, type EngineErrorKind } from "./errors.js";

/** `new Worker` on `<name>.js` or `<name>.ts` next to `importMetaUrl`, whichever runs. */
export function startModuleWorker(
  importMetaUrl: string,
  name: string,
  options: WorkerOptions = {},
): Worker {
  const fromSource = importMetaUrl.endsWith(".ts");
  const url = new URL(`./${name}${fromSource ? ".ts" : ".js"}`, importMetaUrl);
  if (!fromSource) return new Worker(url, options);
  const bootstrap = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** An error as it crosses a thread boundary: its message and, for an `EngineError`, its kind. */
export interface WorkerError {
  readonly message: string;
  readonly kind?: string | undefined;
}

/** What a worker sends for a thrown `err`. */
export function toWorkerError(err: unknown): WorkerError {
  const message = err instanceof Error ? err.message : String(err);
  return { message, kind: err instanceof EngineError ? err.kind : undefined };
}

/** The error a worker reported, rebuilt: the same `EngineError` kind, or a plain `Error`. */
export function fromWorkerError(e: WorkerError): Error {
  return e.kind ? new EngineError(e.kind as EngineErrorKind, e.message) : new Error(e.message);
}
