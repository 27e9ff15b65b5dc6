/**
 * Power-loss harness: the crash harness's workload and checks (`crash.ts`) with the data directory
 * on powerfs, a power cut after every SIGKILL, and presigned multipart uploads in the mix. Then
 * the negative controls: the same run against a server told to skip one kind of fsync
 * (LAKEFS_TS_UNSAFE_NO_FSYNC, test-only) must lose acknowledged writes, or the harness proves
 * nothing.
 *
 * Full run: `npm run test:power-loss` (POWER_TRIALS cuts, default 50; POWER_CLIENTS;
 * POWER_MAX_RUN_MS; CONTROL_TRIALS, default 10, per negative control; RELIABILITY_SEED).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type CrashResult, runCrashTrials } from "./crash.js";
import { fuseUnavailable } from "./support/powerfs.js";
import { seedFromEnv } from "./support/random.js";

/** The durability each negative control switches off (see docs/reliability.md). */
export const NEGATIVE_CONTROLS = ["files", "dirs", "sqlite"] as const;
export type NegativeControl = (typeof NEGATIVE_CONTROLS)[number];

export interface PowerLossOptions {
  readonly trials: number;
  readonly clients: number;
  readonly seed: number;
  readonly maxRunMs: number;
  /** Run against a server with this kind of fsync switched off. */
  readonly unsafe?: NegativeControl;
  readonly log?: (line: string) => void;
}

export function runPowerLossTrials(
  options: PowerLossOptions,
): Promise<CrashResult & { dataDir: string }> {
  return runCrashTrials({
    ...options,
    fault: "power",
    presign: true,
    serverEnv: options.unsafe ? { LAKEFS_TS_UNSAFE_NO_FSYNC: options.unsafe } : {},
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const unavailable = fuseUnavailable();
  if (unavailable) {
    console.error(`power-loss harness cannot run: ${unavailable}`);
    process.exit(1);
  }
  const seed = seedFromEnv();
  const base = {
    clients: Number(process.env.POWER_CLIENTS ?? 4),
    maxRunMs: Number(process.env.POWER_MAX_RUN_MS ?? 2500),
    seed,
    log: (line: string) => console.log(line),
  };
  const result = await runPowerLossTrials({
    ...base,
    trials: Number(process.env.POWER_TRIALS ?? 50),
  });
  console.log(JSON.stringify(result, null, 2));
  let ok = result.lost.length === 0;
  for (const unsafe of NEGATIVE_CONTROLS) {
    console.log(`\nnegative control LAKEFS_TS_UNSAFE_NO_FSYNC=${unsafe}`);
    const control = await runPowerLossTrials({
      ...base,
      trials: Number(process.env.CONTROL_TRIALS ?? 10),
      unsafe,
    });
    const { lost, kills, acknowledged } = control;
    rmSync(join(control.dataDir, "..", ".."), { recursive: true, force: true }); // losses expected
    console.log(JSON.stringify({ unsafe, kills, acknowledged, lost: lost.slice(0, 5) }, null, 2));
    if (lost.length === 0) {
      console.log(`FAIL: the harness did not notice the missing ${unsafe} fsync`);
      ok = false;
    } else {
      console.log(`PASS: lost acknowledged data after ${kills} power cut(s), as it must`);
    }
  }
  console.log(ok ? "\npower-loss: PASS" : "\npower-loss: FAIL");
  process.exit(ok ? 0 : 1);
}
