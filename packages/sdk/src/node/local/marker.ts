/**
 * `.lakefs_ref.yaml`, the file lakectl local keeps at a checkout's root: `src` (the
 * `lakefs://repo/ref/prefix/` URI it tracks), `at_head` (the commit the files reflect) and
 * `active_operation` (set while a pull or commit runs, so an interrupted one is noticed).
 */
import { randomBytes } from "node:crypto";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { parseDocument, stringify } from "yaml";
import { InvalidArgumentError } from "../../errors.js";
import { MARKER_NAME } from "../sync/internal-names.js";

export interface Marker {
  readonly src: string;
  readonly atHead: string;
  /** "" when no operation is in progress. */
  readonly activeOperation: string;
}

/** A marker and the checkout root holding it. */
export interface FoundMarker extends Marker {
  readonly root: string;
}

/** Finds the marker in `dir` or its nearest parent holding one; undefined when none does. */
export async function findMarker(dir: string): Promise<FoundMarker | undefined> {
  let current = resolve(dir);
  while (true) {
    const file = join(current, MARKER_NAME);
    if (await stat(file).catch(() => undefined)) {
      return { root: current, ...(await readMarker(file)) };
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

async function readMarker(file: string): Promise<Marker> {
  const document = parseDocument(await readFile(file, "utf8"));
  const data = document.toJS() as Record<string, unknown> | null;
  if (document.errors.length > 0 || data === null || typeof data !== "object") {
    throw new InvalidArgumentError(`${file} is not a lakectl local reference file`);
  }
  const field = (name: string) => (typeof data[name] === "string" ? (data[name] as string) : "");
  const src = field("src");
  if (src === "") throw new InvalidArgumentError(`${file} has no src`);
  // Older lakectl releases named the field `operation`.
  return {
    src,
    atHead: field("at_head"),
    activeOperation: field("active_operation") || field("operation"),
  };
}

/** Writes the marker at `root` atomically (temp file + rename). */
export async function writeMarker(root: string, marker: Marker): Promise<void> {
  const text = stringify({
    src: marker.src,
    at_head: marker.atHead,
    active_operation: marker.activeOperation,
  });
  const file = join(root, MARKER_NAME);
  const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o644 });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
