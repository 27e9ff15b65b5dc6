/**
 * The common main of the TypeScript sides: parse the job, let the side set up its client, reset
 * the kernel's peak-RSS mark, run the measured work, and print the result line.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { type Job, type JobResult, RESULT_PREFIX } from "./protocol.js";

export type Measured = Omit<JobResult, "seconds" | "cpuSeconds" | "idleRss" | "peakRss">;

/** A side: `prepare` builds whatever the job needs (untimed); the returned thunk is timed. */
export type Side = (job: Job) => Promise<() => Promise<Measured>>;

function statusKiB(field: "VmRSS" | "VmHWM"): number {
  const m = readFileSync("/proc/self/status", "utf8").match(new RegExp(`${field}:\\s+(\\d+) kB`));
  if (!m) throw new Error(`/proc/self/status has no ${field}`);
  return Number(m[1]) * 1024;
}

/**
 * With BENCH_CPU_PROF=<dir>, profiles the measured work alone (not start-up) into
 * `<dir>/<side>-<op>-<pid>.window.cpuprofile`; returns the function that stops and writes it.
 */
async function startWindowProfile(): Promise<((name: string) => Promise<void>) | undefined> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return async (name) => {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(join(dir, `${name}.window.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

export async function runSide(side: Side): Promise<void> {
  const raw = process.argv[2];
  if (!raw) throw new Error("usage: <side> '<job json>'");
  const job = JSON.parse(raw) as Job;
  const work = await side(job);
  // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0), so the peak we
  // report belongs to the measured work, not to start-up (module loading, tsx compilation).
  writeFileSync("/proc/self/clear_refs", "5");
  const idleRss = statusKiB("VmRSS");
  const profile = await startWindowProfile();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const measured = await work();
  const seconds = (performance.now() - start) / 1000;
  await profile?.(`${basename(process.argv[1] ?? "side", ".ts")}-${job.op}-${process.pid}`);
  const { user, system } = process.cpuUsage(cpu);
  const cpuSeconds = (user + system) / 1e6;
  const result: JobResult = {
    ...measured,
    seconds,
    cpuSeconds,
    idleRss,
    peakRss: statusKiB("VmHWM"),
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** Runs `task(i)` for i < count with at most `concurrency` in flight. */
export async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
