/**
 * GC preparation (lakeFS's `prepare_commits`): the commits GC may treat as expired, written as
 * lakeFS's CSV (`commit_id,expired`, expired rows first) to
 * `_lakefs/retention/gc/commits/run_id=<run id>/commits.csv` in the namespace, for external GC
 * tooling. This server itself never collects data.
 */
import { randomUUID } from "node:crypto";
import type { LocalBlockStore } from "../block/local.js";
import type { Engine } from "../engine/engine.js";

const RETENTION = "_lakefs/retention/gc";

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
  const ns = storageNamespace.replace(/\/+$/, "");
  return {
    runId,
    commitsLocation: `${ns}/${key}`,
    addressesLocation: `${ns}/${RETENTION}/addresses/`,
  };
}
