/** Repositories: list, create, get, delete. */
import { badRequest } from "../../core/errors.js";
import { committerOf, type RouteArea } from "../context.js";
import { populateSampleData } from "../sample-data.js";
import { nonEmpty, operation, type Route } from "../validation.js";
import { listOf, repositoryWire } from "../wire.js";

/** The one storage this server has; lakeFS names a single storage "". */
const STORAGE_ID = "";

export const repositoryRoutes: RouteArea = (app, services) => {
  const { engine } = services;
  app.get<Route<"listRepositories">>(
    "/repositories",
    { schema: operation("listRepositories") },
    async (req) => listOf(await engine.listRepositories(req.query), repositoryWire),
  );

  app.post<Route<"createRepository">>(
    "/repositories",
    { schema: operation("createRepository", { body: nonEmpty("name", "storage_namespace") }) },
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

  app.get<Route<"getRepository">>(
    "/repositories/:repository",
    { schema: operation("getRepository") },
    async (req) => repositoryWire(await engine.getRepository(req.params.repository)),
  );

  app.delete<Route<"deleteRepository">>(
    "/repositories/:repository",
    { schema: operation("deleteRepository") },
    async (req, reply) => {
      await engine.deleteRepository(req.params.repository, { force: req.query.force });
      return reply.code(204).send();
    },
  );
};
