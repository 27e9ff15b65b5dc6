/** `fs ls|cat|stat|upload|download|rm|cp`: objects and directories under lakefs:// URIs. */
import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { Writable } from "node:stream";
import type { Command } from "commander";
import type { ObjectInfo } from "lakefs-ts";
import {
  type DirectorySummary,
  type DirectoryTransferOptions,
  downloadDirectory,
  downloadToFile,
  type SymlinkPolicy,
  uploadDirectory,
  uploadFile,
} from "lakefs-ts/node";
import { type Context, collect, contextOf, pathUri, positiveInteger, repo } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { type CliIO, humanBytes } from "../output.js";
import { progressDisplay } from "../progress.js";

interface TransferFlags {
  recursive?: boolean;
  parallelism?: number;
  preSign?: boolean;
  delete?: boolean;
  include?: string[];
  exclude?: string[];
  symlinks?: SymlinkPolicy;
  dryRun?: boolean;
}

function objectJson(info: ObjectInfo) {
  return {
    path: info.path,
    size_bytes: info.sizeBytes ?? 0,
    mtime: Math.floor(info.mtime.getTime() / 1000),
    checksum: info.checksum,
    content_type: info.contentType,
    physical_address: info.physicalAddress,
    metadata: info.metadata,
  };
}

function transferOptions(context: Context, flags: TransferFlags): DirectoryTransferOptions {
  if (flags.symlinks !== undefined && !["follow", "skip", "preserve"].includes(flags.symlinks)) {
    throw new UsageError(`--symlinks must be follow, skip or preserve, got ${flags.symlinks}`);
  }
  return {
    concurrency: flags.parallelism,
    preSign: flags.preSign,
    deleteExtraneous: flags.delete,
    include: flags.include,
    exclude: flags.exclude,
    symlinks: flags.symlinks,
    dryRun: flags.dryRun,
    onChange: (change) => {
      if (flags.dryRun || !context.progress) {
        context.output.note(`${change.action} ${change.key}`);
      }
    },
  };
}

function summaryLines(summary: DirectorySummary, verb: string): string {
  return `${verb} ${summary.transferred} files (${humanBytes(summary.transferredBytes)}), ${summary.unchanged} unchanged, ${summary.deleted} deleted`;
}

function transferCommand(command: Command): Command {
  return command
    .option("-r, --recursive", "transfer a whole directory / prefix")
    .option("-p, --parallelism <n>", "files in flight at once (default 8)", positiveInteger)
    .option("--pre-sign", "use presigned URLs (default: when the server offers them)")
    .option("--no-pre-sign", "never use presigned URLs")
    .option("--delete", "with -r: delete destination files the source does not have")
    .option("--include <glob>", "with -r: only paths matching (repeatable)", collect)
    .option("--exclude <glob>", "with -r: leave out paths matching (repeatable)", collect)
    .option("--symlinks <policy>", "with -r: follow (default), skip or preserve")
    .option("--dry-run", "with -r: print what would change, change nothing");
}

async function withProgress<T>(
  context: Context,
  label: string,
  run: (onProgress: DirectoryTransferOptions["onProgress"]) => Promise<T>,
): Promise<T> {
  const display = progressDisplay(context.io, context.progress, label);
  try {
    return await run(display.onProgress);
  } finally {
    display.stop();
  }
}

