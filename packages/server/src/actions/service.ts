/**
 * Actions: before an operation, the `pre-` (and `prepare-`) hooks of the actions defined on its
 * source ref run, and any failure aborts the operation (412); after it succeeded, the `post-`
 * hooks run in the background and their failures are only recorded. Actions run in parallel;
 * the hooks of one action run in order, and after a failure only hooks whose `if` asks for it
 * run. Every run with at least one matching hook is recorded (`runs-store.ts`).
 */
import type { LocalBlockStore } from "../block/local.js";
import type { Entry } from "../core/entry.js";
import { EngineError } from "../core/errors.js";
import type { Engine } from "../engine/engine.js";
import {
  type Action,
  checkUniqueNames,
  InvalidActionError,
  matches,
  parseAction,
} from "./action-file.js";
import { evaluateCondition } from "./condition.js";
import type { EventCommit, EventType, HookRecord, Operation } from "./events.js";
import { runHook } from "./hooks.js";
import type { InternalApi } from "./internal-api.js";
import { DEFAULT_ENV_PREFIX, type EnvOptions } from "./properties.js";
import { hookRunId, newRunId } from "./run-id.js";
import { type HookRunRecord, type RunManifest, type RunRecord, RunsStore } from "./runs-store.js";

/** What an operation tells its hooks; the event type is added per phase. */
export type EventDetails = Omit<HookRecord, "eventType">;

/** What a route knows about its operation (the service adds the storage namespace). */
export type OperationDetails = Omit<EventDetails, "storageNamespace" | "commit"> & {
  readonly commit?: EventCommit | undefined;
};

const NO_COMMIT: EventCommit = { message: "", committer: "", metadata: {} };

const ACTIONS_PREFIX = "_lakefs_actions/";
const MAX_ACTION_FILE_BYTES = 1 << 20;

export interface ActionsOptions {
  /** Environment `{{ ENV.NAME }}` reads from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Only variables with this prefix may be read (default `LAKEFSACTION_`). */
  readonly envPrefix?: string | undefined;
  /** Lua hooks get `net/http` (lakeFS's `actions.lua.net_http_enabled`; default off). */
  readonly luaNetHttp?: boolean | undefined;
}

/** The pre-hook failure that aborts an operation: lakeFS's 412 and message. */
export function hookAborted(event: EventType, runId: string, reason: string): EngineError {
  return new EngineError(
    "precondition_failed",
    `${event} hook aborted, run id '${runId}': ${reason}`,
  );
}

interface RunOutcome {
  readonly recorded: boolean;
  readonly failure?: string;
}

interface Task {
  readonly action: Action;
  readonly hookIndex: number;
  readonly hookRunId: string;
}

export class ActionsService {
  readonly runs = new RunsStore();
  private readonly env: EnvOptions;
  private readonly background = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private api: InternalApi | undefined;
  private readonly luaNetHttp: boolean;

  constructor(
    private readonly engine: Engine,
    private readonly blocks: LocalBlockStore,
    options: ActionsOptions = {},
  ) {
    this.luaNetHttp = options.luaNetHttp ?? false;
    this.env = {
      env: options.env ?? process.env,
      prefix: options.envPrefix ?? DEFAULT_ENV_PREFIX,
    };
  }

  /**
   * Runs the `pre-` hooks of `record` and returns its run id when a run was recorded (for the
   * operation's commit to be added to it). Throws the 412 that aborts the operation when a hook
   * fails.
   */
  async runPre(record: HookRecord): Promise<string | undefined> {
    const runId = newRunId();
    const { recorded, failure } = await this.run(runId, record);
    if (failure !== undefined) throw hookAborted(record.eventType, runId, failure);
    return recorded ? runId : undefined;
  }

