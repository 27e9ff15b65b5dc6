/**
 * GC preparation: `POST …/gc/prepare_commits` (201 with the run's locations), its task form
 * (`…/async` → 202 with a task id, `GET …/status?id=` → the task's status), and
 * `POST …/gc/prepare_uncommited` (201 with the run's Parquet location).
 */
import type { Schema } from "lakefs-ts/api";
import { badRequest } from "../../core/errors.js";
import {
  type GcPrepareResult,
  prepareGcCommits,
  prepareGcUncommitted,
} from "../../service/gc-prepare.js";
import type { RouteArea } from "../context.js";
import { nonEmpty, operation, type Route } from "../validation.js";

const TASK_KIND = "gc_prepare_commits";

function prepareWire(r: GcPrepareResult): Schema<"GarbageCollectionPrepareResponse"> {
  return {
    run_id: r.runId,
    gc_commits_location: r.commitsLocation,
    gc_addresses_location: r.addressesLocation,
  };
}

export const gcPrepareRoutes: RouteArea = (app, { engine, blocks }) => {
  const R = "/repositories/:repository/gc/prepare_commits";

  app.post<Route<"prepareGarbageCollectionCommits">>(
    R,
    { schema: operation("prepareGarbageCollectionCommits") },
    async (req, reply) => {
      const result = await prepareGcCommits(engine, blocks, req.params.repository);
      return reply.code(201).send(prepareWire(result));
    },
  );

  app.post<Route<"prepareGarbageCollectionCommitsAsync">>(
    `${R}/async`,
    { schema: operation("prepareGarbageCollectionCommitsAsync") },
    async (req, reply) => {
      const repo = req.params.repository;
      // lakeFS checks the rules up front; so does this, so a missing rule set is a 404 now.
      await engine.gcCommits(repo);
      const id = await engine.runTask(repo, TASK_KIND, () =>
        prepareGcCommits(engine, blocks, repo),
      );
      return reply.code(202).send({ id } satisfies Schema<"TaskCreation">);
    },
  );

  app.get<Route<"prepareGarbageCollectionCommitsStatus">>(
    `${R}/status`,
    // An empty task id is refused at the boundary (400); the spec has no minLength for it.
    { schema: operation("prepareGarbageCollectionCommitsStatus", { querystring: nonEmpty("id") }) },
    async (req): Promise<Schema<"PrepareGarbageCollectionCommitsStatus">> => {
      const status = await engine.taskStatus<GcPrepareResult>(
        req.params.repository,
        TASK_KIND,
        req.query.id,
      );
      return {
        task_id: req.query.id,
        completed: status.done,
        update_time: new Date(status.updateTime * 1000).toISOString(),
        ...(status.result && { result: prepareWire(status.result) }),
        ...(status.error !== undefined && { error: { message: status.error } }),
      };
    },
  );

  app.post<Route<"prepareGarbageCollectionUncommitted">>(
    "/repositories/:repository/gc/prepare_uncommited",
    { schema: operation("prepareGarbageCollectionUncommitted") },
    async (req, reply) => {
      // A continuation token continues an earlier run's listing; one run lists everything here,
      // so only the empty token (a fresh run) is meaningful.
      if (req.body?.continuation_token) {
        throw badRequest("invalid continuation token");
      }
      const result = await prepareGcUncommitted(engine, blocks, req.params.repository);
      return reply.code(201).send({
        run_id: result.runId,
        gc_uncommitted_location: result.location,
      } satisfies Schema<"PrepareGCUncommittedResponse">);
    },
  );
};
