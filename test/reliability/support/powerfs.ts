/**
 * The power-loss filesystem (`test/reliability/powerfs/powerfs.c`) from TypeScript: compiles it
 * on first use (gcc + libfuse3, cached by source hash), mounts it, and cuts the power or shuts it
 * down cleanly. See that file for what is durable when.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const SOURCE_DIR = fileURLToPath(new URL("../powerfs/", import.meta.url));
const SOURCE = join(SOURCE_DIR, "powerfs.c");

/**
 * Why FUSE cannot run on this machine at all, or undefined. Only a missing /dev/fuse excuses a
 * skip; a missing compiler or libfuse3 is an install problem and fails the build instead.
 */
export function fuseUnavailable(): string | undefined {
  if (!existsSync("/dev/fuse"))
    return "/dev/fuse is missing: FUSE is not available on this machine";
  return undefined;
}

/** Compiles powerfs.c unless a binary built from the same source exists; returns its path. */
export function buildPowerFs(): string {
  const source = readFileSync(SOURCE);
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 16);
  const out = join(SOURCE_DIR, ".build", `powerfs-${hash}`);
  if (existsSync(out)) return out;
  mkdirSync(join(SOURCE_DIR, ".build"), { recursive: true });
  const flags = spawnSync("pkg-config", ["--cflags", "--libs", "fuse3"], { encoding: "utf8" });
  if (flags.status !== 0) {
    throw new Error(
      `libfuse3 not found (Debian: apt-get install fuse3 libfuse3-dev pkg-config gcc): ${flags.stderr ?? flags.error}`,
    );
  }
  const temp = `${out}.${process.pid}.tmp`;
  const cc = spawnSync(
    "gcc",
    ["-O2", "-Wall", "-Wextra", "-Werror", "-o", temp, SOURCE, ...flags.stdout.trim().split(/\s+/)],
    { encoding: "utf8" },
  );
  if (cc.status !== 0) throw new Error(`compiling powerfs.c failed:\n${cc.stderr}`);
  renameSync(temp, out); // concurrent builders each produce the same binary
  return out;
}

const mounted = new Set<PowerFs>();
process.once("exit", () => {
  for (const fs of mounted) fs.child.kill("SIGTERM");
});

/** A mounted powerfs: `backing` is the disk, `mountpoint` what programs use. */
export class PowerFs {
  private constructor(
    readonly backing: string,
    readonly mountpoint: string,
    readonly child: ChildProcess,
    private readonly output: { text: string },
  ) {}

  /** Mounts `backing` (an existing directory, the disk) at `mountpoint` (an empty directory). */
  static async mount(backing: string, mountpoint: string): Promise<PowerFs> {
    const child = spawn(buildPowerFs(), [backing, mountpoint], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = { text: "" };
    const collect = (chunk: Buffer) => {
      output.text = (output.text + chunk.toString()).slice(-8000);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    while (!output.text.includes("mounted ")) {
      const code = await Promise.race([exited, sleep(10).then(() => "waiting" as const)]);
      if (code !== "waiting") {
        throw new Error(`powerfs exited (${code}) before mounting:\n${output.text}`);
      }
    }
    const fs = new PowerFs(backing, mountpoint, child, output);
    mounted.add(fs);
    return fs;
  }

  /** Unmounts (cleanly) every mount still up, e.g. after a failed test. */
  static async unmountAll(): Promise<void> {
    for (const fs of [...mounted]) await fs.unmount();
  }

  /**
   * Cuts the power: everything not made durable by fsync is lost, the mount goes away, and
   * `backing` holds what a disk would after the outage. Whatever uses the mount must be dead.
   */
  cutPower(): Promise<void> {
    return this.end("SIGUSR1", "power cut");
  }

  /** A clean shutdown: every change is made durable, then the mount goes away. */
  unmount(): Promise<void> {
    return this.end("SIGTERM", "synced");
  }

  private async end(signal: NodeJS.Signals, done: string): Promise<void> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.once("exit", resolve);
    });
    // A signal landing just before the daemon blocks on /dev/fuse is not seen until the next
    // request, so it is repeated until the daemon leaves its loop.
    let code: number | null | "waiting" = "waiting";
    while (code === "waiting") {
      if (this.child.exitCode === null) this.child.kill(signal);
      code = await Promise.race([exited, sleep(200).then(() => "waiting" as const)]);
    }
    mounted.delete(this);
    if (code !== 0 || !this.output.text.includes(done)) {
      throw new Error(`powerfs did not finish (${code}):\n${this.output.text}`);
    }
  }
}
