/**
 * Directory transfers (`npm run bench -- --only directory`): a 10,000-file tree (1,000 with
 * --quick) of mixed sizes, uploaded and downloaded with uploadDirectory / downloadDirectory and,
 * in the same run, file by file through the SDK's object API; presign off and on. Target: the
 * directory functions >= 3x the one-by-one baseline in files/s. Full runs also move a 2 GiB file
 * with downloadDirectory / uploadDirectory and report the client's peak RSS (target < 256 MiB).
 *
 * Where the time goes (and why 3x is out of reach on 2 cores). A small file costs one request
 * (three for a presigned upload: staging address, PUT, link; two for a presigned download: the
 * GET and its redirect), the same in both runs. The directory run is CPU-bound: its client and
 * server CPU per file (printed for every job), spread over the cores, is about its time per
 * file. Most of that CPU is the kernel's: creating one file costs ~0.5 ms of CPU on this
 * machine's disk (ext4 without a journal, whose inode allocator scans past recently deleted
 * inodes; `create-file-cpu` measures it; ~0.04 ms on tmpfs), paid once per file by the server
 * on upload and by the client on download, plus thread-pool and socket wake-ups. The one-by-one
 * run already keeps about one core busy, its only idle time being the fsync waits, so the best
 * ratio the cores allow is `speedup-ceiling`: the one-by-one time per file over the directory
 * run's CPU per file divided by the core count. On this 2-core machine the directory runs use
 * 1.1-2.7 ms of CPU per file (client + server, measured under load) against 1.2-1.7 ms per file
 * one by one (quiet), a ceiling of roughly 1.5-2.5x, and the measured ratios sit near it: 3x
 * needs more cores, or a disk where creating a file is cheap, not a different transfer loop.
 */
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { AdminApi } from "../lib/api.js";
import type { DirectoryJob } from "../lib/directory-main.js";
import { nodeArgs, runToEnd } from "../lib/processes.js";
import { atLeast, atMost, type BenchRecord, round } from "../lib/record.js";
import { type BenchServer, startBenchServer } from "../lib/server.js";
import { GiB, MiB } from "../lib/stats.js";
import type { BenchContext } from "./context.js";

interface JobOutcome {
  readonly seconds: number;
  readonly files: number;
  readonly bytes: number;
  readonly peakRssBytes: number;
  /** The job's (client's) CPU time. */
  readonly cpuSeconds: number;
  /** The server's CPU time during the job. */
  readonly serverCpuSeconds: number;
}

/** Writes the tree: nested directories, unicode names, mostly small files with a long tail. */
function writeTree(root: string, count: number): string[] {
  const keys: string[] = [];
  const names = ["données", "日本語", "emoji-😀", "plain"];
  for (let i = 0; i < count; i++) {
    const roll = (i * 7919) % 100;
    const size =
      roll < 80
        ? 512 + ((i * 131) % 7680)
        : roll < 98
          ? 16384 + ((i * 977) % 49152)
          : 262144 + ((i * 4099) % 786432);
    const key = `${names[i % 4]}-${i % 10}/${i % 7}/${names[(i >> 2) % 4]}-${i}.bin`;
    const file = join(root, key);
    mkdirSync(dirname(file), { recursive: true });
    const bytes = Buffer.alloc(size, i % 251);
    bytes.writeUInt32LE(i, 0);
    const fd = openSync(file, "w");
    writeSync(fd, bytes);
    closeSync(fd);
    keys.push(key);
  }
  return keys;
}

async function runDirectoryJob(job: DirectoryJob, server: BenchServer): Promise<JobOutcome> {
  const jobFile = join(mkdtempSync(join(tmpdir(), "lakefs-ts-bench-job-")), "job.json");
  writeFileSync(jobFile, JSON.stringify(job));
  const serverCpuAtStart = server.cpuSeconds();
  const out = await runToEnd(
    process.execPath,
    nodeArgs("bench/lib/directory-main.ts", jobFile),
    job.kind,
  ).finally(() => rmSync(dirname(jobFile), { recursive: true, force: true }));
  const line = out.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`${job.kind}: no RESULT line`);
  const result = JSON.parse(line.slice("RESULT ".length)) as Omit<JobOutcome, "serverCpuSeconds">;
  return { ...result, serverCpuSeconds: server.cpuSeconds() - serverCpuAtStart };
}

function rates(name: string, outcome: JobOutcome): BenchRecord[] {
  return [
    { name: `${name}.files-per-s`, value: round(outcome.files / outcome.seconds), unit: "files/s" },
    { name: `${name}.MB-per-s`, value: round(outcome.bytes / 1e6 / outcome.seconds), unit: "MB/s" },
  ];
}

