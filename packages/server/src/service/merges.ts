/**
 * A merge as clients ask for it: the engine's merge wrapped in the `pre-merge` / `post-merge`
 * hooks. Shared by the merge endpoint and pull-request merges, so both behave alike (conflicts,
 * branch protection, hooks).
 */
import type { ActionsService } from "../actions/service.js";
import type { Engine } from "../engine/engine.js";
import type { Commit, MergeOptions } from "../engine/types.js";

export interface MergeRequest {
  readonly repository: string;
  readonly sourceRef: string;
  readonly destinationBranch: string;
  /** Engine options; `committer` is who the merge commit and the hooks name. */
  readonly options: MergeOptions & { readonly committer: string };
}

/** Runs the merge between its hooks; a conflict throws `MergeConflictError`. */
export function mergeWithHooks(
  engine: Engine,
  actions: ActionsService,
  { repository, sourceRef, destinationBranch, options }: MergeRequest,
): Promise<Commit> {
  return actions.around(
    "merge",
    {
      repositoryId: repository,
      branchId: destinationBranch,
      sourceRef,
      mergeSource: sourceRef,
      commit: {
        message: options.message ?? "",
        committer: options.committer,
        metadata: options.metadata ?? {},
      },
    },
    () => engine.merge(repository, sourceRef, destinationBranch, options),
    (c) => ({
      sourceRef: c.id,
      commitId: c.id,
      commit: { message: c.message, committer: c.committer, metadata: c.metadata },
    }),
  );
}
