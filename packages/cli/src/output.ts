/** Where commands write, and in which form: human text or `--json`. */
import { Writable } from "node:stream";

/** The process's streams, or a test's capture. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal (progress bars are drawn only then). */
  readonly interactive: boolean;
}

export const processIO: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  interactive: process.stderr.isTTY === true,
};

/** A capture for tests: everything written, as text. */
export function memoryIO(): CliIO & { out(): string; err(): string; bytes(): Buffer } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]) =>
    new Writable({
      write(chunk, _encoding, callback) {
        into.push(Buffer.from(chunk));
        callback();
      },
    });
  return {
    stdout: sink(out),
    stderr: sink(err),
    interactive: false,
    out: () => Buffer.concat(out).toString("utf8"),
    err: () => Buffer.concat(err).toString("utf8"),
    bytes: () => Buffer.concat(out),
  };
}

/** Prints results: `human` lines, or one JSON document with `--json`. */
export class Output {
  constructor(
    readonly io: CliIO,
    readonly json: boolean,
  ) {}

  /** Prints `value` as JSON, or the `human` rendering of it. */
  result(value: unknown, human: () => string | string[]): void {
    if (this.json) {
      this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      return;
    }
    const text = human();
    const lines = Array.isArray(text) ? text : [text];
    for (const line of lines) this.io.stdout.write(`${line}\n`);
  }

  /** A note for people (stderr), never part of the JSON output. */
  note(text: string): void {
    if (!this.json) this.io.stderr.write(`${text}\n`);
  }
}

/** `1.5 MiB`-style sizes. */
export function humanBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