export function registerFs(program: Command, io: CliIO): void {
  const fs = program.command("fs").description("objects and directories in a repository");

  fs.command("ls")
    .description("list objects and common prefixes under a path")
    .argument("<uri>", "lakefs://repository/ref/[prefix]")
    .option("-r, --recursive", "list every object under the prefix (no grouping by /)")
    .action(async (uri: string, flags: { recursive?: boolean }, command: Command) => {
      const context = contextOf(command, io);
      const target = pathUri(uri, { pathRequired: false });
      const ref = repo(context, target.repository).ref(target.ref);
      const listing = ref.objects({
        prefix: target.path,
        delimiter: flags.recursive ? undefined : "/",
      });
      const entries = [];
      for await (const entry of listing) {
        if (context.output.json) {
          entries.push(
            entry.kind === "object"
              ? { type: "object", ...objectJson(entry) }
              : { type: "common_prefix", path: entry.path },
          );
        } else if (entry.kind === "object") {
          const when = entry.mtime.toISOString();
          io.stdout.write(
            `object          ${when}  ${humanBytes(entry.sizeBytes ?? 0).padStart(10)}  ${entry.path}\n`,
          );
        } else {
          io.stdout.write(`common_prefix   ${" ".repeat(24)}  ${" ".repeat(10)}  ${entry.path}\n`);
        }
      }
      if (context.output.json) context.output.result(entries, () => "");
    });

  fs.command("cat")
    .description("write an object's bytes to stdout")
    .argument("<uri>", "lakefs://repository/ref/path")
    .option("--pre-sign", "read through a presigned URL")
    .action(async (uri: string, flags: { preSign?: boolean }, command: Command) => {
      const context = contextOf(command, io);
      const target = pathUri(uri, { pathRequired: true });
      const object = repo(context, target.repository).ref(target.ref).object(target.path);
      const sink = Writable.toWeb(io.stdout as Writable) as WritableStream<Uint8Array>;
      await object.stream({ preSign: flags.preSign }).pipeTo(sink, { preventClose: true });
    });

  fs.command("stat")
    .description("show an object's stats and user metadata")
    .argument("<uri>", "lakefs://repository/ref/path")
    .option("--pre-sign", "return a presigned physical address")
    .action(async (uri: string, flags: { preSign?: boolean }, command: Command) => {
      const context = contextOf(command, io);
      const target = pathUri(uri, { pathRequired: true });
      const object = repo(context, target.repository).ref(target.ref).object(target.path);
      const info = await object.stat({ preSign: flags.preSign });
      context.output.result(objectJson(info), () => [
        `Path: ${info.path}`,
        `Modified Time: ${info.mtime.toISOString()}`,
        `Size: ${info.sizeBytes ?? 0} bytes`,
        `Human Size: ${humanBytes(info.sizeBytes ?? 0)}`,
        `Physical Address: ${info.physicalAddress}`,
        `Checksum: ${info.checksum}`,
        `Content-Type: ${info.contentType ?? ""}`,
        ...(Object.keys(info.metadata).length > 0
          ? ["Metadata:", ...Object.entries(info.metadata).map(([k, v]) => `  ${k} = ${v}`)]
          : []),
      ]);
    });

  transferCommand(
    fs
      .command("upload")
      .description("upload a file, or a directory with -r")
      .argument("<uri>", "lakefs://repository/branch/path (with -r: the prefix)")
      .requiredOption("-s, --source <path>", "local file or directory")
      .option("--content-type <type>", "content type of a single file"),
  ).action(
    async (
      uri: string,
      flags: TransferFlags & { source: string; contentType?: string },
      command: Command,
    ) => {
      const context = contextOf(command, io);
      const target = pathUri(uri, { pathRequired: !flags.recursive });
      const branch = repo(context, target.repository).branch(target.ref);
      if (flags.recursive) {
        const summary = await withProgress(context, "upload", (onProgress) =>
          uploadDirectory(flags.source, branch, target.path, {
            ...transferOptions(context, flags),
            onProgress,
          }),
        );
        context.output.result(summary, () => summaryLines(summary, "uploaded"));
        return;
      }
      const source = await stat(flags.source).catch(() => undefined);
      if (!source?.isFile())
        throw new UsageError(`not a file: ${flags.source} (use -r for a directory)`);
      const info = await uploadFile(branch.object(target.path), flags.source, {
        preSign: flags.preSign,
        contentType: flags.contentType,
      });
      context.output.result(
        objectJson(info),
        () => `uploaded ${info.path} (${humanBytes(info.sizeBytes ?? 0)})`,
      );
    },
  );

  transferCommand(
    fs
      .command("download")
      .description("download an object, or a prefix with -r")
      .argument("<uri>", "lakefs://repository/ref/path (with -r: the prefix)")
      .argument("[destination]", "local file or directory (default: current directory)"),
  ).action(
    async (
      uri: string,
      destination: string | undefined,
      flags: TransferFlags,
      command: Command,
    ) => {
      const context = contextOf(command, io);
      const target = pathUri(uri, { pathRequired: !flags.recursive });
      const ref = repo(context, target.repository).ref(target.ref);
      if (flags.recursive) {
        const summary = await withProgress(context, "download", (onProgress) =>
          downloadDirectory(ref, target.path, destination ?? ".", {
            ...transferOptions(context, flags),
            onProgress,
          }),
        );
        context.output.result(summary, () => summaryLines(summary, "downloaded"));
        return;
      }
      let file = destination ?? basename(target.path);
      const existing = await stat(file).catch(() => undefined);
      if (existing?.isDirectory()) file = join(file, basename(target.path));
      const info = await downloadToFile(ref.object(target.path), file, { preSign: flags.preSign });
      context.output.result(
        { ...objectJson(info), local_path: file },
        () => `downloaded ${info.path} to ${file}`,
      );
    },
  );

  fs.command("rm")
    .description("delete an object, or every object under a prefix with -r")
    .argument("<uri>", "lakefs://repository/branch/path")
    .option("-r, --recursive", "delete every object under the prefix")
    .action(async (uri: string, flags: { recursive?: boolean }, command: Command) => {
      const context = contextOf(command, io);
      const target = pathUri(uri, { pathRequired: true });
      const branch = repo(context, target.repository).branch(target.ref);
      if (!flags.recursive) {
        // lakeFS deletes a missing object without complaint; a typo should not pass silently.
        await branch.object(target.path).stat();
        await branch.object(target.path).delete();
        context.output.result({ deleted: 1 }, () => `deleted ${target.path}`);
        return;
      }
      const paths: string[] = [];
      let deleted = 0;
      const flush = async () => {
        if (paths.length === 0) return;
        await branch.deleteObjects(paths.splice(0));
      };
      for await (const entry of branch.objects({ prefix: target.path })) {
        paths.push(entry.path);
        deleted += 1;
        if (paths.length >= 1000) await flush();
      }
      await flush();
      context.output.result({ deleted }, () => `deleted ${deleted} objects under ${target.path}`);
    });

  fs.command("cp")
    .description("copy an object within a repository (server side)")
    .argument("<source>", "lakefs://repository/ref/path")
    .argument("<destination>", "lakefs://repository/branch/path")
    .action(async (from: string, to: string, _flags: unknown, command: Command) => {
      const context = contextOf(command, io);
      const source = pathUri(from, { pathRequired: true });
      const destination = pathUri(to, { pathRequired: true });
      if (source.repository !== destination.repository) {
        throw new UsageError("fs cp copies within one repository");
      }
      const object = repo(context, source.repository).ref(source.ref).object(source.path);
      const copy = await object.copy({
        destinationBranchId: destination.ref,
        destinationPath: destination.path,
      });
      const info = await copy.stat();
      context.output.result(objectJson(info), () => `copied ${from} to ${to}`);
    });
}
