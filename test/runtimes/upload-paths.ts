/**
 * Uploads whose length the SDK does not know up front (a writer fed in chunks, a ReadableStream
 * with a progress callback): Node, Bun and Deno stream them, browsers gather them into a Blob
 * first. Either way the stored bytes must be exactly what was written.
 */
import type * as LakeFS from "lakefs-ts";
import { openMain, type QuickExampleTarget } from "./quick-example.js";

const CHUNK_BYTES = 256 * 1024;

export interface UploadPathsResult {
  readonly writtenBytes: number;
  readonly writtenIntact: boolean;
  readonly streamedBytes: number;
  readonly streamedIntact: boolean;
  /** The last `loadedBytes` the progress callback saw for the stream. */
  readonly lastProgress: number;
}

export const EXPECTED_UPLOAD_PATHS: UploadPathsResult = {
  writtenBytes: 4 * CHUNK_BYTES,
  writtenIntact: true,
  streamedBytes: 2 * CHUNK_BYTES,
  streamedIntact: true,
  lastProgress: 2 * CHUNK_BYTES,
};

/** Byte `i` of every object here: a pattern that shows misplaced or lost chunks. */
const patternByte = (i: number) => (i % CHUNK_BYTES) % 251;

function intact(bytes: Uint8Array): boolean {
  return bytes.every((b, i) => b === patternByte(i));
}

export async function runUploadPaths(
  sdk: typeof LakeFS,
  target: QuickExampleTarget,
): Promise<UploadPathsResult> {
  const main = await openMain(sdk, target);
  const chunk = Uint8Array.from({ length: CHUNK_BYTES }, (_, i) => patternByte(i));

  const writer = main.object("written.bin").writer();
  for (let i = 0; i < 4; i++) await writer.write(chunk);
  await writer.close();

  let lastProgress = 0;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(chunk.slice());
      controller.enqueue(chunk.slice());
      controller.close();
    },
  });
  await main.object("streamed.bin").upload(stream, {
    onProgress: (p) => {
      lastProgress = p.loadedBytes;
    },
  });

  const written = await main.object("written.bin").bytes();
  const streamed = await main.object("streamed.bin").bytes();
  return {
    writtenBytes: written.byteLength,
    writtenIntact: intact(written),
    streamedBytes: streamed.byteLength,
    streamedIntact: intact(streamed),
    lastProgress,
  };
}
