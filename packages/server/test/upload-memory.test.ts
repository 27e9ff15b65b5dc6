/**
 * An upload's chunks must become garbage once written: the block store's write loop may not keep
 * them reachable until the request ends (a 1 GiB upload once held 1 GiB of server memory).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { writeTempFile } from "../src/block/files.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

test("chunks already written are collectable while an abortable upload goes on", async () => {
  const dir = mkdtempSync(join(tmpdir(), "upload-memory-"));
  const written: WeakRef<Uint8Array>[] = [];
  let alive = -1;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < 40; i++) {
      const chunk = new Uint8Array(256 * 1024).fill(i);
      written.push(new WeakRef(chunk));
      yield chunk;
    }
    // Later turns of the event loop: nothing from the steps above should still be held.
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    alive = written.slice(0, 30).filter((ref) => ref.deref() !== undefined).length;
  }
  try {
    const result = await writeTempFile(dir, chunks(), { signal: new AbortController().signal });
    assert.equal(result.size, 40 * 256 * 1024);
    assert.equal(alive, 0, `${alive} of the first 30 written chunks are still reachable`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
