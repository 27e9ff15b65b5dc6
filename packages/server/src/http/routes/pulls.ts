/** Pull requests: list, create, get, update, merge (lakeFS's experimental `pulls` API). */
import type { Schema } from "lakefs-ts/api";
import type { PullRequest } from "../../engine/types.js";
import { PullRequests } from "../../service/pull-requests.js";
import { committerOf, type RouteArea } from "../context.js";
import { operation, type Route } from "../validation.js";
import { listOf } from "../wire.js";
import { answerMerge } from "./refs.js";

const dateTime = (seconds: number) => new Date(seconds * 1000).toISOString();

function pullRequestWire(pr: PullRequest): Schema<"PullRequest"> {
  return {
    id: pr.id,
    status: pr.status,
    title: pr.title,
    description: pr.description,
    author: pr.author,
    source_branch: pr.sourceBranch,
    destination_branch: pr.destinationBranch,
    creation_date: dateTime(pr.creationDate),
    ...(pr.mergedCommitId !== undefined && { merged_commit_id: pr.mergedCommitId }),
    ...(pr.closedDate !== undefined && { closed_date: dateTime(pr.closedDate) }),
  };
}

export const pullRequestRoutes: RouteArea = (app, { engine, actions }) => {
  const pulls = new PullRequests(engine, actions);

  app.get<Route<"listPullRequests">>(
    "/repositories/:repository/pulls",
    { schema: operation("listPullRequests") },
    async (req) =>
      listOf(await engine.listPullRequests(req.params.repository, req.query), pullRequestWire),
  );

  app.post<Route<"createPullRequest">>(
    "/repositories/:repository/pulls",
    { schema: operation("createPullRequest") },
    async (req, reply): Promise<Schema<"PullRequestCreationResponse">> => {
      const b = req.body;
      const id = await pulls.create(req.params.repository, {
        title: b.title,
        description: b.description ?? "",
        author: committerOf(req),
        sourceBranch: b.source_branch,
        destinationBranch: b.destination_branch,
      });
      reply.code(201);
      return { id };
    },
  );

  app.get<Route<"getPullRequest">>(
    "/repositories/:repository/pulls/:pull_request",
    { schema: operation("getPullRequest") },
    async (req) =>
      pullRequestWire(await engine.getPullRequest(req.params.repository, req.params.pull_request)),
  );

  app.patch<Route<"updatePullRequest">>(
    "/repositories/:repository/pulls/:pull_request",
    { schema: operation("updatePullRequest") },
    async (req, reply) => {
      await engine.updatePullRequest(req.params.repository, req.params.pull_request, req.body);
      // lakeFS answers 204 (swagger: 200 with no body).
      return reply.code(204).send();
    },
  );

  app.put<Route<"mergePullRequest">>(
    "/repositories/:repository/pulls/:pull_request/merge",
    { schema: operation("mergePullRequest") },
    async (req, reply) =>
      answerMerge(reply, () =>
        pulls.merge(req.params.repository, req.params.pull_request, committerOf(req)),
      ),
  );
};
