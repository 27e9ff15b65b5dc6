/** Python-style open modes, validated before any request is sent. */

import { InvalidArgumentError } from "../errors.js";

/** `r` reads text (UTF-8), `rb` reads bytes. */
export type ReadMode = "r" | "rb";
/** `w`/`wb` create or overwrite; `x`/`xb` create only, failing if the object exists. */
export type WriteMode = "w" | "wb" | "x" | "xb";

const READ_MODES: readonly string[] = ["r", "rb"];
const WRITE_MODES: readonly string[] = ["w", "wb", "x", "xb"];

export function checkReadMode(mode: unknown): ReadMode {
  if (typeof mode === "string" && READ_MODES.includes(mode)) return mode as ReadMode;
  throw new InvalidArgumentError(`invalid read mode ${JSON.stringify(mode)}: expected "r" or "rb"`);
}

export function checkWriteMode(mode: unknown): WriteMode {
  if (typeof mode === "string" && WRITE_MODES.includes(mode)) return mode as WriteMode;
  throw new InvalidArgumentError(
    `invalid write mode ${JSON.stringify(mode)}: expected "w", "wb", "x" or "xb"`,
  );
}

/** True for the create-only modes, which send `If-None-Match: *`. */
export function isExclusive(mode: WriteMode): boolean {
  return mode.startsWith("x");
}
