/** Action runs: list (by branch or commit), one run, its hook runs, a hook run's output. */
import type { Schema } from "lakefs-ts/api";
import type { HookRunRecord, RunRecord } from "../../actions/runs-store.js";
import { notFound } from "../../core/errors.js";
import { pageSize } from "../../engine/validate.js";
import { type RouteArea, repositoryStorage } from "../context.js";
import { operation, type Route } from "../validation.js";

const MAX_PER_PAGE = 1000;

function runWire(run: RunRecord): Schema<"ActionRun"> {
  return {
    run_id: run.runId,
    branch: run.branchId,
    start_time: run.startTime,
    end_time: run.endTime,
    event_type: run.eventType,
    status: run.passed ? "completed" : "failed",
    commit_id: run.commitId,
  };
}

/** lakeFS reports a hook that never started (skipped after a failure) as `skipped`. */
function hookRunWire(hook: HookRunRecord) {
  const skipped = hook.startTime === undefined;
  return {
    hook_run_id: hook.hookRunId,
    action: hook.actionName,
    hook_id: hook.hookId,
    start_time: hook.startTime ?? new Date(0).toISOString(),
    ...(skipped ? {} : { end_time: hook.endTime }),
    status: hook.passed ? "completed" : skipped ? "skipped" : "failed",
  };
}

function pagination(count: number, hasMore: boolean, last: string): Schema<"Pagination"> {
  return {
    has_more: hasMore,
    next_offset: hasMore ? last : "",
    results: count,
    max_per_page: MAX_PER_PAGE,
  };
}

export const actionRoutes: RouteArea = (app, s) => {
  const { actions } = s;

  /** The repository's namespace directory and the run's manifest (404 when either is missing). */
  const runOf = async (repository: string, runId: string) => {
    const { nsDir } = await repositoryStorage(s, repository);
    const manifest = await actions.runs.readManifest(nsDir, runId);
    if (manifest === undefined) throw notFound("not found");
    return { nsDir, manifest };
  };

  app.get<Route<"listRepositoryRuns">>(
    "/repositories/:repository/actions/runs",
    { schema: operation("listRepositoryRuns") },
    async (req): Promise<Schema<"ActionRunList">> => {
      const { branch, commit, after } = req.query;
      const { nsDir } = await repositoryStorage(s, req.params.repository);
      const { runs, hasMore } = await actions.runs.list(nsDir, {
        after: after ?? "",
        amount: pageSize(req.query.amount),
        keep: (run) => (!branch || run.branchId === branch) && (!commit || run.commitId === commit),
      });
      return {
        pagination: pagination(runs.length, hasMore, runs.at(-1)?.runId ?? ""),
        results: runs.map(runWire),
      };
    },
  );

  app.get<Route<"getRun">>(
    "/repositories/:repository/actions/runs/:run_id",
    { schema: operation("getRun") },
    async (req) => runWire((await runOf(req.params.repository, req.params.run_id)).manifest.run),
  );

  app.get<Route<"listRunHooks">>(
    "/repositories/:repository/actions/runs/:run_id/hooks",
    { schema: operation("listRunHooks") },
    async (req) => {
      const { manifest } = await runOf(req.params.repository, req.params.run_id);
      const after = req.query.after ?? "";
      const amount = pageSize(req.query.amount);
      const remaining = manifest.hooks
        .filter((h) => h.hookRunId > after)
        .sort((a, b) => (a.hookRunId < b.hookRunId ? -1 : 1));
      const page = remaining.slice(0, amount);
      const hasMore = remaining.length > amount;
      return {
        pagination: pagination(page.length, hasMore, page.at(-1)?.hookRunId ?? ""),
        results: page.map(hookRunWire),
      };
    },
  );

  app.get<Route<"getRunHookOutput">>(
    "/repositories/:repository/actions/runs/:run_id/hooks/:hook_run_id/output",
    { schema: operation("getRunHookOutput") },
    async (req, reply) => {
      const { run_id: runId, hook_run_id: hookRunId } = req.params;
      const { nsDir, manifest } = await runOf(req.params.repository, runId);
      const hook = manifest.hooks.find((h) => h.hookRunId === hookRunId);
      if (hook === undefined) throw notFound("not found");
      const output =
        hook.startTime === undefined
          ? Buffer.alloc(0)
          : await actions.runs.readOutput(nsDir, runId, hookRunId);
      if (output === undefined) throw notFound("not found");
      return reply
        .header("content-disposition", `attachment; filename="${hookRunId}.log"`)
        .type("application/octet-stream")
        .send(output);
    },
  );
};
