/**
 * Usage and client statistics. `GET /usage-report/summary`: API requests per calendar month
 * (UTC) with this data directory's installation id, lakeFS's shape (JSON, or lakeFS's text
 * layout for `Accept: text/plain`); counted by this process since it started (lakeFS persists
 * its counts; see docs/compatibility.md). `POST /statistics`: clients' usage events, validated
 * as lakeFS does and then dropped (nothing is sent anywhere).
 */
import type { Schema } from "lakefs-ts/api";
import { badRequest } from "../../core/errors.js";
import type { RouteArea } from "../context.js";
import { operation, type Route } from "../validation.js";

export const usageRoutes: RouteArea = (app, { auth }) => {
  const counts = new Map<string, Schema<"UsageReport">>();
  app.addHook("onRequest", async () => {
    const now = new Date();
    const key = `${now.getUTCFullYear()}-${now.getUTCMonth() + 1}`;
    const report = counts.get(key);
    if (report) report.count++;
    else counts.set(key, { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, count: 1 });
  });

  app.get("/usage-report/summary", async (req, reply) => {
    const reports = [...counts.values()].map((r) => ({ ...r }));
    if (req.headers.accept === "text/plain") {
      const lines = reports.map(
        (r) => `${r.year}-${String(r.month).padStart(2, "0")}: ${String(r.count).padStart(12)}\n`,
      );
      return reply
        .type("text/plain; charset=utf-8")
        .send(`Usage for installation ID: ${auth.installationId}\n${lines.join("")}`);
    }
    const report: Schema<"InstallationUsageReport"> = {
      installation_id: auth.installationId,
      reports,
    };
    return report;
  });

  app.post<Route<"postStatsEvents">>(
    "/statistics",
    { schema: operation("postStatsEvents") },
    async (req, reply) => {
      for (const ev of req.body.events) {
        if (ev.class === "") throw badRequest("invalid value: class is required");
        if (ev.name === "") throw badRequest("invalid value: name is required");
        if (ev.count < 0) throw badRequest("invalid value: count must be a non-negative integer");
      }
      return reply.code(204).send();
    },
  );
};
