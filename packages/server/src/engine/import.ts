/**
 * Import: validates the request, runs the walk as a background job (import-jobs.ts) and commits
 * the result onto the branch: each destination prefix replaced by the imported entries.
 */

import { badRequest, forbidden } from "../core/errors.js";
import { makeCommit } from "./commit-id.js";
import { dirtyBranch, type EngineContext, tokensOf, writable } from "./context.js";
import { MERGE_STRATEGY_KEY, updateClean } from "./merge.js";
import { hasChanges } from "./staging.js";
import type { RepositoryRow } from "./store.js";
import type { Commit, ImportOptions, ImportSourceSpec, ImportWalker } from "./types.js";
import { validatePath } from "./validate.js";

/** Starts a background import; returns its id. Each destination prefix is replaced. */
export function startImport(
  ctx: EngineContext,
  repo: string,
  branch: string,
  options: ImportOptions,
  walker: ImportWalker | undefined,
): string {
  const r = ctx.repo(repo);
  ctx.branch(repo, branch);
  writable(r, options.force);
  if (!walker) throw forbidden("import is not supported for this storage");
  // Zero sources is valid in lakeFS: the import still lands one (empty) commit.
  for (const s of options.sources) {
    if (s.type !== "common_prefix" && s.type !== "object") {
      throw badRequest("argument type: invalid value: validation error");
    }
    if (s.type === "object") validatePath(s.destination, "destination");
  }
  const sources = options.sources.map(withPrefixDestination);
  const planned = { ...options, sources };
  const tree = ctx.tree(r);
  // A dirty branch fails the import in its status (as in lakeFS), checked before the walk and
  // again when committing.
  const requireClean = () => {
    const head = ctx.branch(repo, branch);
    if (hasChanges(ctx.store, tree, ctx.commit(repo, head.commitId).metarangeId, tokensOf(head))) {
      throw dirtyBranch();
    }
  };
  return ctx.imports.start(repo, branch, sources, walker, {
    check: requireClean,
    commit: (token) => {
      const commit = () => commitImport(ctx, r, branch, token, planned);
      return options.guardCommit ? options.guardCommit(commit) : commit();
    },
  });
}

/**
 * lakeFS imports a prefix under `destination/`: a destination without its trailing slash gets
 * one (`dst/nested` + `prefix-1/file1` → `dst/nested/prefix-1/file1`).
 */
function withPrefixDestination(s: ImportSourceSpec): ImportSourceSpec {
  if (s.type !== "common_prefix" || s.destination === "" || s.destination.endsWith("/")) return s;
  return { ...s, destination: `${s.destination}/` };
}

/** Builds the import commit: each destination replaced by the imported entries in `token`. */
async function commitImport(
  ctx: EngineContext,
  r: RepositoryRow,
  branch: string,
  token: string,
  options: ImportOptions,
): Promise<Commit> {
  const commit = await updateClean(ctx, r, branch, async (head) => {
    const { metarangeId } = await ctx.treeJobs.run({
      kind: "import",
      treeDir: ctx.treeDir(r),
      base: head.metarangeId,
      token,
      replacePrefixes: options.sources.flatMap((s) => (s.type === "object" ? [] : [s.destination])),
    });
    return makeCommit(
      {
        committer: options.committer ?? "",
        message: options.commit.message || "Import objects",
        metarangeId,
        creationDate: ctx.now(),
        metadata: { ...options.commit.metadata, [MERGE_STRATEGY_KEY]: "source-wins" },
        parents: [head.id],
      },
      [head.generation],
    );
  });
  ctx.store.setRepoMetadata(r.id, ".lakefs.last.import.timestamp", String(commit.creationDate));
  return commit;
}
