/** Merge-joins a local walk with a lakeFS listing (both in key order) into per-key pairs. */

import { compareKeys } from "./keys.js";
import type { LocalFile } from "./local-tree.js";
import type { RemoteFile } from "./remote-tree.js";

/** A key present on one side or both. */
export interface Pair {
  readonly key: string;
  readonly local?: LocalFile;
  readonly remote?: RemoteFile;
}

/** Yields every key of either side once, in key order, with what each side has. */
export async function* pairUp(
  locals: AsyncIterable<LocalFile>,
  remotes: AsyncIterable<RemoteFile>,
): AsyncGenerator<Pair> {
  const l = locals[Symbol.asyncIterator]();
  const r = remotes[Symbol.asyncIterator]();
  try {
    let local = await l.next();
    let remote = await r.next();
    while (!local.done || !remote.done) {
      const order = local.done
        ? 1
        : remote.done
          ? -1
          : compareKeys(local.value.key, remote.value.key);
      if (order < 0 && !local.done) {
        yield { key: local.value.key, local: local.value };
        local = await l.next();
      } else if (order > 0 && !remote.done) {
        yield { key: remote.value.key, remote: remote.value };
        remote = await r.next();
      } else if (!local.done && !remote.done) {
        yield { key: local.value.key, local: local.value, remote: remote.value };
        local = await l.next();
        remote = await r.next();
      }
    }
  } finally {
    await l.return?.();
    await r.return?.();
  }
}
