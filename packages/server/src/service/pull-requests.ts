/**
 * Pull requests as the API offers them: creation names the pull request (a descending xid, as
 * lakeFS's run ids), and merging one runs the same merge as the merge endpoint (hooks, branch
 * protection, conflicts) before recording it as merged.
 */

import { newRunId } from "../actions/run-id.js";
import type { ActionsService } from "../actions/service.js";
import type { Engine } from "../engine/engine.js";
import type { Commit, CreatePullRequestOptions } from "../engine/types.js";
import { mergeWithHooks } from "./merges.js";

export class PullRequests {
  constructor(
    private readonly engine: Engine,
    private readonly actions: ActionsService,
  ) {}

  /** Creates an open pull request and returns its id. */
  async create(repository: string, options: Omit<CreatePullRequestOptions, "id">): Promise<string> {
    const pr = await this.engine.createPullRequest(repository, { ...options, id: newRunId() });
    return pr.id;
  }

  /**
   * Merges the source branch into the destination with lakeFS's default message and marks the
   * pull request merged. A conflict throws `MergeConflictError` and leaves it open.
   */
  async merge(repository: string, id: string, committer: string): Promise<Commit> {
    const pr = await this.engine.openPullRequest(repository, id);
    const commit = await mergeWithHooks(this.engine, this.actions, {
      repository,
      sourceRef: pr.sourceBranch,
      destinationBranch: pr.destinationBranch,
      options: { committer },
    });
    await this.engine.markPullRequestMerged(repository, id, commit.id);
    return commit;
  }
}
