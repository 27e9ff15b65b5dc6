/** Import from `local://` directories: start (202), status, cancel. */
import type { Schema } from "lakefs-ts/api";
import type { ImportStatus } from "../../engine/types.js";
import { committerOf, type RouteArea, repositoryStorage } from "../context.js";
import { nonEmpty, operation, type Route } from "../validation.js";
import { commitWire } from "../wire.js";

/** An empty import id is refused at the boundary (400); the spec has no minLength for it. */
const importIdOverride = { querystring: nonEmpty("id") };

function statusWire(status: ImportStatus): Schema<"ImportStatus"> {
  const wire: Schema<"ImportStatus"> = {
    completed: status.completed,
    update_time: new Date(status.updateTime * 1000).toISOString(),
    ingested_objects: status.ingestedObjects,
  };
  if (status.metarangeId) wire.metarange_id = status.metarangeId;
  if (status.commit) wire.commit = commitWire(status.commit);
  if (status.error) wire.error = { message: status.error };
  return wire;
}

export const importRoutes: RouteArea = (app, s) => {
  const { engine, blocks } = s;

  app.post<Route<"importStart">>(
    "/repositories/:repository/branches/:branch/import",
    { schema: operation("importStart") },
    async (req, reply): Promise<Schema<"ImportCreationResponse">> => {
      const { repository, branch } = req.params;
      const body = req.body;
      const { nsDir } = await repositoryStorage(s, repository);
      await engine.getBranch(repository, branch);
      const committer = committerOf(req);
      // Sources outside the allowed roots (or overlapping our own storage) are refused now and
      // never read; everything else — a missing source, a dirty branch — fails in the status,
      // where lakeFS reports it.
      for (const p of body.paths) {
        blocks.importSourceDir(p.path, s.importRoots, { allowMissing: true, namespaceDir: nsDir });
      }
      const id = await engine.startImport(repository, branch, {
        sources: body.paths.map((p) => ({
          type: p.type,
          path: p.path,
          destination: p.destination,
        })),
        commit: { message: body.commit.message || undefined, metadata: body.commit.metadata },
        force: body.force,
        committer,
        // lakeFS runs the branch's pre- and post-commit hooks around the import's commit.
        guardCommit: (commit) =>
          s.actions.around(
            "commit",
            {
              repositoryId: repository,
              branchId: branch,
              sourceRef: branch,
              commit: {
                message: body.commit.message || "Import objects",
                committer,
                metadata: body.commit.metadata ?? {},
              },
            },
            commit,
            (c) => ({ sourceRef: c.id, commitId: c.id }),
          ),
      });
      reply.code(202);
      return { id };
    },
  );

  app.get<Route<"importStatus">>(
    "/repositories/:repository/branches/:branch/import",
    { schema: operation("importStatus", importIdOverride) },
    async (req) => {
      const { repository, branch } = req.params;
      return statusWire(await engine.importStatus(repository, branch, req.query.id));
    },
  );

  app.delete<Route<"importCancel">>(
    "/repositories/:repository/branches/:branch/import",
    { schema: operation("importCancel", importIdOverride) },
    async (req, reply) => {
      const { repository, branch } = req.params;
      await engine.cancelImport(repository, branch, req.query.id);
      return reply.code(204).send();
    },
  );
};
