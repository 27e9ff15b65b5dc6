/**
 * Scenario 4, metadata latency: stat and get of committed small objects with warm caches, one
 * request at a time, next to the /healthcheck round trip (the floor: HTTP + auth-free routing).
 * The raw side sends all three on one keep-alive connection; that pair is the server's figure.
 */
import { AdminApi } from "../lib/api.js";
import { smallObject } from "../lib/payload.js";
import { atMost, type BenchRecord, round } from "../lib/record.js";
import { startBenchServer } from "../lib/server.js";
import { runJob, type SideName } from "../lib/sides.js";
import { median, percentile } from "../lib/stats.js";
import type { JobResult } from "../sides/protocol.js";
import type { BenchContext } from "./context.js";

const REPO = "bench-latency";
const OBJECTS = 100;

export async function metadataLatency(ctx: BenchContext): Promise<BenchRecord[]> {
  const rounds = ctx.quick ? 3 : 10;
  const server = await startBenchServer();
  const results = new Map<SideName, JobResult>();
  const paths = Array.from({ length: OBJECTS }, (_, i) => `meta/o${i}`);
  try {
    const admin = new AdminApi(server);
    await admin.createRepo(REPO);
    for (const [i, path] of paths.entries())
      await admin.upload(REPO, "main", path, smallObject(i, 4096));
    await admin.commit(REPO, "main", "bench: latency objects");
    for (const side of ctx.sides) {
      ctx.log(`metadata latency via ${side}`);
      results.set(
        side,
        await runJob(
          side,
          { ...server, repo: REPO, op: "latency", ref: "main", paths, rounds },
          ctx.log,
        ),
      );
    }
  } finally {
    await server.stop();
  }
  const floorName = "latency.raw-http.healthcheck.p50";
  const floor = median(results.get("raw-http")!.samples!.healthcheck!);
  const records: BenchRecord[] = [];
  for (const side of ctx.sides) {
    const samples = results.get(side)!.samples!;
    const own = samples.healthcheck ? median(samples.healthcheck) : undefined;
    for (const kind of ["healthcheck", "stat", "get"]) {
      const s = samples[kind];
      if (!s) continue;
      const p50 = median(s);
      const base = `latency.${side}.${kind}`;
      const relativeTo = own !== undefined ? `latency.${side}.healthcheck.p50` : floorName;
      const ratio = p50 / (own ?? floor);
      records.push({
        name: `${base}.p50`,
        value: round(p50),
        unit: "ms",
        ...(kind === "healthcheck" ? {} : { ratio: { value: round(ratio), relativeTo } }),
        // The target compares round trips on the same connection, so only a side that also
        // timed /healthcheck itself is judged.
        ...(kind !== "healthcheck" && own !== undefined ? { target: atMost(ratio, 2) } : {}),
      });
      records.push({ name: `${base}.p99`, value: round(percentile(s, 99)), unit: "ms" });
    }
  }
  return records;
}
