/** Ref-to-ref operations: diff between refs, find merge base, merge. */
import type { FastifyReply } from "fastify";
import type { Schema } from "lakefs-ts/api";
import { MergeConflictError } from "../../core/errors.js";
import type { Commit } from "../../engine/types.js";
import { mergeWithHooks } from "../../service/merges.js";
import { committerOf, type RouteArea } from "../context.js";
import {
  boolFalse,
  object,
  type PrefixPagingQuery,
  prefixPaging,
  str,
  stringMap,
} from "../validation.js";
import { diffWire, listOf } from "../wire.js";

interface DiffParams {
  repository: string;
  leftRef: string;
  rightRef: string;
}
interface DiffQuery extends PrefixPagingQuery {
  delimiter?: string;
  type: "two_dot" | "three_dot";
  include_right_stats: boolean;
}
interface MergeParams {
  repository: string;
  sourceRef: string;
  destinationBranch: string;
}
const mergeParams = object({ repository: str, sourceRef: str, destinationBranch: str }, [
  "repository",
  "sourceRef",
  "destinationBranch",
]);

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

export const refRoutes: RouteArea = (app, { engine, actions }) => {
  app.get<{ Params: DiffParams; Querystring: DiffQuery }>(
    "/repositories/:repository/refs/:leftRef/diff/:rightRef",
    {
      schema: {
        params: object({ repository: str, leftRef: str, rightRef: str }, [
          "repository",
          "leftRef",
          "rightRef",
        ]),
        querystring: object({
          ...prefixPaging,
          delimiter: str,
          type: { type: "string", enum: ["two_dot", "three_dot"], default: "three_dot" },
          include_right_stats: boolFalse,
        }),
      },
    },
    async (req) => {
      const { repository, leftRef, rightRef } = req.params;
      const { include_right_stats, ...options } = req.query;
      const page = await engine.diffRefs(repository, leftRef, rightRef, options);
      return listOf(page, (d) => diffWire(d, include_right_stats));
    },
  );

  app.get<{ Params: MergeParams }>(
    "/repositories/:repository/refs/:sourceRef/merge/:destinationBranch",
    { schema: { params: mergeParams } },
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

  app.post<{ Params: MergeParams; Body: Partial<Schema<"Merge">> }>(
    "/repositories/:repository/refs/:sourceRef/merge/:destinationBranch",
    {
      // The body is optional: a merge with no options is a plain POST.
      preValidation: async (req) => {
        req.body ??= {};
      },
      schema: {
        params: mergeParams,
        body: object({
          message: str,
          metadata: stringMap,
          strategy: str,
          force: boolFalse,
          allow_empty: boolFalse,
          squash_merge: boolFalse,
        }),
      },
    },
    async (req, reply): Promise<Schema<"MergeResult">> => {
      const { repository, sourceRef, destinationBranch } = req.params;
      const b = req.body;
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
