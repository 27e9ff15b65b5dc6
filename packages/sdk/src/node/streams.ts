/**
 * Node stream and file adapters for object I/O (the core works on Web streams only).
 */
import { createWriteStream, openAsBlob, readFileSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable, Writable } from "node:stream";
import type { DownloadOptions } from "../io/download.js";
import type { ObjectReader } from "../io/reader.js";
import type { UploadOptions } from "../io/upload.js";
import type { ObjectWriter } from "../io/writer.js";
import type { ObjectInfo } from "../models.js";
import type { StoredObject, WriteableObject } from "../object.js";
import { SMALL_FILE_BYTES } from "./small-files.js";

/** A Node Readable over the rest of a reader, or over a whole object. */
export function nodeReadable(source: ObjectReader<"r" | "rb"> | StoredObject): Readable {
  // biome-ignore lint/suspicious/noExplicitAny: Node's and the DOM's ReadableStream types differ only nominally
  return Readable.fromWeb(source.stream() as any);
}

/**
 * A Node Writable feeding an ObjectWriter: ending it commits the object (`close()`); destroying
 * it first (e.g. a failed `pipeline`) discards the upload (`abort()`).
 */
export function nodeWritable(writer: ObjectWriter): Writable {
  return new Writable({
    write(chunk: Uint8Array | string, _encoding, callback) {
      writer.write(chunk).then(() => callback(), callback);
    },
    final(callback) {
      writer.close().then(() => callback(), callback);
    },
    destroy(error, callback) {
      // Destroyed before `final` committed (with or without an error): discard the upload.
      if (writer.closed) return callback(error);
      writer.abort(error ?? new Error("stream destroyed before end()")).then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
}

/**
 * Uploads a local file. A small file is read whole; a larger one through a disk-backed Blob, so
 * its size is known (a large file goes multipart on presign-capable servers) and it is never
 * loaded into memory.
 */
export async function uploadFile(
  object: WriteableObject,
  filePath: string,
  options: UploadOptions = {},
): Promise<ObjectInfo> {
  const body =
    statSync(filePath).size <= SMALL_FILE_BYTES
      ? readFileSync(filePath)
      : await openAsBlob(filePath);
  return object.upload(body, options);
}

/**
 * Downloads an object to a local file with parallel ranged requests. Bytes go to a temporary
 * file next to the target, renamed into place only when complete, so a failed or cancelled
 * download never leaves a truncated file at `filePath`.
 */
export async function downloadToFile(
  object: StoredObject,
  filePath: string,
  options: DownloadOptions = {},
): Promise<ObjectInfo> {
  const temporary = join(
    dirname(filePath),
    `.${basename(filePath)}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.part`,
  );
  const file = Writable.toWeb(createWriteStream(temporary)) as WritableStream<Uint8Array>;
  try {
    const info = await object.download(file, options);
    await rename(temporary, filePath);
    return info;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
