/** Repositories: list, create, get, delete. */
import type { Schema } from "lakefs-ts/api";
import { badRequest } from "../../core/errors.js";
import { committerOf, type RouteArea } from "../context.js";
import { populateSampleData } from "../sample-data.js";
import {
  boolFalse,
  type ForceQuery,
  forceQuery,
  nonEmptyStr,
  object,
  type PrefixPagingQuery,
  prefixPaging,
  type RepoParams,
  repoParams,
  str,
} from "../validation.js";
import { listOf, repositoryWire } from "../wire.js";

const creation = object(
  {
    name: nonEmptyStr,
    storage_namespace: nonEmptyStr,
    default_branch: str,
    storage_id: str,
    sample_data: boolFalse,
    read_only: boolFalse,
  },
  ["name", "storage_namespace"],
);

/** The one storage this server has; lakeFS names a single storage "". */
const STORAGE_ID = "";

export const repositoryRoutes: RouteArea = (app, services) => {
  const { engine } = services;
  app.get<{ Querystring: PrefixPagingQuery & { search?: string } }>(
    "/repositories",
    { schema: { querystring: object({ ...prefixPaging, search: str }) } },
    async (req) => listOf(await engine.listRepositories(req.query), repositoryWire),
  );

  app.post<{ Querystring: { bare: boolean }; Body: Schema<"RepositoryCreation"> }>(
    "/repositories",
    { schema: { querystring: object({ bare: boolFalse }), body: creation } },
    async (req, reply) => {
      const body = req.body;
      if (body.storage_id !== undefined && body.storage_id !== STORAGE_ID) {
        throw badRequest("storage id: invalid value: validation error");
      }
      const repo = await engine.createRepository({
        id: body.name,
        storageNamespace: body.storage_namespace,
        defaultBranch: body.default_branch || undefined,
        readOnly: body.read_only,
        bare: req.query.bare,
      });
      if (body.sample_data && !req.query.bare) {
        await populateSampleData(services, repo, committerOf(req));
      }
      reply.code(201);
      return repositoryWire(repo);
    },
  );

  app.get<{ Params: RepoParams }>(
    "/repositories/:repository",
    { schema: { params: repoParams } },
    async (req) => repositoryWire(await engine.getRepository(req.params.repository)),
  );

  app.delete<{ Params: RepoParams; Querystring: ForceQuery }>(
    "/repositories/:repository",
    { schema: { params: repoParams, querystring: forceQuery } },
    async (req, reply) => {
      await engine.deleteRepository(req.params.repository, { force: req.query.force });
      return reply.code(204).send();
    },
  );
};
