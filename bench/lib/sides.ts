/** Runs one job in a fresh child process of the chosen side and returns its result. */
import type { Job, JobResult } from "../sides/protocol.js";
import { RESULT_PREFIX } from "../sides/protocol.js";
import { exited, nodeArgs, spawnUntil } from "./processes.js";
import { pythonWithLakefs } from "./python.js";

export type SideName = "lakefs-ts" | "raw-http" | "python";

let python: string | undefined;

function command(side: SideName, job: Job): [string, string[]] {
  const arg = JSON.stringify(job);
  switch (side) {
    case "lakefs-ts":
      return [process.execPath, nodeArgs("bench/sides/sdk.ts", arg)];
    case "raw-http":
      return [process.execPath, nodeArgs("bench/sides/raw.ts", arg)];
    case "python":
      python ??= pythonWithLakefs();
      return [python, ["bench/sides/python_side.py", arg]];
  }
}

/** Runs `job` in a new process of `side`; `log` gets a one-line summary of the measured work. */
export async function runJob(
  side: SideName,
  job: Job,
  log: (m: string) => void,
): Promise<JobResult> {
  const [cmd, args] = command(side, job);
  const { child, line } = spawnUntil(cmd, args, RESULT_PREFIX, `${side} ${job.op}`);
  const result = JSON.parse(await line) as JobResult;
  await exited(child);
  const rss = (result.peakRss - result.idleRss) / 2 ** 20;
  log(
    `  ${side} ${job.op}: ${result.seconds.toFixed(2)} s (${result.cpuSeconds.toFixed(2)} s CPU), ` +
      `peak RSS +${rss.toFixed(0)} MiB over idle`,
  );
  return result;
}
