/**
 * Small local files are read and written whole, mostly synchronously: reading or writing a small
 * file in the page cache takes microseconds, where every async file call costs a thread-pool
 * round trip and a stream its machinery, together most of a small transfer's client CPU.
 * Creating a file stays asynchronous (inode allocation can take long on a busy file system).
 * Larger files stream.
 */
import { closeSync, futimesSync, open, renameSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";

const openFd = promisify(open);

/** Files up to this size take the whole-file path (memory: this much per file in flight). */
export const SMALL_FILE_BYTES = 64 * 1024;

/**
 * Writes `bytes` to `temporary` with the given mtime (unix seconds), then renames it to `path`,
 * so `path` never holds a partial file.
 */
export async function writeSmallFile(
  temporary: string,
  path: string,
  bytes: Uint8Array,
  mtimeSeconds: number,
): Promise<void> {
  const fd = await openFd(temporary, "w");
  try {
    writeFileSync(fd, bytes);
    futimesSync(fd, mtimeSeconds, mtimeSeconds);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}