  /** Starts the `post-` hooks of `record` in the background. */
  runPost(record: HookRecord): void {
    const job = this.run(newRunId(), record)
      .then(() => {})
      .catch((err) => {
        process.stderr.write(
          `actions: ${record.eventType} run failed: ${(err as Error).message}\n`,
        );
      })
      .finally(() => this.background.delete(job));
    this.background.add(job);
  }

  /**
   * Runs `operation` guarded by the hooks of `op`: `prepare-commit` (commits only) and `pre-op`
   * first (a failure throws the 412 and the operation never runs), then, once it succeeded,
   * `post-op` in the background with the details `post` derives from its result. An unknown
   * repository runs no hooks: the operation reports it in its own words.
   */
  async around<T>(
    op: Operation,
    details: OperationDetails,
    operation: () => T | Promise<T>,
    post: (result: T) => Partial<EventDetails> = () => ({}),
  ): Promise<T> {
    let storageNamespace: string;
    try {
      ({ storageNamespace } = await this.engine.getRepository(details.repositoryId));
    } catch (err) {
      if (err instanceof EngineError && err.kind === "not_found") return operation();
      throw err;
    }
    const pre: EventDetails = { commit: NO_COMMIT, ...details, storageNamespace };
    if (op === "commit") await this.runPre({ ...pre, eventType: "prepare-commit" });
    const preRunId = await this.runPre({ ...pre, eventType: `pre-${op}` });
    const result = await operation();
    const postRecord: HookRecord = { ...pre, ...post(result), eventType: `post-${op}` };
    // As lakeFS does before answering: the pre- run learns the commit it guarded.
    if (preRunId !== undefined && postRecord.commitId)
      await this.setCommitId(storageNamespace, preRunId, postRecord.commitId);
    this.runPost(postRecord);
    return result;
  }

  /** Gives Lua hooks' `lakefs` module the server's API (set once the HTTP app exists). */
  connectApi(api: InternalApi): void {
    this.api = api;
  }

  /** Waits for background post-hook runs (each bounded by its hooks' timeouts). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Cancels running hooks and waits for their runs to be recorded. */
  async close(): Promise<void> {
    this.shutdown.abort(new Error("server shutting down"));
    await this.idle();
  }

  private nsDir(storageNamespace: string): string {
    return this.blocks.namespaceDir(storageNamespace);
  }

  private async setCommitId(storageNamespace: string, runId: string, commitId: string) {
    const nsDir = this.nsDir(storageNamespace);
    const manifest = await this.runs.readManifest(nsDir, runId);
    if (manifest === undefined) return;
    await this.runs.writeManifest(nsDir, { ...manifest, run: { ...manifest.run, commitId } });
  }

  /** A file of the event's source ref, as text. */
  private async readFile(record: HookRecord, nsDir: string, path: string): Promise<string> {
    const entry = await this.engine.getEntry(record.repositoryId, record.sourceRef, path);
    return (await this.readEntry(nsDir, entry)).toString("utf8");
  }

