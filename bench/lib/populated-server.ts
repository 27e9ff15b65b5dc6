/** A fresh data directory populated through the engine, then a server started on it. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RepoSpec } from "./populate.js";
import { exited, nodeArgs, spawnUntil } from "./processes.js";
import { type BenchServer, type BenchServerOptions, startBenchServer } from "./server.js";

/**
 * Populates a new data directory with `repos` (in a child process, killed after `timeoutMs`),
 * then starts a server on it (with `options`). Returns the server and how long population took.
 */
export async function startPopulatedServer(
  repos: readonly RepoSpec[],
  timeoutMs: number,
  options: Omit<BenchServerOptions, "dataDir"> = {},
): Promise<{ server: BenchServer; populateSeconds: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), "lakefs-ts-bench-"));
  const specDir = mkdtempSync(join(tmpdir(), "lakefs-ts-bench-spec-"));
  const specFile = join(specDir, "populate.json");
  writeFileSync(specFile, JSON.stringify({ dataDir, repos }));
  const start = performance.now();
  const { child, line } = spawnUntil(
    process.execPath,
    nodeArgs("bench/lib/populate-main.ts", specFile),
    "POPULATED",
    "populate",
  );
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  try {
    await line;
    await exited(child);
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  } finally {
    clearTimeout(timer);
    rmSync(specDir, { recursive: true, force: true });
  }
  const populateSeconds = (performance.now() - start) / 1000;
  // The kernel would otherwise write the population back while the first figures are measured.
  execFileSync("sync");
  return { server: await startBenchServer({ ...options, dataDir }), populateSeconds };
}
