/** A lakeFS listing under a prefix, as keys relative to it (directory markers left out). */
import type { ObjectInfo } from "../../models.js";
import type { Reference } from "../../reference.js";
import type { KeyFilter } from "./filter.js";

/** An object found under the prefix. */
export interface RemoteFile {
  /** Path relative to the prefix. */
  readonly key: string;
  readonly info: ObjectInfo;
}

/** Yields the objects under `prefix` (a directory prefix) on `ref`, in key order. */
export async function* listRemote(
  ref: Reference,
  prefix: string,
  filter: KeyFilter,
  signal?: AbortSignal,
): AsyncGenerator<RemoteFile> {
  for await (const entry of ref.objects({ prefix, userMetadata: true, signal })) {
    if (entry.kind !== "object") continue;
    const key = entry.path.slice(prefix.length);
    // Directory markers (`dir/`, as Spark writes them) are not files.
    if (key === "" || (key.endsWith("/") && (entry.sizeBytes ?? 0) === 0)) continue;
    if (filter(key)) yield { key, info: entry };
  }
}
