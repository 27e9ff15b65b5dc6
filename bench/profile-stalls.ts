/**
 * Where a child's event loop stalled: runs of consecutive non-idle samples longer than a
 * threshold in a V8 .cpuprofile (as written with BENCH_CPU_PROF=<dir>), each with the functions
 * of our code that were on the stack longest during it and the heaviest functions by self time.
 * A stall on the main thread is time in which no request could be served (with the machine
 * loaded, descheduled time counts too).
 *
 * Usage: node --import tsx bench/profile-stalls.ts <file.cpuprofile> [threshold-ms=10] [top=6]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, thresholdArg, topArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: profile-stalls.ts <file.cpuprofile> [threshold-ms] [top]");
  process.exit(2);
}
const thresholdUs = Number(thresholdArg ?? 10) * 1000;
const top = Number(topArg ?? 6);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: ProfileNode) => {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url
    .replace(/^file:\/\//, "")
    .replace(/^.*\/(packages|bench|node_modules)\//, "$1/");
  return `${functionName || "(anonymous)"} ${where}${url ? `:${lineNumber + 1}` : ""}`;
};
const isIdle = (id: number) => byId.get(id)!.callFrame.functionName === "(idle)";

/** Prints one stall: its span and the frames of our code on the stack for most of it. */
function report(startUs: number, samples: { id: number; us: number }[]): void {
  const us = samples.reduce((a, s) => a + s.us, 0);
  if (us < thresholdUs) return;
  const inclusive = new Map<string, number>();
  for (const s of samples) {
    const seen = new Set<string>();
    for (let id: number | undefined = s.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      if (!/packages\/(server|sdk)\/src|bench\//.test(n.callFrame.url)) continue;
      const l = label(n);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + s.us);
    }
  }
  const self = new Map<string, number>();
  for (const s of samples) {
    const l = label(byId.get(s.id)!);
    self.set(l, (self.get(l) ?? 0) + s.us);
  }
  const heaviest = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => a[1] - b[1]).slice(-n);
  console.log(`stall ${(us / 1000).toFixed(1)} ms at +${(startUs / 1e6).toFixed(3)} s`);
  for (const [l, t] of heaviest(inclusive, top)) {
    console.log(`  ${(t / 1000).toFixed(1).padStart(7)} ms  ${l}`);
  }
  for (const [l, t] of heaviest(self, 3)) {
    console.log(`  ${(t / 1000).toFixed(1).padStart(7)} ms  self: ${l}`);
  }
}

let now = 0;
let start = 0;
let run: { id: number; us: number }[] = [];
for (const [i, id] of profile.samples.entries()) {
  const dt = profile.timeDeltas[i] ?? 0;
  now += dt;
  if (isIdle(id)) {
    report(start, run);
    run = [];
  } else {
    if (run.length === 0) start = now;
    run.push({ id, us: dt });
  }
}
report(start, run);
