/** What every CLI command shares: where it writes, and how it reports a bad command line. */

/** A mistake in the command line: reported with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Where a command writes; tests capture it. */
export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}
