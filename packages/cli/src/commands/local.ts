/** `local clone|status|pull|commit`: lakectl-compatible local checkouts. */
import type { Command } from "commander";
import { localClone, localCommit, localPull, localStatus } from "lakefs-ts/node";
import { type Context, collect, contextOf, keyValues, positiveInteger } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { type CliIO, humanBytes } from "../output.js";
import { progressDisplay } from "../progress.js";

interface LocalFlags {
  parallelism?: number;
  preSign?: boolean;
}

function transfer(context: Context, flags: LocalFlags, label: string) {
  const display = progressDisplay(context.io, context.progress, label);
  return {
    display,
    options: {
      client: context.client,
      concurrency: flags.parallelism,
      preSign: flags.preSign,
      onProgress: display.onProgress,
    },
  };
}

function withTransferFlags(command: Command): Command {
  return command
    .option("-p, --parallelism <n>", "files in flight at once (default 8)", positiveInteger)
    .option("--pre-sign", "use presigned URLs (default: when the server offers them)")
    .option("--no-pre-sign", "never use presigned URLs");
}

/** Registers `local`; `setExitCode` lets `status` report "changes found" as exit code 4? No: 0. */
export function registerLocal(program: Command, io: CliIO, exit: { code: number }): void {
  const local = program
    .command("local")
    .description("a local directory bound to a branch prefix (compatible with lakectl local)");

  withTransferFlags(
    local
      .command("clone")
      .description("clone a path into a new local directory")
      .argument("<uri>", "lakefs://repository/ref/[prefix/]")
      .argument("[directory]", "where to clone (default: the prefix's last segment)"),
  ).action(
    async (uri: string, directory: string | undefined, flags: LocalFlags, command: Command) => {
      const context = contextOf(command, io);
      const dir = directory ?? (uri.replace(/\/+$/, "").split("/").pop() || ".");
      const { display, options } = transfer(context, flags, "clone");
      try {
        const { checkout, summary } = await localClone(uri, dir, options);
        context.output.result({ ...checkout, summary }, () => [
          `Successfully cloned ${checkout.src} to ${checkout.root}.`,
          `Downloaded ${summary.transferred} files (${humanBytes(summary.transferredBytes)}) at ${checkout.atHead}.`,
        ]);
      } finally {
        display.stop();
      }
    },
  );

  local
    .command("status")
    .description("local changes against the checkout's commit, and remote changes since")
    .argument("[directory]", "the checkout (or a directory inside it)", ".")
    .action(async (directory: string, _flags: unknown, command: Command) => {
      const context = contextOf(command, io);
      const status = await localStatus(directory, { client: context.client });
      context.output.result(status, () => {
        const lines = [`${status.checkout.src} at ${status.checkout.atHead}`];
        if (status.checkout.activeOperation !== "") {
          lines.push(
            `an interrupted ${status.checkout.activeOperation} left this checkout incomplete: run pull (or commit) again`,
          );
        }
        if (status.local.length === 0) lines.push("No local changes.");
        for (const change of status.local) lines.push(`local\t${change.type}\t${change.path}`);
        if (status.headCommit !== status.checkout.atHead) {
          lines.push(`${status.checkout.ref} is now at ${status.headCommit}:`);
          for (const change of status.remote) lines.push(`remote\t${change.type}\t${change.path}`);
        }
        for (const path of status.conflicts) lines.push(`conflict\t${path}`);
        return lines;
      });
      if (status.conflicts.length > 0) exit.code = EXIT.conflict;
    });

  withTransferFlags(
    local
      .command("pull")
      .description("bring the checkout to the ref's current commit")
      .argument("[directory]", "the checkout (or a directory inside it)", ".")
      .option("-f, --force", "discard local changes"),
  ).action(async (directory: string, flags: LocalFlags & { force?: boolean }, command: Command) => {
    const context = contextOf(command, io);
    const { display, options } = transfer(context, flags, "pull");
    try {
      const { checkout, summary } = await localPull(directory, { ...options, force: flags.force });
      context.output.result(
        { ...checkout, summary },
        () =>
          `Successfully synced ${checkout.root} with ${checkout.src} at ${checkout.atHead}: ${summary.transferred} downloaded, ${summary.deleted} removed.`,
      );
    } finally {
      display.stop();
    }
  });

  withTransferFlags(
    local
      .command("commit")
      .description("upload local changes and commit them on the branch")
      .argument("[directory]", "the checkout (or a directory inside it)", ".")
      .requiredOption("-m, --message <message>", "commit message")
      .option("--meta <key=value>", "commit metadata (repeatable)", collect)
      .option("--allow-empty", "commit even when nothing changed")
      .option("-f, --force", "commit even though the branch changed since the last pull"),
  ).action(
    async (
      directory: string,
      flags: LocalFlags & {
        message: string;
        meta?: string[];
        allowEmpty?: boolean;
        force?: boolean;
      },
      command: Command,
    ) => {
      const context = contextOf(command, io);
      const { display, options } = transfer(context, flags, "commit");
      try {
        const result = await localCommit(directory, flags.message, {
          ...options,
          force: flags.force,
          allowEmpty: flags.allowEmpty,
          metadata: keyValues(flags.meta),
        });
        context.output.result(result, () =>
          result.commitId === undefined
            ? "No changes to commit."
            : `Commit ${result.commitId}: ${result.summary.transferred} uploaded, ${result.summary.deleted} removed.`,
        );
      } finally {
        display.stop();
      }
    },
  );
}
