/**
 * Scenario 1, the data path: one large object and many small ones, up and down, through each
 * side, against a fresh server per presign mode. Sides are interleaved rep by rep.
 */
import { execFileSync } from "node:child_process";
import { AdminApi } from "../lib/api.js";
import { payloadMd5 } from "../lib/payload.js";
import { atLeast, atMost, type BenchRecord, clientCpuRecord, round } from "../lib/record.js";
import { startBenchServer } from "../lib/server.js";
import { runJob, type SideName } from "../lib/sides.js";
import { GiB, MiB, median } from "../lib/stats.js";
import type { JobResult, Target } from "../sides/protocol.js";
import { type BenchContext, rotate } from "./context.js";

const SMALL_SIZE = 4096;
const CONCURRENCY = 16;

interface Sizes {
  readonly big: number;
  readonly bigLabel: string;
  readonly small: number;
  readonly reps: number;
}

/** `bigOnly`: the large objects alone take minutes, so a third repetition steadies the medians. */
function sizes(quick: boolean, bigOnly: boolean): Sizes {
  return quick
    ? { big: 64 * MiB, bigLabel: "64MiB", small: 300, reps: 1 }
    : { big: GiB, bigLabel: "1GiB", small: 10_000, reps: bigOnly ? 3 : 2 };
}

type Phase = "upload-big" | "download-big" | "upload-small" | "download-small";
const PHASES: readonly Phase[] = ["upload-big", "download-big", "upload-small", "download-small"];
/** The large-object phases alone: the SDK issue's 1 GiB memory and throughput targets. */
export const BIG_PHASES: readonly Phase[] = ["upload-big", "download-big"];

export async function dataPath(
  ctx: BenchContext,
  presign: boolean,
  phases: readonly Phase[] = PHASES,
): Promise<BenchRecord[]> {
  const s = sizes(ctx.quick, phases === BIG_PHASES);
  const mode = presign ? "presign-on" : "presign-off";
  const server = await startBenchServer({ presign });
  const results = new Map<string, JobResult[]>(); // `${phase}/${side}` → one per rep
  try {
    const target: Target = { ...server, repo: "bench-data" };
    await new AdminApi(server).createRepo(target.repo);
    // An untimed pass at small sizes first, so no side meets a cold server (JIT, caches).
    const warm = { ...s, big: 16 * MiB, small: 200 };
    for (const phase of phases) {
      await runJob("raw-http", jobFor(phase, "raw-http", "warm", target, presign, warm), ctx.log);
    }
    for (let rep = 0; rep < s.reps; rep++) {
      for (const phase of phases) {
        for (const side of rotate(ctx.sides, rep)) {
          ctx.log(`data ${mode} rep ${rep + 1}/${s.reps}: ${phase} via ${side}`);
          // Flush the previous job's dirty pages first (the Python SDK spools uploads to a
          // temporary file): whoever runs next should not pay for another side's writeback.
          execFileSync("sync");
          const r = await runJob(side, jobFor(phase, side, rep, target, presign, s), ctx.log);
          const key = `${phase}/${side}`;
          results.set(key, [...(results.get(key) ?? []), r]);
        }
      }
      checkBytes(results, ctx.sides, s);
    }
  } finally {
    await server.stop();
  }
  return figures(results, ctx.sides, phases, `data.${mode}`, s);
}

function jobFor(
  phase: Phase,
  side: SideName,
  rep: number | "warm",
  t: Target,
  presign: boolean,
  s: Sizes,
) {
  const big = `big/${side}-${rep}`;
  const small = `small/${side}-${rep}/`;
  switch (phase) {
    case "upload-big":
      return { ...t, presign, op: phase, branch: "main", path: big, size: s.big } as const;
    case "download-big":
      return { ...t, presign, op: phase, ref: "main", path: big } as const;
    case "upload-small":
      return {
        ...t,
        presign,
        op: phase,
        branch: "main",
        prefix: small,
        count: s.small,
        size: SMALL_SIZE,
        concurrency: CONCURRENCY,
      } as const;
    case "download-small":
      return {
        ...t,
        presign,
        op: phase,
        ref: "main",
        prefix: small,
        count: s.small,
        concurrency: CONCURRENCY,
      } as const;
  }
}

/**
 * Every side must have stored, and read back, the payload, or its figures mean nothing. A
 * single-part ETag is the MD5 of the bytes; a multipart one ("…-N") is not, so only size counts.
 */
function checkBytes(results: Map<string, JobResult[]>, sides: readonly SideName[], s: Sizes): void {
  const md5 = payloadMd5(s.big);
  for (const side of sides) {
    const up = results.get(`upload-big/${side}`)!.at(-1)!;
    const down = results.get(`download-big/${side}`)!.at(-1)!;
    if (
      up.bytes !== s.big ||
      down.bytes !== s.big ||
      (!up.etag?.includes("-") && up.etag !== md5)
    ) {
      throw new Error(
        `${side} did not round-trip the payload: uploaded ${up.bytes} bytes (ETag ${up.etag}, ` +
          `expected ${md5}), downloaded ${down.bytes}, expected ${s.big}`,
      );
    }
  }
}

function figures(
  results: Map<string, JobResult[]>,
  sides: readonly SideName[],
  phases: readonly Phase[],
  prefix: string,
  s: Sizes,
): BenchRecord[] {
  const records: BenchRecord[] = [];
  const rate = (phase: Phase, side: SideName) => {
    const rs = results.get(`${phase}/${side}`)!;
    const seconds = median(rs.map((r) => r.seconds));
    return phase.endsWith("big") ? s.big / seconds / 1e6 : s.small / seconds;
  };
  const label = (phase: Phase) =>
    phase.endsWith("big")
      ? phase.replace("big", s.bigLabel)
      : phase.replace("small", `${s.small}x4KiB`);
  for (const phase of phases) {
    const unit = phase.endsWith("big") ? "MB/s" : "objects/s";
    const name = (side: SideName) => `${prefix}.${label(phase)}.${side}`;
    const ts = rate(phase, "lakefs-ts");
    for (const side of sides) {
      const value = rate(phase, side);
      if (side === "lakefs-ts") {
        records.push({ name: name(side), value: round(value), unit });
        continue;
      }
      const ratio = ts / value;
      // Targets: ≥ 0.8× raw on every data-path figure, ≥ 2× Python on the large object.
      const target =
        side === "raw-http"
          ? atLeast(ratio, 0.8)
          : phase.endsWith("big")
            ? atLeast(ratio, 2)
            : undefined;
      records.push({ name: name(side), value: round(value), unit });
      records.push({
        name: `${prefix}.${label(phase)}.lakefs-ts-vs-${side}`,
        value: round(ratio),
        unit: "x",
        ratio: { value: round(ratio), relativeTo: name(side) },
        ...(target ? { target } : {}),
      });
    }
    for (const side of sides) {
      const rs = results.get(`${phase}/${side}`)!;
      const growth = Math.max(...rs.map((r) => r.peakRss - r.idleRss)) / MiB;
      const peak = Math.max(...rs.map((r) => r.peakRss)) / MiB;
      const sdkBig = side === "lakefs-ts" && phase.endsWith("big");
      records.push(
        clientCpuRecord(
          name(side),
          rs.map((r) => r.cpuSeconds),
        ),
      );
      records.push({
        name: `${prefix}.${label(phase)}.${side}.peak-rss-above-idle`,
        value: round(growth),
        unit: "MiB",
        note: `peak RSS ${round(peak)} MiB`,
        ...(sdkBig ? { target: atMost(growth, 100, " MiB", true) } : {}),
      });
    }
  }
  return records;
}
