/** Ref-to-ref operations: diff between refs, find merge base, merge. */
import type { FastifyReply } from "fastify";
import type { Schema } from "lakefs-ts/api";
import { MergeConflictError } from "../../core/errors.js";
import type { Commit } from "../../engine/types.js";
import { mergeWithHooks } from "../../service/merges.js";
import { committerOf, type RouteArea } from "../context.js";
import { operation, type Route } from "../validation.js";
import { diffWire, listOf } from "../wire.js";

/**
 * The merge endpoints' answer: the new commit as a `MergeResult`, or lakeFS's 409 conflict body
 * `{"reference": ""}` instead of the usual error shape.
 */
export async function answerMerge(
  reply: FastifyReply,
  merge: () => Promise<Commit>,
): Promise<Schema<"MergeResult">> {
  try {
    return { reference: (await merge()).id };
  } catch (err) {
    if (err instanceof MergeConflictError) return reply.code(409).send({ reference: "" });
    throw err;
  }
}

type MergeBody = NonNullable<Route<"mergeIntoBranch">["Body"]>;

export const refRoutes: RouteArea = (app, { engine, actions }) => {
  app.get<Route<"diffRefs">>(
    "/repositories/:repository/refs/:leftRef/diff/:rightRef",
    { schema: operation("diffRefs") },
    async (req) => {
      const { repository, leftRef, rightRef } = req.params;
      const { include_right_stats, ...options } = req.query;
      const page = await engine.diffRefs(repository, leftRef, rightRef, options);
      return listOf(page, (d) => diffWire(d, include_right_stats));
    },
  );

  app.get<Route<"findMergeBase">>(
    "/repositories/:repository/refs/:sourceRef/merge/:destinationBranch",
    { schema: operation("findMergeBase") },
    async (req): Promise<Schema<"FindMergeBaseResult">> => {
      const { repository, sourceRef, destinationBranch } = req.params;
      const base = await engine.findMergeBase(repository, sourceRef, destinationBranch);
      return {
        base_commit_id: base.baseCommitId,
        source_commit_id: base.sourceCommitId,
        destination_commit_id: base.destinationCommitId,
      };
    },
  );

  app.post<Route<"mergeIntoBranch">>(
    "/repositories/:repository/refs/:sourceRef/merge/:destinationBranch",
    {
      // The body is optional: a merge with no options is a plain POST, and its options then
      // take their defaults.
      preValidation: async (req) => {
        req.body ??= {} as MergeBody; // validation fills in the defaults
      },
      schema: operation("mergeIntoBranch"),
    },
    async (req, reply): Promise<Schema<"MergeResult">> => {
      const { repository, sourceRef, destinationBranch } = req.params;
      const b = req.body!; // set by preValidation
      return answerMerge(reply, () =>
        mergeWithHooks(engine, actions, {
          repository,
          sourceRef,
          destinationBranch,
          options: {
            message: b.message || undefined,
            metadata: b.metadata,
            strategy: b.strategy || undefined,
            force: b.force,
            allowEmpty: b.allow_empty,
            squashMerge: b.squash_merge,
            committer: committerOf(req),
          },
        }),
      );
    },
  );
};
