/**
 * GC preparation (lakeFS's `prepare_commits`): the commits GC may treat as expired, written as
 * lakeFS's CSV (`commit_id,expired`, expired rows first) to
 * `_lakefs/retention/gc/commits/run_id=<run id>/commits.csv` in the namespace, for external GC
 * tooling. This server itself never collects data.
 */
import { randomUUID } from "node:crypto";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { LocalBlockStore } from "../block/local.js";
import type { Engine } from "../engine/engine.js";

const RETENTION = "_lakefs/retention/gc";

/** `<namespace>/<key>` as lakeFS reports locations (no doubled slash). */
const locationIn = (storageNamespace: string, key: string) =>
  `${storageNamespace.replace(/\/+$/, "")}/${key}`;

export interface GcPrepareResult {
  /** A UUID, as lakeFS's run ids. */
  readonly runId: string;
  readonly commitsLocation: string;
  readonly addressesLocation: string;
}

export async function prepareGcCommits(
  engine: Engine,
  blocks: LocalBlockStore,
  repositoryId: string,
): Promise<GcPrepareResult> {
  const { storageNamespace } = await engine.getRepository(repositoryId);
  const { expired, active } = await engine.gcCommits(repositoryId);
  const rows = [
    "commit_id,expired",
    ...expired.map((id) => `${id},true`),
    ...active.map((id) => `${id},false`),
  ];
  const runId = randomUUID();
  const key = `${RETENTION}/commits/run_id=${runId}/commits.csv`;
  await blocks.writeNamespaceFile(
    blocks.namespaceDir(storageNamespace),
    key,
    `${rows.join("\n")}\n`,
  );
  return {
    runId,
    commitsLocation: locationIn(storageNamespace, key),
    addressesLocation: locationIn(storageNamespace, `${RETENTION}/addresses/`),
  };
}

export interface GcUncommittedResult {
  readonly runId: string;
  /** The folder holding the run's Parquet file. */
  readonly location: string;
}

/**
 * lakeFS's `prepare_uncommited`: the staged objects GC must keep, as one Parquet file
 * (`physical_address` UTF-8, `creation_date` INT64 unix seconds) under
 * `_lakefs/retention/gc/uncommitted/<run id>/uncommitted/`. Everything fits one file here, so
 * no continuation token is returned.
 */
export async function prepareGcUncommitted(
  engine: Engine,
  blocks: LocalBlockStore,
  repositoryId: string,
): Promise<GcUncommittedResult> {
  const { storageNamespace } = await engine.getRepository(repositoryId);
  const addresses = await engine.uncommittedAddresses(repositoryId);
  const runId = randomUUID();
  const folder = `${RETENTION}/uncommitted/${runId}/uncommitted/`;
  const parquet = parquetWriteBuffer({
    columnData: [
      { name: "physical_address", data: addresses.map((a) => a.address), type: "STRING" },
      { name: "creation_date", data: addresses.map((a) => BigInt(a.mtime)), type: "INT64" },
    ],
  });
  await blocks.writeNamespaceFile(
    blocks.namespaceDir(storageNamespace),
    `${folder}part-00000.parquet`,
    new Uint8Array(parquet),
  );
  return { runId, location: locationIn(storageNamespace, folder) };
}
