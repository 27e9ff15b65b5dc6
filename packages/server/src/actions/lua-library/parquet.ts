/**
 * `encoding/parquet`: `get_schema(payload)` reads a Parquet file's footer from its bytes and
 * lists its schema elements after the root, `{name, type}` with the physical type ("INT32",
 * "BYTE_ARRAY", …) or "N/A" for groups, as lakeFS does.
 */
import { parquetMetadata } from "hyparquet";
import { fromHex, type LuaModule } from "./module.js";

function getSchema(payloadHex: string): { name: string; type: string }[] {
  const bytes = fromHex(payloadHex);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let schema: ReturnType<typeof parquetMetadata>["schema"];
  try {
    ({ schema } = parquetMetadata(buffer as ArrayBuffer));
  } catch (err) {
    throw new Error(`encoding/parquet: not a readable parquet file: ${(err as Error).message}`);
  }
  return schema.slice(1).map((element) => ({ name: element.name, type: element.type ?? "N/A" }));
}

export const parquet: LuaModule = {
  host: { getSchema },
  lua: `
package.preload["encoding/parquet"] = module({
  get_schema = function(payload) return call("getSchema", tohex(checkstring(payload, 1, "get_schema"))) end,
})
`,
};
