/**
 * Parallel ranged download into a Web WritableStream. Ranges are fetched `concurrency` at a time
 * and written in order, so memory stays bounded by partSize × concurrency. Every range must come
 * from the same object version (same ETag, same size), else the download fails with
 * ObjectChangedError instead of writing a mix of versions.
 */
import type { CallOptions } from "../api/http.js";
import { InvalidArgumentError, LakeFSError, ObjectChangedError } from "../errors.js";
import { type ObjectInfo, toObjectInfo } from "../models.js";
import { deadline } from "./deadline.js";
import { type ObjectLocation, statObject } from "./object-api.js";
import { objectRangeSource } from "./object-source.js";
import {
  type ByteRange,
  checkConcurrency,
  DEFAULT_CONCURRENCY,
  DEFAULT_PART_SIZE,
  splitRanges,
} from "./parts.js";
import { orderedPool } from "./pool.js";
import { type ProgressCallback, ProgressTracker } from "./progress.js";
import { rangeBytes } from "./reader.js";

export interface DownloadOptions extends CallOptions {
  /** Ranges fetched at once; default 4. */
  readonly concurrency?: number;
  /** Bytes per ranged request; default 8 MiB. */
  readonly partSize?: number;
  /** Force (true) or avoid (false) presigned URLs; default: whatever the server supports. */
  readonly preSign?: boolean;
  readonly onProgress?: ProgressCallback;
}

/**
 * Downloads the object into `destination`, closing it on success and aborting it on failure.
 * Returns the stats of the version downloaded.
 */
export async function downloadObject(
  location: ObjectLocation,
  destination: WritableStream<Uint8Array>,
  options: DownloadOptions = {},
): Promise<ObjectInfo> {
  const partSize = options.partSize ?? DEFAULT_PART_SIZE;
  if (!Number.isSafeInteger(partSize) || partSize < 1) {
    throw new InvalidArgumentError(`partSize must be a positive integer, got ${partSize}`);
  }
  const concurrency = checkConcurrency(options.concurrency ?? DEFAULT_CONCURRENCY);
  const limit = deadline(options, `download ${location.path}`);
  const call = { signal: limit.signal };
  const sink = destination.getWriter();
  try {
    const stats = await statObject(location, {}, call);
    const size = stats.size_bytes ?? 0;
    const tracker = new ProgressTracker(options.onProgress, size);
    const source = objectRangeSource(location, options.preSign);
    // Every range must be the version just stat-ed (lakeFS ETags are the object checksum).
    const version = stats.checksum;
    const fetchRange = async (range: ByteRange, _: number, signal: AbortSignal) => {
      const length = range.end - range.start + 1;
      const response = await source.open(range.start, length, { signal });
      if (response.etag !== undefined && response.etag !== version) {
        await response.body?.cancel();
        throw new ObjectChangedError(location.path, `ETag ${version}`, `ETag ${response.etag}`);
      }
      if (response.size !== undefined && response.size !== size) {
        await response.body?.cancel();
        throw new ObjectChangedError(location.path, `size ${size}`, `size ${response.size}`);
      }
      if (response.start !== range.start) {
        await response.body?.cancel();
        throw new LakeFSError(`ranged read of ${location.path} at ${range.start} failed`);
      }
      const bytes = await rangeBytes(response);
      if (bytes.byteLength !== length) {
        throw new ObjectChangedError(
          location.path,
          `${length} bytes at ${range.start}`,
          `${bytes.byteLength} bytes`,
        );
      }
      return bytes;
    };
    const ranges = splitRanges(size, partSize);
    for await (const bytes of orderedPool(ranges, concurrency, fetchRange, call.signal)) {
      await sink.write(bytes);
      tracker.add(bytes.byteLength);
    }
    if (size === 0) tracker.report();
    await sink.close();
    return toObjectInfo(stats);
  } catch (error) {
    await sink.abort(error).catch(() => {});
    throw error;
  } finally {
    limit.dispose();
  }
}
