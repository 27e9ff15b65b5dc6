/**
 * The `lakefs-ts` command line: objects and directories (`fs`), lakectl-compatible checkouts
 * (`local`), repositories, branches, tags, commits, logs, diffs and merges, over lakefs:// URIs.
 * Configuration comes from `~/.lakectl.yaml` / `LAKECTL_*`, as for lakectl and the SDK.
 *
 * @module lakefs-ts-cli
 */
import { Command, CommanderError } from "commander";
import { SDK_VERSION } from "lakefs-ts";
import {
  COMPLETE_COMMAND,
  completionCandidates,
  registerCompletion,
} from "./commands/completion.js";
import { registerFs } from "./commands/fs.js";
import { registerHistory } from "./commands/history.js";
import { registerLocal } from "./commands/local.js";
import { registerRefs } from "./commands/refs.js";
import { EXIT, exitCodeOf } from "./exit-codes.js";
import { type CliIO, processIO } from "./output.js";

export { EXIT } from "./exit-codes.js";
export { type CliIO, memoryIO } from "./output.js";

/** Builds the command tree writing to `io`; `exit.code` lets a command report a non-zero result. */
export function buildProgram(io: CliIO, exit: { code: number }): Command {
  const program = new Command("lakefs-ts")
    .description(
      "lakeFS from the command line: objects, directories, local checkouts, branches and merges",
    )
    .version(SDK_VERSION, "--version")
    .option("--json", "print results as JSON")
    .option("-q, --quiet", "no progress bars")
    .option("-c, --config <file>", "lakectl configuration file (default ~/.lakectl.yaml)")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  registerFs(program, io);
  registerLocal(program, io, exit);
  registerRefs(program, io);
  registerHistory(program, io);
  registerCompletion(program, io);
  // Every subcommand inherits the output and error handling of the root.
  const inherit = (command: Command) => {
    for (const sub of command.commands) {
      sub.exitOverride().showHelpAfterError().configureOutput(program.configureOutput());
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/** Runs the command line and resolves to the exit code (never throws). */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const exit = { code: EXIT.ok as number };
  const program = buildProgram(io, exit);
  if (argv[0] === COMPLETE_COMMAND) {
    const words = argv.slice(1);
    const candidates = completionCandidates(program, words.length === 0 ? [""] : words);
    if (candidates.length > 0) io.stdout.write(`${candidates.join("\n")}\n`);
    return EXIT.ok;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exit.code;
  } catch (error) {
    if (!(error instanceof CommanderError)) {
      io.stderr.write(`lakefs-ts: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return exitCodeOf(error);
  }
}
