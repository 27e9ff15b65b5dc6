/**
 * Refs dump and restore: the direct calls (`PUT …/refs/dump`, `PUT …/refs/restore`) and the
 * task form (`POST …/dump` / `…/restore` → 202 with a task id, `GET` with `task_id` → status),
 * in lakeFS's shapes. The dump ids name our own documents (see engine/refs-dump.ts).
 */
import type { Schema } from "lakefs-ts/api";
import type { RefsDumpIds, RefsTaskStatus } from "../../engine/refs-dump.js";
import type { RouteArea } from "../context.js";
import { nonEmpty, operation, type Route } from "../validation.js";

function dumpWire(ids: RefsDumpIds): Schema<"RefsDump"> {
  return {
    commits_meta_range_id: ids.commitsId,
    tags_meta_range_id: ids.tagsId,
    branches_meta_range_id: ids.branchesId,
  };
}

function idsOf(body: Schema<"RefsRestore">): RefsDumpIds {
  return {
    commitsId: body.commits_meta_range_id,
    tagsId: body.tags_meta_range_id,
    branchesId: body.branches_meta_range_id,
  };
}

function taskWire(id: string, status: RefsTaskStatus): Schema<"RepositoryDumpStatus"> {
  const wire: Schema<"RepositoryDumpStatus"> = {
    id,
    done: status.done,
    update_time: new Date(status.updateTime * 1000).toISOString(),
  };
  if (status.error) wire.error = status.error;
  if (status.done && status.result) wire.refs = dumpWire(status.result);
  return wire;
}

export const refsDumpRoutes: RouteArea = (app, { engine }) => {
  const R = "/repositories/:repository";

  app.put<Route<"dumpRefs">>(
    `${R}/refs/dump`,
    { schema: operation("dumpRefs") },
    async (req, reply) => {
      const ids = await engine.dumpRefs(req.params.repository);
      return reply.code(201).send(dumpWire(ids));
    },
  );

  app.put<Route<"restoreRefs">>(
    `${R}/refs/restore`,
    { schema: operation("restoreRefs") },
    async (req, reply) => {
      await engine.restoreRefs(req.params.repository, idsOf(req.body), { force: req.body.force });
      return reply.code(200).send();
    },
  );

  app.post<Route<"dumpSubmit">>(
    `${R}/dump`,
    { schema: operation("dumpSubmit") },
    async (req, reply) => {
      const id = await engine.submitDump(req.params.repository);
      return reply.code(202).send({ id } satisfies Schema<"TaskInfo">);
    },
  );

  app.post<Route<"restoreSubmit">>(
    `${R}/restore`,
    { schema: operation("restoreSubmit") },
    async (req, reply) => {
      const id = await engine.submitRestore(req.params.repository, idsOf(req.body), {
        force: req.body.force,
      });
      return reply.code(202).send({ id } satisfies Schema<"TaskInfo">);
    },
  );

  for (const [path, id] of [
    [`${R}/dump`, "dumpStatus"],
    [`${R}/restore`, "restoreStatus"],
  ] as const) {
    app.get<Route<typeof id>>(
      path,
      // An empty task id is refused at the boundary (400); the spec has no minLength for it.
      { schema: operation(id, { querystring: nonEmpty("task_id") }) },
      async (req) => {
        const { task_id } = req.query;
        const status = await engine.refsTaskStatus(req.params.repository, task_id);
        const wire = taskWire(task_id, status);
        // A restore status has no refs.
        if (path.endsWith("/restore")) delete wire.refs;
        return wire;
      },
    );
  }
};
