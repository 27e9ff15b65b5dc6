/**
 * The `lakefs-ts-server` command line: `run` (the default) starts the server in the foreground and
 * prints how to reach it; `fsck` checks a data directory offline. Commands live in `COMMANDS`.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { stringify } from "yaml";
import { type CliIO, UsageError } from "./cli-io.js";
import { fsckCommand } from "./fsck.js";
import { LAKEFS_API_VERSION, startServer } from "./index.js";
import type { RunningServer, ServerOptions } from "./options.js";

export { type CliIO, UsageError } from "./cli-io.js";

const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export const USAGE = `Usage: lakefs-ts-server [run] [options]

Runs an embedded lakeFS-compatible server (lakeFS API ${LAKEFS_API_VERSION}) on this machine.

Commands:
  run                   start the server in the foreground (the default)
  fsck --data DIR       check a data directory's commits, trees and objects (never repairs)

Options for run:
  --data DIR            data directory, created if missing (default ./lakefs-data)
  --host HOST           interface to listen on (default 127.0.0.1)
  --port N              TCP port, 0 picks a free one (default 8000)
  --quickstart          use lakeFS's well-known quickstart key pair as the admin credentials
  --presign             offer presigned URLs and presigned multipart uploads
  --import-root DIR     allow imports from local:// paths under DIR (repeatable)
  --s3-domain DOMAIN    S3 gateway domain for virtual-host buckets (default s3.local.lakefs.io)
  --s3-region REGION    region the S3 gateway reports (default us-east-1)
  --actions-lua-net-http
                        let Lua hooks send HTTP requests (require "net/http"; lakeFS's
                        actions.lua.net_http_enabled)
  --lakectl-config FILE write a lakectl config (endpoint and keys) to FILE if it does not exist
  --log                 log every request to stderr
  -h, --help            show this help
`;

const RUN_OPTIONS = {
  data: { type: "string", default: "./lakefs-data" },
  host: { type: "string", default: "127.0.0.1" },
  port: { type: "string", default: "8000" },
  quickstart: { type: "boolean", default: false },
  presign: { type: "boolean", default: false },
  "import-root": { type: "string", multiple: true, default: [] as string[] },
  "s3-domain": { type: "string", default: "s3.local.lakefs.io" },
  "s3-region": { type: "string", default: "us-east-1" },
  "actions-lua-net-http": { type: "boolean", default: false },
  "lakectl-config": { type: "string" },
  log: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} satisfies ParseArgsConfig["options"];

function parseStrict(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: RUN_OPTIONS, strict: true }).values;
  } catch (err) {
    // Unknown flags, missing values, stray positionals.
    throw new UsageError((err as Error).message);
  }
}

export type RunArgs =
  | { help: true }
  | { help: false; options: ServerOptions; lakectlConfig?: string | undefined };

/** Parses `run`'s arguments into server options (throws `UsageError`). */
export function parseRunArgs(argv: readonly string[]): RunArgs {
  const values = parseStrict(argv);
  if (values.help) return { help: true };
  if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) {
    throw new UsageError(`--port ${values.port}: expected a number between 0 and 65535`);
  }
  if (values.data.trim() === "") throw new UsageError("--data: expected a directory");
  if (values.host.trim() === "") throw new UsageError("--host: expected a host name or address");
  const lakectlConfig = values["lakectl-config"];
  if (lakectlConfig?.trim() === "") throw new UsageError("--lakectl-config: expected a file");
  return {
    help: false,
    lakectlConfig: lakectlConfig && resolve(lakectlConfig),
    options: {
      dataDir: resolve(values.data),
      host: values.host,
      port: Number(values.port),
      quickstart: values.quickstart,
      presign: values.presign,
      importRoots: values["import-root"].map((dir) => resolve(dir)),
      logger: values.log,
      s3Domain: values["s3-domain"],
      s3Region: values["s3-region"],
      actionsLuaNetHttp: values["actions-lua-net-http"],
    },
  };
}

