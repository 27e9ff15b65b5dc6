/**
 * Action runs. Actions (hooks) are not run by this server yet, so no run ever exists: the
 * listing is empty and any run id is lakeFS's `not found` — what lakeFS answers for a
 * repository without actions.
 */
import { notFound } from "../../core/errors.js";
import type { RouteArea } from "../context.js";
import { object, type PagingQuery, paging, type RepoParams, str } from "../validation.js";
import { listOf } from "../wire.js";

const R = "/repositories/:repository/actions/runs";
const runParams = object({ repository: str, run_id: str }, ["repository", "run_id"]);

export const actionRoutes: RouteArea = (app, { engine }) => {
  app.get<{ Params: RepoParams; Querystring: PagingQuery & { branch?: string; commit?: string } }>(
    R,
    {
      schema: {
        params: object({ repository: str }, ["repository"]),
        querystring: object({ ...paging, branch: str, commit: str }),
      },
    },
    async (req) => {
      await engine.getRepository(req.params.repository);
      return listOf({ results: [], hasMore: false, nextOffset: "" }, (run: never) => run);
    },
  );

  for (const url of [
    `${R}/:run_id`,
    `${R}/:run_id/hooks`,
    `${R}/:run_id/hooks/:hook_run_id/output`,
  ]) {
    app.get<{ Params: { repository: string } }>(
      url,
      { schema: { params: runParams } },
      async (req) => {
        await engine.getRepository(req.params.repository);
        throw notFound();
      },
    );
  }
};
