/**
 * Background tasks of a repository (refs dump and restore, GC preparation): submitted, run once
 * the request that started them has been answered, their status kept in the settings table
 * (`<kind>_task:<id>`) so that a status call finds it, and deleted with the repository.
 */
import { randomBytes } from "node:crypto";
import { notFound } from "../core/errors.js";
import type { EngineContext } from "./context.js";

export interface TaskStatus<R> {
  readonly done: boolean;
  /** Unix seconds. */
  readonly updateTime: number;
  readonly error?: string | undefined;
  /** What the task produced, once done without error. */
  readonly result?: R | undefined;
}

const key = (kind: string, id: string) => `${kind}_task:${id}`;

/** Records a pending task of `kind`, runs `work` after the current request; returns its id. */
export function runTask<R>(
  ctx: EngineContext,
  repo: string,
  kind: string,
  work: () => R | Promise<R>,
): string {
  const id = randomBytes(10).toString("hex");
  const save = (status: TaskStatus<R>) => {
    if (ctx.store.db.open) ctx.store.setSetting(repo, key(kind, id), JSON.stringify(status));
  };
  save({ done: false, updateTime: ctx.now() });
  setImmediate(async () => {
    if (!ctx.store.db.open) return;
    try {
      const result = await work();
      save({ done: true, updateTime: ctx.now(), result });
    } catch (err) {
      save({
        done: true,
        updateTime: ctx.now(),
        error: err instanceof Error ? err.message : String(err),
      });
    }
  });
  return id;
}

/** A task's status; 404 `not found` for an unknown id (or one of another kind or repository). */
export function taskStatus<R>(
  ctx: EngineContext,
  repo: string,
  kind: string,
  id: string,
): TaskStatus<R> {
  ctx.repo(repo);
  const raw = ctx.store.getSetting(repo, key(kind, id));
  if (raw === undefined) throw notFound();
  return JSON.parse(raw) as TaskStatus<R>;
}