/** Shell-quotes a value for the `export` lines (secrets may contain `/`, `+`, `=`). */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** What `run` prints once the server listens: where it is and how to point clients at it. */
export function banner(server: RunningServer, options: ServerOptions): string {
  const lines = [
    `lakefs-ts-server is running (lakeFS API ${LAKEFS_API_VERSION})`,
    `  endpoint:           ${server.endpoint}`,
    `  data directory:     ${server.dataDir}`,
  ];
  const creds = server.credentials;
  if (creds) {
    lines.push(
      `  access key id:      ${creds.accessKeyId}`,
      `  secret access key:  ${creds.secretAccessKey}`,
    );
    if (options.quickstart) {
      lines.push("", "Quickstart credentials are public: use this server for local testing only.");
    } else if (server.firstStart && !options.credentials) {
      lines.push("", "The secret access key is shown only this once; keep it somewhere safe.");
    }
    lines.push(
      "",
      "Point lakectl or a lakeFS SDK at it:",
      `  export LAKECTL_SERVER_ENDPOINT_URL=${server.url}`,
      `  export LAKECTL_CREDENTIALS_ACCESS_KEY_ID=${creds.accessKeyId}`,
      `  export LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY=${shellQuote(creds.secretAccessKey)}`,
    );
  } else {
    lines.push(
      "  credentials:        those printed when this data directory was first started",
      "",
      "Point lakectl or a lakeFS SDK at it:",
      `  export LAKECTL_SERVER_ENDPOINT_URL=${server.url}`,
      "  export LAKECTL_CREDENTIALS_ACCESS_KEY_ID=... LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY=...",
    );
  }
  lines.push("", "Press Ctrl+C to stop.", "");
  return lines.join("\n");
}

/**
 * Writes a lakectl config file for the server, never replacing an existing one (it may hold the
 * user's settings for another lakeFS). Returns what happened, for the log.
 */
export function writeLakectlConfig(file: string, server: RunningServer): string {
  if (!server.credentials) {
    return `Not writing ${file}: the secret access key of this data directory is not known.`;
  }
  const config = {
    credentials: {
      access_key_id: server.credentials.accessKeyId,
      secret_access_key: server.credentials.secretAccessKey,
    },
    server: { endpoint_url: server.url },
  };
  try {
    writeFileSync(file, stringify(config), { flag: "wx", mode: 0o600 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return `Not writing ${file}: it already exists.`;
    return `Not writing ${file}: ${(err as Error).message}`;
  }
  return `Wrote lakectl configuration to ${file}.`;
}

/**
 * Listens for SIGINT/SIGTERM from now on: `received` resolves on the first one (a second one
 * exits at once); `stop()` removes the listeners.
 */
function listenForShutdown(): { received: Promise<NodeJS.Signals>; stop(): void } {
  let onSignal = (_signal: NodeJS.Signals) => {};
  const received = new Promise<NodeJS.Signals>((done) => {
    onSignal = (signal) => {
      stop();
      process.once("SIGINT", () => process.exit(130)).once("SIGTERM", () => process.exit(143));
      done(signal);
    };
  });
  const stop = () => {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  };
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  return { received, stop };
}

async function runCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseRunArgs(argv);
  if (parsed.help) {
    io.out(USAGE);
    return 0;
  }
  // Listening before the banner appears: whoever reads it may signal at once.
  const shutdown = listenForShutdown();
  let server: RunningServer;
  try {
    server = await startServer(parsed.options);
  } catch (err) {
    shutdown.stop();
    throw err;
  }
  io.out(banner(server, parsed.options));
  if (parsed.lakectlConfig) io.err(`${writeLakectlConfig(parsed.lakectlConfig, server)}\n`);
  const signal = await shutdown.received;
  io.err(`${signal}: draining requests and closing the database\n`);
  await server.close();
  return 0;
}

/** Subcommands by name; each gets the arguments after its name. */
const COMMANDS: Record<string, (argv: readonly string[], io: CliIO) => Promise<number>> = {
  run: runCommand,
  fsck: fsckCommand,
};

/** Entry point of the `lakefs-ts-server` bin; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--help" || first === "-h" || first === "help") {
    io.out(USAGE);
    return 0;
  }
  // Without a command name the arguments are run's (`lakefs-ts-server --data DIR`).
  const command = first === undefined || first.startsWith("-") ? "run" : first;
  const args = command === first ? rest : argv;
  const handler = COMMANDS[command];
  try {
    if (!handler) throw new UsageError(`unknown command "${command}"`);
    return await handler(args, io);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`lakefs-ts-server: ${err.message}\nRun 'lakefs-ts-server --help' for usage.\n`);
    return 2;
  }
}