/** Client and server CPU per file: where a transfer's time goes when the cores are the limit. */
function cpuPerFile(name: string, outcome: JobOutcome): BenchRecord[] {
  const perFile = (seconds: number) => round((seconds * 1000) / Math.max(outcome.files, 1));
  return [
    { name: `${name}.client-cpu-per-file`, value: perFile(outcome.cpuSeconds), unit: "ms" },
    { name: `${name}.server-cpu-per-file`, value: perFile(outcome.serverCpuSeconds), unit: "ms" },
  ];
}

/**
 * The largest speedup this machine's cores allow: the one-by-one run's time per file over the
 * directory run's client + server CPU per file spread over every core (an upper bound: the
 * kernel's own threads, e.g. writeback, are not counted).
 */
function speedupCeiling(dir: JobOutcome, files: JobOutcome): number {
  const cpuPerFileSeconds = (dir.cpuSeconds + dir.serverCpuSeconds) / dir.files;
  return files.seconds / files.files / (cpuPerFileSeconds / availableParallelism());
}

export async function directoryTransfers(ctx: BenchContext): Promise<BenchRecord[]> {
  const count = ctx.quick ? 1000 : 10_000;
  const work = mkdtempSync(join(tmpdir(), "lakefs-ts-bench-dir-"));
  const records: BenchRecord[] = [];
  try {
    const tree = join(work, "tree");
    ctx.log(`directory: writing a ${count}-file tree`);
    const cpuAtStart = process.cpuUsage();
    const keys = writeTree(tree, count);
    const treeCpu = process.cpuUsage(cpuAtStart);
    // Every transfer creates one such file (the server's on upload, the client's on download).
    records.push({
      name: "directory.create-file-cpu",
      value: round((treeCpu.user + treeCpu.system) / 1000 / count),
      unit: "ms",
      note: "CPU to create and write one file of the tree on this disk, mostly kernel time",
    });
    for (const presign of [false, true]) {
      const mode = presign ? "presign-on" : "presign-off";
      const server = await startBenchServer({ presign });
      try {
        const repo = "bench-dir";
        await new AdminApi(server).createRepo(repo);
        const base = { ...server, repo };
        const run = async (kind: DirectoryJob["kind"], dir: string, prefix: string, extra = {}) => {
          ctx.log(`directory ${mode}: ${kind}`);
          return runDirectoryJob({ ...base, kind, dir, prefix, ...extra }, server);
        };
        const upDir = await run("upload-dir", tree, "dir/");
        const upFiles = await run("upload-files", tree, "files/", { keys });
        const downDir = await run("download-dir", join(work, `${mode}-dir`), "dir/");
        const downFiles = await run("download-files", join(work, `${mode}-files`), "files/");
        for (const [direction, dir, files] of [
          ["upload", upDir, upFiles],
          ["download", downDir, downFiles],
        ] as const) {
          const name = `directory.${mode}.${direction}-${count}-files`;
          records.push(
            ...rates(`${name}.directory`, dir),
            ...cpuPerFile(`${name}.directory`, dir),
            ...rates(`${name}.one-by-one`, files),
            ...cpuPerFile(`${name}.one-by-one`, files),
          );
          const ratio = dir.seconds > 0 ? files.seconds / dir.seconds : 0;
          records.push({
            name: `${name}.speedup`,
            value: round(ratio),
            unit: "x",
            ratio: { value: round(ratio), relativeTo: `${name}.one-by-one` },
            target: atLeast(ratio, 3),
          });
          const ceiling = speedupCeiling(dir, files);
          records.push({
            name: `${name}.speedup-ceiling`,
            value: round(ceiling),
            unit: "x",
            note: `what ${availableParallelism()} cores allow at the directory run's CPU per file`,
          });
        }
        if (!ctx.quick) records.push(...(await bigFile(ctx, work, mode, run)));
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return records;
}

/** A 2 GiB file (sparse, written in place) up and down through the directory functions. */
async function bigFile(
  ctx: BenchContext,
  work: string,
  mode: string,
  run: (kind: DirectoryJob["kind"], dir: string, prefix: string) => Promise<JobOutcome>,
): Promise<BenchRecord[]> {
  const dir = join(work, `${mode}-big`);
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, "big.bin"), "w");
  for (let o = 0; o < 2 * GiB; o += 64 * MiB)
    writeSync(fd, Buffer.from(`block at ${o}`), 0, undefined, o);
  ftruncateSync(fd, 2 * GiB);
  closeSync(fd);
  ctx.log(`directory ${mode}: 2 GiB file`);
  const up = await run("upload-dir", dir, "big/");
  const down = await run("download-dir", join(work, `${mode}-big-copy`), "big/");
  const records: BenchRecord[] = [];
  for (const [direction, outcome] of [
    ["upload", up],
    ["download", down],
  ] as const) {
    const name = `directory.${mode}.${direction}-2GiB`;
    const rss = outcome.peakRssBytes / MiB;
    records.push(...rates(name, outcome).slice(1), {
      name: `${name}.client-peak-rss`,
      value: round(rss),
      unit: "MiB",
      target: atMost(rss, 256, " MiB"),
    });
  }
  return records;
}
