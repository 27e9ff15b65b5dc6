/**
 * Pull requests of a repository (`repo.pullRequests`): proposals to merge one branch into
 * another, which can be listed, edited, closed, reopened and merged (lakeFS's experimental
 * `pulls` API).
 */
import { type CallOptions, type HttpClient, path } from "./api/http.js";
import type { Schema } from "./api/index.js";
import type { Client } from "./client.js";
import { ConflictError } from "./errors.js";
import type { Commit } from "./models.js";
import { getPages, Listing, type ListOptions } from "./paging.js";
import {
  checkId,
  explainConflict,
  hasMessage,
  Reference,
  type RefLike,
  refId,
} from "./reference.js";

/** `open` until closed (and maybe reopened) or merged. */
export type PullRequestStatus = "open" | "closed" | "merged";

export interface CreatePullRequestOptions extends CallOptions {
  /** Free text shown with the title; default "". */
  readonly description?: string;
}

export interface PullRequestsOptions extends ListOptions {
  /** `open`, `closed` (closed and merged ones) or `all` (default). */
  readonly status?: "open" | "closed" | "all";
  /** Only pull requests whose id starts with this. */
  readonly prefix?: string;
}

/** What `update` may change; absent fields stay as they are. */
export interface PullRequestChanges {
  readonly title?: string;
  readonly description?: string;
}

const optionalDate = (s: string | undefined) => (s === undefined ? undefined : new Date(s));

/** A pull request as the server described it when fetched; methods act on the server's copy. */
export class PullRequest {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly status: PullRequestStatus;
  /** Who created it. */
  readonly author: string;
  readonly sourceBranch: string;
  readonly destinationBranch: string;
  readonly creationDate: Date;
  /** The merge commit, once merged. */
  readonly mergedCommitId: string | undefined;
  /** When it was closed or merged. */
  readonly closedDate: Date | undefined;

  constructor(
    private readonly pulls: PullRequests,
    pr: Schema<"PullRequest">,
  ) {
    this.id = pr.id;
    // swagger requires these three (its generated type does not say so).
    this.title = pr.title ?? "";
    this.description = pr.description ?? "";
    this.status = pr.status ?? "open";
    this.author = pr.author;
    this.sourceBranch = pr.source_branch;
    this.destinationBranch = pr.destination_branch;
    this.creationDate = new Date(pr.creation_date);
    this.mergedCommitId = pr.merged_commit_id;
    this.closedDate = optionalDate(pr.closed_date);
  }

  /** The pull request as it is now on the server. */
  refresh(call: CallOptions = {}): Promise<PullRequest> {
    return this.pulls.get(this.id, call);
  }

  /** Changes the title and/or description. */
  update(changes: PullRequestChanges, call: CallOptions = {}): Promise<void> {
    return this.pulls.update(this.id, changes, call);
  }

  /** Closes it without merging (a merged pull request stays merged: `BadRequestError`). */
  close(call: CallOptions = {}): Promise<void> {
    return this.pulls.setStatus(this.id, "closed", call);
  }

  /** Opens a closed pull request again. */
  reopen(call: CallOptions = {}): Promise<void> {
    return this.pulls.setStatus(this.id, "open", call);
  }

  /** Merges it; see `PullRequests.merge`. */
  merge(call: CallOptions = {}): Promise<Commit> {
    return this.pulls.merge(this.id, call);
  }
}

/** The pull requests of one repository (`repo.pullRequests`). */
export class PullRequests {
  constructor(
    private readonly repositoryId: string,
    private readonly client: Client,
  ) {}

  private get http(): HttpClient {
    return this.client.http;
  }

  private route(id?: string): string {
    const base = path`/repositories/${this.repositoryId}/pulls`;
    return id === undefined ? base : base + path`/${checkId("pull request", id)}`;
  }

  /**
   * Opens a pull request to merge `source` into `destination` (both branches) and returns it.
   * Never retried: a lost response would otherwise open it twice.
   */
  async create(
    title: string,
    source: RefLike,
    destination: RefLike,
    options: CreatePullRequestOptions = {},
  ): Promise<PullRequest> {
    const { signal, timeout } = options;
    const created = await this.http.request<Schema<"PullRequestCreationResponse">>(
      {
        method: "POST",
        path: this.route(),
        json: {
          title,
          description: options.description ?? "",
          source_branch: refId(source),
          destination_branch: refId(destination),
        } satisfies Schema<"PullRequestCreation">,
        expect: "json",
      },
      { signal, timeout },
    );
    return this.get(created.id, { signal, timeout });
  }

  /** One pull request by id (`NotFoundError` when there is none). */
  async get(id: string, call: CallOptions = {}): Promise<PullRequest> {
    const pr = await this.http.request<Schema<"PullRequest">>(
      { method: "GET", path: this.route(id), expect: "json" },
      call,
    );
    return new PullRequest(this, pr);
  }

  /** Pull requests, newest first; `status: "closed"` includes merged ones. */
  list(options: PullRequestsOptions = {}): Listing<PullRequest, Schema<"PullRequest">> {
    return new Listing(
      getPages<Schema<"PullRequest">>(this.client, this.route(), {
        status: options.status,
        prefix: options.prefix,
      }),
      (pr) => new PullRequest(this, pr),
      (pr) => pr.id,
      options,
    );
  }

  /** Changes the title and/or description of a pull request. */
  async update(id: string, changes: PullRequestChanges, call: CallOptions = {}): Promise<void> {
    await this.patch(id, { title: changes.title, description: changes.description }, call);
  }

  /** Closes (`closed`) or reopens (`open`) a pull request. */
  async setStatus(id: string, status: "open" | "closed", call: CallOptions = {}): Promise<void> {
    await this.patch(id, { status }, call);
  }

  private async patch(id: string, body: Schema<"PullRequestBasic">, call: CallOptions) {
    await this.http.request(
      { method: "PATCH", path: this.route(id), json: body, idempotent: true, expect: "none" },
      call,
    );
  }

  /**
   * Merges the pull request's source into its destination, as a merge with lakeFS's default
   * message ("Merge '<source>' into '<destination>'"), marks it merged and returns the merge
   * commit. A conflict is a `ConflictError`, a pre-merge hook's veto a `HookAbortedError`, a
   * pull request that is not open a `BadRequestError`. Never retried.
   */
  async merge(id: string, call: CallOptions = {}): Promise<Commit> {
    try {
      const result = await this.http.request<Schema<"MergeResult">>(
        {
          method: "PUT",
          path: `${this.route(id)}/merge`,
          idempotent: false,
          longRunning: true,
          expect: "json",
        },
        call,
      );
      return await new Reference(this.repositoryId, result.reference, {
        client: this.client,
      }).getCommit(call);
    } catch (error) {
      // lakeFS answers a merge conflict with a MergeResult body, not a message.
      if (error instanceof ConflictError && !hasMessage(error.body)) {
        throw explainConflict(error, `conflict merging pull request ${id}`);
      }
      throw error;
    }
  }
}
