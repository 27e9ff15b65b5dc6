/** The embedded server as a separate process, so a harness can `kill -9` it. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const SERVE = fileURLToPath(new URL("./serve.ts", import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly endpoint: string;
  readonly child: ChildProcess;
  /** SIGKILL: no shutdown code runs. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM: graceful close. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Offer presigned URLs (and so presigned multipart uploads). */
  readonly presign?: boolean;
  /** Extra environment for the server process. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Spawns `serve.ts` over `dataDir` and waits for the line announcing its URL. */
export async function spawnServer(
  dataDir: string,
  importRoots: readonly string[] = [],
  options: SpawnOptions = {},
): Promise<ServerProcess> {
  const flags = options.presign ? ["--presign"] : [];
  const child = spawn(
    process.execPath,
    ["--conditions=development", "--import", "tsx", SERVE, ...flags, dataDir, ...importRoots],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...options.env } },
  );
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = once(child, "exit");
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve((JSON.parse(out.slice(0, nl)) as { url: string }).url);
    });
    child.once("exit", (code) =>
      reject(new Error(`server exited (${code}) before listening:\n${stderr}`)),
    );
  });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    url,
    endpoint: `${url}/api/v1`,
    child,
    kill: () => signal("SIGKILL"),
    stop: () => signal("SIGTERM"),
  };
}
