/**
 * Runs the `lakefs-ts-server` CLI (from source) as a child process, for tests that need a real
 * process: signals, `kill -9`, restarts on the same data directory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const cliSource = join(repoRoot, "packages", "server", "src", "cli.ts");

export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | NodeJS.Signals>;
}

/** Starts `lakefs-ts-server <args>` through tsx with the `development` condition. */
export function spawnCli(args: readonly string[]): CliProcess {
  const script = `import(${JSON.stringify(cliSource)}).then(async (cli) => {
    process.exitCode = await cli.main(process.argv.slice(1));
  });`;
  const child = spawn(
    process.execPath,
    ["--conditions=development", "--import", "tsx", "-e", script, "--", ...args],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? signal!));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** What the `run` banner tells a user. */
export interface Banner {
  readonly endpoint: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly text: string;
}

/** Waits for the server's banner (or fails with the process's output if it exits first). */
export async function waitForBanner(cli: CliProcess): Promise<Banner> {
  const done = cli.exited.then((code) => {
    throw new Error(`server exited (${code}) before listening:\n${cli.stdout()}\n${cli.stderr()}`);
  });
  done.catch(() => {});
  while (!cli.stdout().includes("Press Ctrl+C to stop.")) {
    await Promise.race([new Promise((r) => setTimeout(r, 20)), done]);
  }
  const text = cli.stdout();
  const field = (name: string) => new RegExp(`^ {2}${name}: +(\\S+)$`, "m").exec(text)?.[1];
  const endpoint = field("endpoint");
  if (!endpoint) throw new Error(`no endpoint in banner:\n${text}`);
  return {
    endpoint,
    accessKeyId: field("access key id"),
    secretAccessKey: field("secret access key"),
    text,
  };
}
