/**
 * Refs dump and restore: the direct calls (`PUT …/refs/dump`, `PUT …/refs/restore`) and the
 * task form (`POST …/dump` / `…/restore` → 202 with a task id, `GET` with `task_id` → status),
 * in lakeFS's shapes. The dump ids name our own documents (see engine/refs-dump.ts).
 */
import type { Schema } from "lakefs-ts/api";
import type { RefsDumpIds, RefsTaskStatus } from "../../engine/refs-dump.js";
import type { RouteArea } from "../context.js";
import { boolFalse, nonEmptyStr, object, type RepoParams, repoParams, str } from "../validation.js";

const restoreBody = object(
  {
    commits_meta_range_id: str,
    tags_meta_range_id: str,
    branches_meta_range_id: str,
    force: boolFalse,
  },
  ["commits_meta_range_id", "tags_meta_range_id", "branches_meta_range_id"],
);
const taskQuery = object({ task_id: nonEmptyStr }, ["task_id"]);

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

  app.put<{ Params: RepoParams }>(
    `${R}/refs/dump`,
    { schema: { params: repoParams } },
    async (req, reply) => {
      const ids = await engine.dumpRefs(req.params.repository);
      return reply.code(201).send(dumpWire(ids));
    },
  );

  app.put<{ Params: RepoParams; Body: Schema<"RefsRestore"> }>(
    `${R}/refs/restore`,
    { schema: { params: repoParams, body: restoreBody } },
    async (req, reply) => {
      await engine.restoreRefs(req.params.repository, idsOf(req.body), { force: req.body.force });
      return reply.code(200).send();
    },
  );

  app.post<{ Params: RepoParams }>(
    `${R}/dump`,
    { schema: { params: repoParams } },
    async (req, reply) => {
      const id = await engine.submitDump(req.params.repository);
      return reply.code(202).send({ id } satisfies Schema<"TaskInfo">);
    },
  );

  app.post<{ Params: RepoParams; Body: Schema<"RefsRestore"> }>(
    `${R}/restore`,
    { schema: { params: repoParams, body: restoreBody } },
    async (req, reply) => {
      const id = await engine.submitRestore(req.params.repository, idsOf(req.body), {
        force: req.body.force,
      });
      return reply.code(202).send({ id } satisfies Schema<"TaskInfo">);
    },
  );

  for (const path of [`${R}/dump`, `${R}/restore`]) {
    app.get<{ Params: RepoParams; Querystring: { task_id: string } }>(
      path,
      { schema: { params: repoParams, querystring: taskQuery } },
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
