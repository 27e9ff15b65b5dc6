/**
 * Pull requests (lakeFS's experimental `pulls` API): records in the metadata database, listed in
 * id order (ids are descending xids, so newest first). Merging one is a normal merge of its
 * source into its destination (done by the caller, with hooks) followed by `markMerged`.
 * lakeFS allows several pull requests for the same pair of branches; so do we.
 */
import { badRequest, notFound } from "../core/errors.js";
import { type EngineContext, pageOf } from "./context.js";
import type {
  CreatePullRequestOptions,
  ListPullRequestsOptions,
  Page,
  PullRequest,
  PullRequestStatus,
  UpdatePullRequestOptions,
} from "./types.js";
import { pageSize, validateBranchId } from "./validate.js";

const STATUSES_OF_FILTER: Readonly<Record<string, readonly PullRequestStatus[]>> = {
  open: ["open"],
  // lakeFS counts a merged pull request as closed.
  closed: ["closed", "merged"],
  all: ["open", "closed", "merged"],
};

/** lakeFS's answer for a source equal to the destination. */
const SAME_BRANCH = "same branch validation error";

/**
 * Creates an open pull request. 400 on malformed or identical branch names or an empty title,
 * 404 `branch not found` when either branch is missing.
 */
export function createPullRequest(
  ctx: EngineContext,
  repo: string,
  options: CreatePullRequestOptions,
): PullRequest {
  ctx.repo(repo);
  validateBranchId(options.destinationBranch, "dest");
  validateBranchId(options.sourceBranch, "src");
  if (options.title === "") throw badRequest("argument title: required value: validation error");
  if (options.sourceBranch === options.destinationBranch) throw badRequest(SAME_BRANCH);
  const pr: PullRequest = {
    id: options.id,
    status: "open",
    title: options.title,
    description: options.description ?? "",
    author: options.author,
    sourceBranch: options.sourceBranch,
    destinationBranch: options.destinationBranch,
    creationDate: ctx.now(),
  };
  ctx.store.transaction(() => {
    ctx.branch(repo, options.sourceBranch);
    ctx.branch(repo, options.destinationBranch);
    ctx.store.putPullRequest(repo, pr);
  });
  return pr;
}

/** 404 `pull request not found`. */
export function getPullRequest(ctx: EngineContext, repo: string, id: string): PullRequest {
  ctx.repo(repo);
  const pr = ctx.store.getPullRequest(repo, id);
  if (!pr) throw notFound("pull request not found");
  return pr;
}

export function listPullRequests(
  ctx: EngineContext,
  repo: string,
  options: ListPullRequestsOptions = {},
): Page<PullRequest> {
  ctx.repo(repo);
  const limit = pageSize(options.amount);
  const rows = ctx.store.listPullRequests(repo, STATUSES_OF_FILTER[options.status ?? "all"]!, {
    prefix: options.prefix ?? "",
    after: options.after ?? "",
    limit: limit + 1,
  });
  return pageOf(rows, limit, (pr) => pr.id);
}

/**
 * Changes title, description or status. Closing stamps `closedDate`, reopening clears it. A
 * merged pull request keeps its status (400), and only a merge makes one `merged` (400).
 */
export function updatePullRequest(
  ctx: EngineContext,
  repo: string,
  id: string,
  update: UpdatePullRequestOptions,
): PullRequest {
  return ctx.store.transaction(() => {
    const pr = getPullRequest(ctx, repo, id);
    let { status, closedDate } = pr;
    if (update.status !== undefined && update.status !== pr.status) {
      if (update.status === "merged" || pr.status === "merged") {
        throw badRequest("bad pull request status");
      }
      status = update.status;
      closedDate = status === "closed" ? ctx.now() : undefined;
    }
    const { closedDate: _dropped, ...rest } = pr;
    const next: PullRequest = {
      ...rest,
      status,
      title: update.title ?? pr.title,
      description: update.description ?? pr.description,
      ...(closedDate !== undefined && { closedDate }),
    };
    ctx.store.putPullRequest(repo, next);
    return next;
  });
}

/** The open pull request to merge: 404 when unknown, 400 `bad pull request status` otherwise. */
export function openPullRequest(ctx: EngineContext, repo: string, id: string): PullRequest {
  const pr = getPullRequest(ctx, repo, id);
  if (pr.status !== "open") throw badRequest("bad pull request status");
  return pr;
}

/** Records a completed merge: status `merged`, the merge commit and the closing time. */
export function markMerged(
  ctx: EngineContext,
  repo: string,
  id: string,
  mergedCommitId: string,
): PullRequest {
  return ctx.store.transaction(() => {
    const pr = getPullRequest(ctx, repo, id);
    const next: PullRequest = { ...pr, status: "merged", mergedCommitId, closedDate: ctx.now() };
    ctx.store.putPullRequest(repo, next);
    return next;
  });
}