  private async readEntry(nsDir: string, entry: Entry): Promise<Buffer> {
    if (entry.size > MAX_ACTION_FILE_BYTES) throw new InvalidActionError("larger than 1 MiB");
    const { stream } = await this.blocks.open(nsDir, entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** The actions defined on `ref` (direct children of `_lakefs_actions/`), validated. */
  private async loadActions(repository: string, ref: string, nsDir: string): Promise<Action[]> {
    const actions: Action[] = [];
    let after = "";
    for (;;) {
      const page = await this.engine.listEntries(repository, ref, {
        prefix: ACTIONS_PREFIX,
        delimiter: "/",
        after,
        amount: 1000,
      });
      for (const item of page.results) {
        if (item.entry === undefined) continue;
        try {
          actions.push(parseAction((await this.readEntry(nsDir, item.entry)).toString("utf8")));
        } catch (err) {
          throw new InvalidActionError(`parsing file ${item.path}: ${(err as Error).message}`);
        }
      }
      if (!page.hasMore) break;
      after = page.nextOffset;
    }
    checkUniqueNames(actions);
    return actions;
  }

  /**
   * Runs the matching hooks. `recorded`: a run was written (some hook matched); `failure`: why
   * the run (or loading its actions) failed.
   */
  private async run(runId: string, record: HookRecord): Promise<RunOutcome> {
    const nsDir = this.nsDir(record.storageNamespace);
    let actions: Action[];
    try {
      actions = (await this.loadActions(record.repositoryId, record.sourceRef, nsDir)).filter(
        (action) => matches(action, record.eventType, record.branchId),
      );
    } catch (err) {
      if (err instanceof InvalidActionError) return { recorded: false, failure: err.message };
      // A ref that does not exist defines no actions; the operation itself reports it.
      if (err instanceof EngineError && err.kind === "not_found") return { recorded: false };
      throw err;
    }
    const byAction = actions
      .map((action, a) =>
        action.hooks.map((_, h): Task => ({ action, hookIndex: h, hookRunId: hookRunId(a, h) })),
      )
      .filter((tasks) => tasks.length > 0);
    if (byAction.length === 0) return { recorded: false };

    const results = await Promise.all(
      byAction.map((tasks) => this.runAction(runId, record, tasks, nsDir)),
    );
    const hooks = results.flatMap((r) => r.hooks);
    const errors = results.flatMap((r) => (r.error === undefined ? [] : [r.error]));
    const started = hooks.flatMap((h) => (h.startTime ? [h.startTime] : []));
    const ended = hooks.flatMap((h) => (h.endTime ? [h.endTime] : []));
    const now = new Date().toISOString();
    const run: RunRecord = {
      runId,
      eventType: record.eventType,
      branchId: record.branchId,
      sourceRef: record.sourceRef,
      commitId: record.commitId ?? "",
      startTime: started.sort()[0] ?? now,
      endTime: ended.sort().at(-1) ?? now,
      passed: errors.length === 0,
    };
    const manifest: RunManifest = { run, hooks };
    await this.runs.writeManifest(nsDir, manifest);
    return errors.length === 0
      ? { recorded: true }
      : { recorded: true, failure: errors.join("; ") };
  }

  private async runAction(
    runId: string,
    record: HookRecord,
    tasks: readonly Task[],
    nsDir: string,
  ): Promise<{ hooks: HookRunRecord[]; error?: string }> {
    const hooks: HookRunRecord[] = [];
    let error: string | undefined;
    for (const task of tasks) {
      const hook = task.action.hooks[task.hookIndex]!;
      const base = { hookRunId: task.hookRunId, actionName: task.action.name, hookId: hook.id };
      let shouldRun: boolean;
      let failure: string | undefined;
      try {
        shouldRun = evaluateCondition(hook.if, error !== undefined);
      } catch (err) {
        shouldRun = true;
        failure = (err as Error).message;
      }
      if (!shouldRun) {
        hooks.push({ ...base, passed: false });
        continue;
      }
      const startTime = new Date().toISOString();
      const lines: string[] = [];
      if (failure === undefined) {
        try {
          await runHook(hook, {
            record,
            actionName: task.action.name,
            runId,
            env: this.env,
            log: (line) => lines.push(line),
            loadFile: (path) => this.readFile(record, nsDir, path),
            signal: this.shutdown.signal,
            api: this.api,
            luaNetHttp: this.luaNetHttp,
          });
        } catch (err) {
          failure = (err as Error).message;
        }
      }
      const endTime = new Date().toISOString();
      if (failure !== undefined) {
        lines.push(`Error: ${failure}\n`);
        error ??= `hook run id '${task.hookRunId}' failed on action '${task.action.name}' hook '${hook.id}': ${failure}`;
      }
      await this.runs.writeOutput(nsDir, runId, task.hookRunId, lines.join(""));
      hooks.push({ ...base, startTime, endTime, passed: failure === undefined });
    }
    return error === undefined ? { hooks } : { hooks, error };
  }
}
