/**
 * Action runs of a repository: the records lakeFS keeps each time the hooks of
 * `_lakefs_actions/` ran (`repo.actions.runs()`), their hook runs, and each hook's output.
 */
import { type CallOptions, type HttpClient, path } from "./api/http.js";
import type { Schema } from "./api/index.js";
import type { Client } from "./client.js";
import { getPages, Listing, type ListOptions } from "./paging.js";

/** How a run or hook run ended; `skipped` hooks did not run after an earlier failure. */
export type RunStatus = "completed" | "failed";
export type HookRunStatus = RunStatus | "skipped";

type WireHookRun = Omit<Schema<"HookRun">, "status"> & { status: HookRunStatus };

const optionalDate = (s: string | undefined) => (s === undefined ? undefined : new Date(s));

/** One run of the hooks an event triggered. */
export class ActionRun {
  readonly runId: string;
  readonly branch: string;
  /** The event, e.g. `pre-commit`, `post-merge`. */
  readonly eventType: string;
  readonly status: RunStatus;
  /** The commit the operation made (or "" when it made none, e.g. a blocked commit). */
  readonly commitId: string;
  readonly startTime: Date;
  readonly endTime: Date | undefined;

  constructor(
    private readonly repositoryId: string,
    run: Schema<"ActionRun">,
    private readonly client: Client,
  ) {
    this.runId = run.run_id;
    this.branch = run.branch;
    this.eventType = run.event_type;
    this.status = run.status;
    this.commitId = run.commit_id;
    this.startTime = new Date(run.start_time);
    this.endTime = optionalDate(run.end_time);
  }

  /** The hook runs of this run, in hook-run id order (action, then hook within it). */
  hooks(options: ListOptions = {}): Listing<HookRun, WireHookRun> {
    const route = path`/repositories/${this.repositoryId}/actions/runs/${this.runId}/hooks`;
    return new Listing(
      getPages<WireHookRun>(this.client, route),
      (hook) => new HookRun(this.repositoryId, this.runId, hook, this.client),
      (hook) => hook.hook_run_id,
      options,
    );
  }
}

/** One hook's execution within a run. */
export class HookRun {
  readonly hookRunId: string;
  /** The action's name. */
  readonly action: string;
  readonly hookId: string;
  readonly status: HookRunStatus;
  readonly startTime: Date;
  readonly endTime: Date | undefined;

  constructor(
    private readonly repositoryId: string,
    readonly runId: string,
    hook: WireHookRun,
    private readonly client: Client,
  ) {
    this.hookRunId = hook.hook_run_id;
    this.action = hook.action;
    this.hookId = hook.hook_id;
    this.status = hook.status;
    this.startTime = new Date(hook.start_time);
    this.endTime = optionalDate(hook.end_time);
  }

  /** The hook's log (for a webhook: the request it sent and the answer); "" when skipped. */
  output(call: CallOptions = {}): Promise<string> {
    return this.client.http.request(
      {
        method: "GET",
        path: path`/repositories/${this.repositoryId}/actions/runs/${this.runId}/hooks/${this.hookRunId}/output`,
        expect: "text",
      },
      call,
    );
  }
}

export interface RunsOptions extends ListOptions {
  /** Only runs of this branch. */
  readonly branch?: string;
  /** Only runs of this commit. */
  readonly commit?: string;
}

/** The action runs of one repository (`repo.actions`). */
export class Actions {
  constructor(
    private readonly repositoryId: string,
    private readonly client: Client,
  ) {}

  private get http(): HttpClient {
    return this.client.http;
  }

  /** Runs, newest first, optionally of one branch or commit. */
  runs(options: RunsOptions = {}): Listing<ActionRun, Schema<"ActionRun">> {
    return new Listing(
      getPages<Schema<"ActionRun">>(
        this.client,
        path`/repositories/${this.repositoryId}/actions/runs`,
        { branch: options.branch, commit: options.commit },
      ),
      (run) => new ActionRun(this.repositoryId, run, this.client),
      (run) => run.run_id,
      options,
    );
  }

  /** One run by id (`NotFoundError` when there is none). */
  async run(runId: string, call: CallOptions = {}): Promise<ActionRun> {
    const run = await this.http.request<Schema<"ActionRun">>(
      {
        method: "GET",
        path: path`/repositories/${this.repositoryId}/actions/runs/${runId}`,
        expect: "json",
      },
      call,
    );
    return new ActionRun(this.repositoryId, run, this.client);
  }
}
