/**
 * The storage settings that decide an object's transfer path. With several storages the
 * repository's `storage_id` picks the right one instead of assuming the default (the Python SDK's
 * §12.4 defect); on a single-storage server this costs no extra request.
 */
import type { CallOptions } from "../api/http.js";
import { path } from "../api/http.js";
import type { Schema } from "../api/index.js";
import type { Client } from "../client.js";
import type { ServerStorageConfiguration } from "../models.js";

export async function storageFor(
  client: Client,
  repository: string,
  call: CallOptions,
): Promise<ServerStorageConfiguration> {
  const { storages } = await client.config(call);
  if (storages.length <= 1) return client.storageConfig(call);
  const repo = await client.http.request<Schema<"Repository">>(
    { method: "GET", path: path`/repositories/${repository}`, expect: "json" },
    call,
  );
  return client.storageConfig({ ...call, storageId: repo.storage_id ?? "" });
}
