/** Branches: list, create, get, delete, reset, hard reset, uncommitted diff, revert, cherry-pick. */
import type { Schema } from "lakefs-ts/api";
import { EngineError } from "../../core/errors.js";
import type { Engine } from "../../engine/engine.js";
import type { Commit, CommitOverrides } from "../../engine/types.js";
import { committerOf, type RouteArea } from "../context.js";
import { nonEmpty, operation, type Route } from "../validation.js";
import { commitWire, diffWire, listOf, refWire } from "../wire.js";

function overrides(o: Schema<"CommitOverrides"> | undefined): CommitOverrides | undefined {
  return o && { message: o.message, metadata: o.metadata };
}

/** What a commit-making operation's post-hooks learn from its commit. */
const committed = (c: Commit) => ({
  commitId: c.id,
  commit: { message: c.message, committer: c.committer, metadata: c.metadata },
});

/** The branch's head commit id, or "" when it does not exist (the operation will say so). */
async function branchHead(engine: Engine, repository: string, branch: string): Promise<string> {
  try {
    return (await engine.getBranch(repository, branch)).commitId;
  } catch (err) {
    if (err instanceof EngineError) return "";
    throw err;
  }
}

export const branchRoutes: RouteArea = (app, { engine, actions }) => {
  app.get<Route<"listBranches">>(
    "/repositories/:repository/branches",
    { schema: operation("listBranches") },
    async (req) => {
      const { show_hidden, ...paging } = req.query;
      return listOf(
        await engine.listBranches(req.params.repository, { ...paging, showHidden: show_hidden }),
        refWire,
      );
    },
  );

  app.post<Route<"createBranch">>(
    "/repositories/:repository/branches",
    { schema: operation("createBranch", { body: nonEmpty("name", "source") }) },
    async (req, reply) => {
      const { name, source, force, hidden } = req.body;
      const { repository } = req.params;
      const commitId = await actions.around(
        "create-branch",
        { repositoryId: repository, branchId: name, sourceRef: source, user: committerOf(req) },
        () => engine.createBranch(repository, { name, source, force, hidden }),
        (id) => ({ commitId: id }),
      );
      // lakeFS answers with the bare commit id as text, not JSON.
      // lakeFS answers with the commit id as text/plain (its swagger says text/html).
      return reply.code(201).type("text/plain; charset=utf-8").send(commitId);
    },
  );

  app.get<Route<"getBranch">>(
    "/repositories/:repository/branches/:branch",
    { schema: operation("getBranch") },
    async (req) => refWire(await engine.getBranch(req.params.repository, req.params.branch)),
  );

  app.delete<Route<"deleteBranch">>(
    "/repositories/:repository/branches/:branch",
    { schema: operation("deleteBranch") },
    async (req, reply) => {
      const { repository, branch } = req.params;
      // Hooks read their actions from the branch's head commit, which outlives the branch.
      const head = await branchHead(engine, repository, branch);
      await actions.around(
        "delete-branch",
        {
          repositoryId: repository,
          branchId: branch,
          sourceRef: head || branch,
          commitId: head,
          user: committerOf(req),
        },
        () => engine.deleteBranch(repository, branch, { force: req.query.force }),
      );
      return reply.code(204).send();
    },
  );

  app.put<Route<"resetBranch">>(
    "/repositories/:repository/branches/:branch",
    { schema: operation("resetBranch") },
    async (req, reply) => {
      const { type, path, force } = req.body;
      await engine.resetBranch(req.params.repository, req.params.branch, { type, path, force });
      return reply.code(204).send();
    },
  );

  app.put<Route<"hardResetBranch">>(
    "/repositories/:repository/branches/:branch/hard_reset",
    { schema: operation("hardResetBranch", { querystring: nonEmpty("ref") }) },
    async (req, reply) => {
      const { repository, branch } = req.params;
      await engine.hardResetBranch(repository, branch, req.query.ref, { force: req.query.force });
      return reply.code(204).send();
    },
  );

  app.get<Route<"diffBranch">>(
    "/repositories/:repository/branches/:branch/diff",
    { schema: operation("diffBranch") },
    async (req) =>
      listOf(await engine.diffBranch(req.params.repository, req.params.branch, req.query), (d) =>
        diffWire(d),
      ),
  );

  app.post<Route<"revertBranch">>(
    "/repositories/:repository/branches/:branch/revert",
    { schema: operation("revertBranch", { body: nonEmpty("ref") }) },
    async (req, reply) => {
      const b = req.body;
      const { repository, branch } = req.params;
      await actions.around(
        "revert",
        { repositoryId: repository, branchId: branch, sourceRef: branch },
        () =>
          engine.revert(repository, branch, {
            ref: b.ref,
            parentNumber: b.parent_number,
            allowEmpty: b.allow_empty,
            force: b.force,
            commitOverrides: overrides(b.commit_overrides),
            committer: committerOf(req),
          }),
        committed,
      );
      return reply.code(204).send();
    },
  );

  app.post<Route<"cherryPick">>(
    "/repositories/:repository/branches/:branch/cherry-pick",
    { schema: operation("cherryPick", { body: nonEmpty("ref") }) },
    async (req, reply) => {
      const b = req.body;
      const { repository, branch } = req.params;
      const commit = await actions.around(
        "cherry-pick",
        { repositoryId: repository, branchId: branch, sourceRef: branch },
        () =>
          engine.cherryPick(repository, branch, {
            ref: b.ref,
            parentNumber: b.parent_number,
            force: b.force,
            commitOverrides: overrides(b.commit_overrides),
            committer: committerOf(req),
          }),
        committed,
      );
      reply.code(201);
      return commitWire(commit);
    },
  );
};
