/** What every command needs: the client, the output, and URI helpers. */
import type { Command } from "commander";
import { Client, repository } from "lakefs-ts";
import { parseLakeFSUri } from "lakefs-ts/node";
import { UsageError } from "./exit-codes.js";
import { type CliIO, Output } from "./output.js";

export interface Context {
  readonly io: CliIO;
  readonly output: Output;
  readonly client: Client;
  /** Progress bars wanted (not `--quiet`, not `--json`). */
  readonly progress: boolean;
}

/** Global options: `--json`, `--quiet`, `--config FILE`. */
export interface GlobalOptions {
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly config?: string;
}

/** Builds the context from the root program's options (the config is resolved lazily). */
export function contextOf(command: Command, io: CliIO): Context {
  const options = command.optsWithGlobals<GlobalOptions>();
  // lakectl's own variable: the SDK reads it when the client first resolves its configuration.
  if (options.config !== undefined) process.env.LAKECTL_CONFIG_FILE = options.config;
  const json = options.json === true;
  return {
    io,
    output: new Output(io, json),
    client: new Client(),
    progress: !json && options.quiet !== true,
  };
}

/** `lakefs://repo` (nothing after the repository). */
export function repositoryUri(text: string): string {
  const uri = parseLakeFSUri(text);
  if (uri.ref !== undefined) throw new UsageError(`expected lakefs://<repository>, got ${text}`);
  return uri.repository;
}

/** `lakefs://repo/ref` (a path is not allowed). */
export function refUri(text: string): { repository: string; ref: string } {
  const uri = parseLakeFSUri(text);
  if (uri.ref === undefined || (uri.path !== undefined && uri.path !== "")) {
    throw new UsageError(`expected lakefs://<repository>/<ref>, got ${text}`);
  }
  return { repository: uri.repository, ref: uri.ref };
}

/** `lakefs://repo/ref/path` (the path may be required). */
export function pathUri(
  text: string,
  options: { pathRequired: boolean },
): { repository: string; ref: string; path: string } {
  const uri = parseLakeFSUri(text);
  if (uri.ref === undefined)
    throw new UsageError(`expected lakefs://<repository>/<ref>/<path>, got ${text}`);
  const path = uri.path ?? "";
  if (options.pathRequired && path === "") {
    throw new UsageError(`expected an object path in ${text}`);
  }
  return { repository: uri.repository, ref: uri.ref, path };
}

export function repo(context: Context, id: string) {
  return repository(id, { client: context.client });
}

/** Parses `key=value` pairs (repeatable `--meta`). */
export function keyValues(
  pairs: readonly string[] | undefined,
): Record<string, string> | undefined {
  if (pairs === undefined || pairs.length === 0) return undefined;
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`expected key=value, got ${pair}`);
    result[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return result;
}

/** Commander's collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses a positive integer option. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`expected a positive integer, got ${value}`);
  return n;
}
