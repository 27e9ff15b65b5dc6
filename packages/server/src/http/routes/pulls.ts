/** Pull requests: list, create, get, update, merge (lakeFS's experimental `pulls` API). */
import type { Schema } from "lakefs-ts/api";
import type { PullRequest, PullRequestFilter, PullRequestStatus } from "../../engine/types.js";
import { PullRequests } from "../../service/pull-requests.js";
import { committerOf, type RouteArea } from "../context.js";
import {
  object,
  type PrefixPagingQuery,
  prefixPaging,
  type RepoParams,
  repoParams,
  str,
} from "../validation.js";
import { listOf } from "../wire.js";
import { answerMerge } from "./refs.js";

interface PullParams extends RepoParams {
  pull_request: string;
}
interface ListQuery extends PrefixPagingQuery {
  status: PullRequestFilter;
}
interface UpdateBody {
  title?: string;
  description?: string;
  status?: PullRequestStatus;
}

const pullParams = object({ repository: str, pull_request: str }, ["repository", "pull_request"]);
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

  app.get<{ Params: RepoParams; Querystring: ListQuery }>(
    "/repositories/:repository/pulls",
    {
      schema: {
        params: repoParams,
        querystring: object({
          ...prefixPaging,
          status: { type: "string", enum: ["open", "closed", "all"], default: "all" },
        }),
      },
    },
    async (req) =>
      listOf(await engine.listPullRequests(req.params.repository, req.query), pullRequestWire),
  );

  app.post<{ Params: RepoParams; Body: Schema<"PullRequestCreation"> }>(
    "/repositories/:repository/pulls",
    {
      schema: {
        params: repoParams,
        body: object(
          { title: str, description: str, source_branch: str, destination_branch: str },
          ["title", "source_branch", "destination_branch"],
        ),
      },
    },
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

  app.get<{ Params: PullParams }>(
    "/repositories/:repository/pulls/:pull_request",
    { schema: { params: pullParams } },
    async (req) =>
      pullRequestWire(await engine.getPullRequest(req.params.repository, req.params.pull_request)),
  );

  app.patch<{ Params: PullParams; Body: UpdateBody }>(
    "/repositories/:repository/pulls/:pull_request",
    {
      schema: {
        params: pullParams,
        body: object({
          title: str,
          description: str,
          status: { type: "string", enum: ["open", "closed", "merged"] },
        }),
      },
    },
    async (req, reply) => {
      await engine.updatePullRequest(req.params.repository, req.params.pull_request, req.body);
      // lakeFS answers 204 (swagger: 200 with no body).
      return reply.code(204).send();
    },
  );

  app.put<{ Params: PullParams }>(
    "/repositories/:repository/pulls/:pull_request/merge",
    { schema: { params: pullParams } },
    async (req, reply) =>
      answerMerge(reply, () =>
        pulls.merge(req.params.repository, req.params.pull_request, committerOf(req)),
      ),
  );
};
