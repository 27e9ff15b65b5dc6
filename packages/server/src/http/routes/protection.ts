/**
 * Branch protection rules: the settings endpoint (whole rule set, guarded by an ETag) and the
 * older per-rule endpoints the lakeFS UI uses.
 */
import { createHash } from "node:crypto";
import type { Schema } from "lakefs-ts/api";
import { EngineError, notFound } from "../../core/errors.js";
import type { BranchProtectionRule } from "../../engine/types.js";
import { preflightRoute, type RouteArea } from "../context.js";
import { nonEmptyStr, object, type RepoParams, repoParams } from "../validation.js";

const rule = object({ pattern: nonEmptyStr }, ["pattern"]);

/** A stable fingerprint of a rule set, sent as `ETag` and checked against `If-Match`. */
function rulesEtag(rules: readonly BranchProtectionRule[]): string {
  const patterns = rules.map((r) => r.pattern);
  return createHash("sha256").update(JSON.stringify(patterns)).digest("hex");
}

export const protectionRoutes: RouteArea = (app, services) => {
  const { engine } = services;
  app.get<{ Params: RepoParams }>(
    "/repositories/:repository/settings/branch_protection",
    { schema: { params: repoParams } },
    async (req, reply) => {
      const rules = await engine.getBranchProtectionRules(req.params.repository);
      reply.header("ETag", `"${rulesEtag(rules)}"`);
      return rules.map((r): Schema<"BranchProtectionRule"> => ({ pattern: r.pattern }));
    },
  );

  app.put<{ Params: RepoParams; Body: Schema<"BranchProtectionRule">[] }>(
    "/repositories/:repository/settings/branch_protection",
    { schema: { params: repoParams, body: { type: "array", items: rule } } },
    async (req, reply) => {
      const repo = req.params.repository;
      const ifMatch = req.headers["if-match"];
      // Read-compare-write runs in one synchronous turn, so no other request can interleave.
      if (ifMatch) {
        const current = `"${rulesEtag(await engine.getBranchProtectionRules(repo))}"`;
        if (ifMatch.replaceAll('"', "") !== current.replaceAll('"', "")) {
          throw new EngineError("precondition_failed", "Precondition failed");
        }
      }
      await engine.setBranchProtectionRules(
        repo,
        req.body.map((r) => ({ pattern: r.pattern })),
      );
      return reply.code(204).send();
    },
  );

  preflightRoute(app, services, "/repositories/:repository/branch_protection/set_allowed");

  app.get<{ Params: RepoParams }>(
    "/repositories/:repository/branch_protection",
    { schema: { params: repoParams } },
    async (req) =>
      (await engine.getBranchProtectionRules(req.params.repository)).map((r) => ({
        pattern: r.pattern,
      })),
  );

  app.post<{ Params: RepoParams; Body: Schema<"BranchProtectionRule"> }>(
    "/repositories/:repository/branch_protection",
    { schema: { params: repoParams, body: rule } },
    async (req, reply) => {
      const repo = req.params.repository;
      const rules = await engine.getBranchProtectionRules(repo);
      if (!rules.some((r) => r.pattern === req.body.pattern)) {
        await engine.setBranchProtectionRules(repo, [...rules, { pattern: req.body.pattern }]);
      }
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: RepoParams; Body: Schema<"BranchProtectionRule"> }>(
    "/repositories/:repository/branch_protection",
    { schema: { params: repoParams, body: rule } },
    async (req, reply) => {
      const repo = req.params.repository;
      const rules = await engine.getBranchProtectionRules(repo);
      const kept = rules.filter((r) => r.pattern !== req.body.pattern);
      if (kept.length === rules.length) throw notFound();
      await engine.setBranchProtectionRules(repo, kept);
      return reply.code(204).send();
    },
  );
};
