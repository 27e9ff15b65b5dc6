/**
 * Garbage-collection settings lakeFS OSS serves: the per-repository retention rules (current
 * and deprecated paths), the rules preflight, and the server's GC config. The rules are stored
 * and served only; this server never collects committed data (see docs/compatibility.md).
 */
import type { Schema } from "lakefs-ts/api";
import type { GcRules } from "../../engine/gc-rules.js";
import { preflightRoute, type RouteArea } from "../context.js";
import { operation, type Route } from "../validation.js";

/** lakeFS's link-address lifetime (6 hours), which it reports as the GC grace period. */
const GRACE_PERIOD_SECONDS = 6 * 60 * 60;

function rulesWire(rules: GcRules): Schema<"GarbageCollectionRules"> {
  return {
    default_retention_days: rules.defaultRetentionDays,
    branches: rules.branches.map((b) => ({
      branch_id: b.branchId,
      retention_days: b.retentionDays,
    })),
  };
}

export const gcRoutes: RouteArea = (app, services) => {
  const { engine } = services;
  // `settings/gc_rules` and the deprecated `gc/rules` (set with POST there) behave alike.
  for (const [path, setMethod, ids] of [
    [
      "/repositories/:repository/settings/gc_rules",
      "PUT",
      ["getGCRules", "setGCRules", "deleteGCRules"],
    ],
    [
      "/repositories/:repository/gc/rules",
      "POST",
      [
        "internalGetGarbageCollectionRules",
        "internalSetGarbageCollectionRules",
        "internalDeleteGarbageCollectionRules",
      ],
    ],
  ] as const) {
    const [getId, setId, deleteId] = ids;
    app.get<Route<typeof getId>>(path, { schema: operation(getId) }, async (req) =>
      rulesWire(await engine.getGcRules(req.params.repository)),
    );
    app.route<Route<typeof setId>>({
      method: setMethod,
      url: path,
      schema: operation(setId),
      handler: async (req, reply) => {
        await engine.setGcRules(req.params.repository, {
          defaultRetentionDays: req.body.default_retention_days,
          branches: req.body.branches.map((b) => ({
            branchId: b.branch_id,
            retentionDays: b.retention_days,
          })),
        });
        return reply.code(204).send();
      },
    });
    app.delete<Route<typeof deleteId>>(
      path,
      { schema: operation(deleteId) },
      async (req, reply) => {
        await engine.deleteGcRules(req.params.repository);
        return reply.code(204).send();
      },
    );
  }

  preflightRoute(
    app,
    services,
    "/repositories/:repository/gc/rules/set_allowed",
    "setGarbageCollectionRulesPreflight",
  );

  app.get(
    "/config/garbage-collection",
    async (): Promise<Schema<"GarbageCollectionConfig">> => ({
      grace_period: GRACE_PERIOD_SECONDS,
    }),
  );
};
