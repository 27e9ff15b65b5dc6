/**
 * One directory-transfer bench job in its own process (so its peak RSS is its own): a whole
 * tree through uploadDirectory / downloadDirectory, or the same files one by one through the
 * SDK's object API (the baseline). Prints `RESULT {seconds, files, bytes, peakRssBytes,
 * cpuSeconds}` (the job's own CPU time, user + system, measured like `seconds`).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Client, repository } from "lakefs-ts";
import { downloadDirectory, downloadToFile, uploadDirectory, uploadFile } from "lakefs-ts/node";

export interface DirectoryJob {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly repo: string;
  readonly kind: "upload-dir" | "download-dir" | "upload-files" | "download-files";
  readonly dir: string;
  readonly prefix: string;
  /** Relative paths of the tree (the one-by-one upload's work list). */
  readonly keys?: readonly string[];
}

// The job arrives in a file: a 10,000-key work list is too long for a command line.
const job = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as DirectoryJob;
const client = new Client({
  endpoint: job.endpoint,
  credentials: { accessKeyId: job.accessKeyId, secretAccessKey: job.secretAccessKey },
});
const branch = repository(job.repo, { client }).branch("main");
const started = performance.now();
const cpuAtStart = process.cpuUsage();
let files = 0;
let bytes = 0;
switch (job.kind) {
  case "upload-dir": {
    const s = await uploadDirectory(job.dir, branch, job.prefix);
    files = s.transferred;
    bytes = s.transferredBytes;
    break;
  }
  case "download-dir": {
    const s = await downloadDirectory(branch, job.prefix, job.dir);
    files = s.transferred;
    bytes = s.transferredBytes;
    break;
  }
  case "upload-files":
    for (const key of job.keys ?? []) {
      const info = await uploadFile(branch.object(job.prefix + key), join(job.dir, key));
      files += 1;
      bytes += info.sizeBytes ?? 0;
    }
    break;
  case "download-files":
    for await (const entry of branch.objects({ prefix: job.prefix })) {
      if (entry.kind !== "object") continue;
      const file = join(job.dir, entry.path.slice(job.prefix.length));
      mkdirSync(dirname(file), { recursive: true });
      await downloadToFile(branch.object(entry.path), file);
      files += 1;
      bytes += entry.sizeBytes ?? 0;
    }
    break;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuAtStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
console.log(`RESULT ${JSON.stringify({ seconds, files, bytes, peakRssBytes, cpuSeconds })}`);
