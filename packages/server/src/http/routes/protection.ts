/**
 * Branch protection rules: the settings endpoint (whole rule set, guarded by an ETag) and the
 * older per-rule endpoints the lakeFS UI uses.
 */
import { createHash } from "node:crypto";
import type { Schema } from "lakefs-ts/api";
import { EngineError, notFound } from "../../core/errors.js";
import type { BranchProtectionRule } from "../../engine/types.js";
import { preflightRoute, type RouteArea } from "../context.js";
import { operation, type Route } from "../validation.js";

/** A stable fingerprint of a rule set, sent as `ETag` and checked against `If-Match`. */
function rulesEtag(rules: readonly BranchProtectionRule[]): string {
  const patterns = rules.map((r) => r.pattern);
  return createHash("sha256").update(JSON.stringify(patterns)).digest("hex");
}

export const protectionRoutes: RouteArea = (app, services) => {
  const { engine } = services;
  app.get<Route<"getBranchProtectionRules">>(
    "/repositories/:repository/settings/branch_protection",
    { schema: operation("getBranchProtectionRules") },
    async (req, reply) => {
      const rules = await engine.getBranchProtectionRules(req.params.repository);
      reply.header("ETag", `"${rulesEtag(rules)}"`);
      return rules.map((r): Schema<"BranchProtectionRule"> => ({ pattern: r.pattern }));
    },
  );

  app.put<Route<"setBranchProtectionRules">>(
    "/repositories/:repository/settings/branch_protection",
    { schema: operation("setBranchProtectionRules") },
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

  preflightRoute(
    app,
    services,
    "/repositories/:repository/branch_protection/set_allowed",
    "createBranchProtectionRulePreflight",
  );

  app.get<Route<"internalGetBranchProtectionRules">>(
    "/repositories/:repository/branch_protection",
    { schema: operation("internalGetBranchProtectionRules") },
    async (req) =>
      (await engine.getBranchProtectionRules(req.params.repository)).map((r) => ({
        pattern: r.pattern,
      })),
  );

  app.post<Route<"internalCreateBranchProtectionRule">>(
    "/repositories/:repository/branch_protection",
    { schema: operation("internalCreateBranchProtectionRule") },
    async (req, reply) => {
      const repo = req.params.repository;
      const rules = await engine.getBranchProtectionRules(repo);
      if (!rules.some((r) => r.pattern === req.body.pattern)) {
        await engine.setBranchProtectionRules(repo, [...rules, { pattern: req.body.pattern }]);
      }
      return reply.code(204).send();
    },
  );

  app.delete<Route<"internalDeleteBranchProtectionRule">>(
    "/repositories/:repository/branch_protection",
    { schema: operation("internalDeleteBranchProtectionRule") },
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
