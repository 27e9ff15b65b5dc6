/**
 * Parquet previews in the browser: hyparquet reads the footer and the first rows through ranged
 * reads of the SDK's object reader, so a large file is never downloaded whole.
 */

import {
  type AsyncBuffer,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
} from "hyparquet";
import { compressors } from "hyparquet-compressors";
import type { StoredObject } from "lakefs-ts";

export interface ParquetPreview {
  readonly columns: readonly { name: string; type: string }[];
  readonly rows: readonly Record<string, unknown>[];
  readonly totalRows: number;
}

/** The object as hyparquet's random-access file: each slice is one ranged GET. */
function objectBuffer(object: StoredObject, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start, end = size) {
      const reader = object.reader({ readAheadBytes: Math.max(1, end - start) });
      try {
        await reader.seek(start);
        const bytes = await reader.read(end - start);
        return bytes.buffer.slice(
          bytes.byteOffset,
          bytes.byteOffset + bytes.byteLength,
        ) as ArrayBuffer;
      } finally {
        await reader.close();
      }
    },
  };
}

export async function readParquet(
  object: StoredObject,
  size: number,
  maxRows: number,
): Promise<ParquetPreview> {
  const file = objectBuffer(object, size);
  const metadata = await parquetMetadataAsync(file);
  const columns = parquetSchema(metadata).children.map((c) => ({
    name: c.element.name,
    type: String(
      c.element.logical_type?.type ?? c.element.converted_type ?? c.element.type ?? "group",
    ),
  }));
  const rows = await parquetReadObjects({
    file,
    metadata,
    rowStart: 0,
    rowEnd: maxRows,
    compressors,
  });
  return { columns, rows, totalRows: Number(metadata.num_rows) };
}
