/**
 * Making file-system changes survive power loss: fsync of a directory after its entries change,
 * directories created with their parents synced, small files written whole and synced. Every
 * layer that writes files uses these, and so does the test-only switch that turns them off.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** The kinds of fsync the test-only switch below can skip. */
export type FsyncKind = "files" | "dirs" | "sqlite";

const unsafeNoFsync = new Set((process.env.LAKEFS_TS_UNSAFE_NO_FSYNC ?? "").split(","));

/**
 * TEST ONLY, never set it anywhere else: `LAKEFS_TS_UNSAFE_NO_FSYNC=files|dirs|sqlite` (comma
 * separated) skips the fsync of object and range files' bytes, of their directories after they
 * are renamed into place, or of SQLite (`synchronous = OFF`), so acknowledged writes are lost on
 * power loss. It exists so the power-loss harness can prove it notices (its negative controls,
 * docs/reliability.md).
 */
export function unsafeSkipFsync(kind: FsyncKind): boolean {
  return unsafeNoFsync.has(kind);
}

/** Flushes a directory's entries (new names, renames, removals) to disk. */
export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The directories whose entries changed when `mkdir -p dir` created `firstCreated` and everything
 * below it: the parent of each created directory. Empty when nothing was created.
 */
export function parentsOfCreated(dir: string, firstCreated: string | undefined): string[] {
  if (firstCreated === undefined) return [];
  const parents: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    parents.push(dirname(d));
    if (d === firstCreated || d === dirname(d)) return parents;
  }
}

/** `mkdir -p` whose new directories survive power loss (their parents are fsynced). */
export function mkdirDurableSync(dir: string): void {
  for (const parent of parentsOfCreated(dir, mkdirSync(dir, { recursive: true }))) {
    fsyncDirSync(parent);
  }
}

/** Writes a small file whole and durably: temp file, fsync, rename, directory fsync. */
export function writeFileDurableSync(path: string, content: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, "w");
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  fsyncDirSync(dirname(path));
}
