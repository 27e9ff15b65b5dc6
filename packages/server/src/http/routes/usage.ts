/**
 * `GET /usage-report/summary`: API requests per calendar month (UTC) with this data directory's
 * installation id, lakeFS's shape. Counted by this process since it started (lakeFS persists its
 * counts; see docs/compatibility.md).
 */
import type { Schema } from "lakefs-ts/api";
import type { RouteArea } from "../context.js";

export const usageRoutes: RouteArea = (app, { auth }) => {
  const counts = new Map<string, Schema<"UsageReport">>();
  app.addHook("onRequest", async () => {
    const now = new Date();
    const key = `${now.getUTCFullYear()}-${now.getUTCMonth() + 1}`;
    const report = counts.get(key);
    if (report) report.count++;
    else counts.set(key, { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, count: 1 });
  });

  app.get(
    "/usage-report/summary",
    async (): Promise<Schema<"InstallationUsageReport">> => ({
      installation_id: auth.installationId,
      reports: [...counts.values()].map((r) => ({ ...r })),
    }),
  );
};
