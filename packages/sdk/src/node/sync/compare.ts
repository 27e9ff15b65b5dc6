/**
 * When a local file and an object count as the same, by lakectl's rule: equal size and equal
 * modification time in unix seconds, the object's time being its `::lakefs::client-mtime`
 * (the local mtime recorded at upload) or, without one, the object's own mtime. Downloads set
 * the local mtime to that time, so a round trip compares equal. Optionally, files whose times
 * differ are compared by content (MD5, the checksum lakeFS keeps for single-part uploads).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { LAKEFS_METADATA_PREFIX } from "../../io/metadata.js";
import type { ObjectInfo } from "../../models.js";
import type { LocalFile } from "./local-tree.js";

/** Metadata key holding the uploader's file mtime (unix seconds), as lakectl writes it. */
export const CLIENT_MTIME_KEY = `${LAKEFS_METADATA_PREFIX}client-mtime`;
/** Metadata key holding a preserved symbolic link's target, as lakectl writes it. */
export const SYMLINK_TARGET_KEY = `${LAKEFS_METADATA_PREFIX}symlink-target`;

/**
 * How unchanged files are recognised: `mtime` (lakectl's rule: size and mtime) or `checksum`
 * (size, then mtime, then the MD5 of the content when the times differ).
 */
export type CompareMode = "mtime" | "checksum";

const MD5_HEX = /^[0-9a-f]{32}$/;

/** The object's modification time as lakectl sees it, in unix seconds. */
export function remoteMtimeSeconds(info: ObjectInfo): number {
  const recorded = info.metadata[CLIENT_MTIME_KEY];
  if (recorded !== undefined && /^-?\d+$/.test(recorded)) return Number(recorded);
  return Math.floor(info.mtime.getTime() / 1000);
}

/** True when `local` and `remote` hold the same content by the chosen rule. */
export async function sameFile(
  local: LocalFile,
  remote: ObjectInfo,
  mode: CompareMode,
): Promise<boolean> {
  const remoteTarget = remote.metadata[SYMLINK_TARGET_KEY];
  if (local.symlinkTarget !== undefined || remoteTarget !== undefined) {
    return local.symlinkTarget === remoteTarget;
  }
  if (local.size !== (remote.sizeBytes ?? 0)) return false;
  if (local.mtimeSeconds === remoteMtimeSeconds(remote)) return true;
  if (mode !== "checksum" || !MD5_HEX.test(remote.checksum)) return false;
  return (await fileMd5(local.path)) === remote.checksum;
}

async function fileMd5(path: string): Promise<string> {
  const hash = createHash("md5");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
