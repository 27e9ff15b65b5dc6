/**
 * Exit codes scripts can rely on (see docs/cli.md). Errors are mapped by kind, not message.
 */
import { CommanderError } from "commander";
import {
  ConfigurationError,
  ConflictError,
  InvalidArgumentError,
  NotAuthorizedError,
  NotFoundError,
  PreconditionFailedError,
} from "lakefs-ts";
import { CheckoutError } from "lakefs-ts/node";

export const EXIT = {
  ok: 0,
  /** Anything else: server errors, network failures, local I/O errors. */
  failure: 1,
  /** Bad command line: unknown command or option, bad URI, invalid argument. */
  usage: 2,
  /** The repository, ref or object does not exist. */
  notFound: 3,
  /** Refused because of state: conflict, existing object, local changes, branch moved. */
  conflict: 4,
  /** No usable configuration, or the credentials were rejected. */
  auth: 5,
} as const;

/** A command-line mistake found by a command itself. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The exit code for an error a command threw. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError || error instanceof InvalidArgumentError) return EXIT.usage;
  if (error instanceof NotFoundError) return EXIT.notFound;
  if (error instanceof CheckoutError) {
    return error.reason === "not_a_checkout" ? EXIT.notFound : EXIT.conflict;
  }
  if (error instanceof ConflictError || error instanceof PreconditionFailedError) {
    return EXIT.conflict;
  }
  if (error instanceof ConfigurationError || error instanceof NotAuthorizedError) return EXIT.auth;
  return EXIT.failure;
}
