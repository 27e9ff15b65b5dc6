/** Spawning the bench's child processes (server and sides) and reading their protocol lines. */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `node` with the development condition and tsx, as every TypeScript child runs. With
 * BENCH_CPU_PROF=<dir> every child also writes a V8 CPU profile there (open in Chrome DevTools).
 */
export function nodeArgs(script: string, ...args: string[]): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  const profile = dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [];
  return [...profile, "--conditions=development", "--import", "tsx", script, ...args];
}

/**
 * Spawns a child and resolves with the payload of its first stdout line starting with `prefix`.
 * Other stdout lines and stderr pass through to ours (prefixed) so failures are visible.
 */
export function spawnUntil(
  command: string,
  args: readonly string[],
  prefix: string,
  label: string,
): { child: ChildProcess; line: Promise<string> } {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const stderr: string[] = [];
  child.stderr!.setEncoding("utf8").on("data", (s: string) => {
    stderr.push(s);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${label}] ${s}`);
  });
  const line = new Promise<string>((resolve, reject) => {
    let found = false;
    createInterface({ input: child.stdout! }).on("line", (l) => {
      if (!found && l.startsWith(prefix)) {
        found = true;
        resolve(l.slice(prefix.length));
      } else if (process.env.BENCH_VERBOSE) process.stderr.write(`[${label}] ${l}\n`);
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (!found) {
        const tail = stderr.join("").split("\n").slice(-15).join("\n");
        reject(new Error(`${label} exited (${signal ?? code}) without ${prefix.trim()}:\n${tail}`));
      }
    });
  });
  return { child, line };
}

/** Waits for a child to exit. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** Runs a child to completion and returns its stdout; a non-zero exit is an error with stderr's tail. */
export function runToEnd(command: string, args: readonly string[], label: string): Promise<string> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${label}] ${s}`);
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `${label} exited (${signal ?? code}):\n${stderr.split("\n").slice(-15).join("\n")}`,
          ),
        );
    });
  });
}
