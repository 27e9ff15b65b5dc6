/** A fresh embedded server in its own process, on loopback, with a temporary data directory. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exited, nodeArgs, spawnUntil } from "./processes.js";

export interface BenchServer {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly dataDir: string;
  /** The server process's peak RSS so far, bytes. */
  peakRss(): number;
  /** CPU time (user + system) the server process has used so far, seconds. */
  cpuSeconds(): number;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  presign?: boolean;
  /** An existing (populated) data directory to serve; it is deleted on stop like a fresh one. */
  dataDir?: string;
  /** Directories the server may import from (`ServerOptions.importRoots`). */
  importRoots?: string[];
}

export async function startBenchServer(options: BenchServerOptions = {}): Promise<BenchServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "lakefs-ts-bench-"));
  const { child, line } = spawnUntil(
    process.execPath,
    nodeArgs(
      "bench/lib/server-main.ts",
      JSON.stringify({ dataDir, presign: options.presign, importRoots: options.importRoots }),
    ),
    "READY ",
    "server",
  );
  let ready: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  try {
    ready = JSON.parse(await line);
  } catch (err) {
    child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    endpoint: ready.endpoint,
    accessKeyId: ready.credentials.accessKeyId,
    secretAccessKey: ready.credentials.secretAccessKey,
    dataDir,
    peakRss() {
      const m = readFileSync(`/proc/${child.pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/);
      return m ? Number(m[1]) * 1024 : Number.NaN;
    },
    cpuSeconds() {
      // /proc/<pid>/stat fields 14 and 15 (utime, stime), in clock ticks (100 per second on Linux).
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited(child);
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
