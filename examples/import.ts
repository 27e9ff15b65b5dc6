/**
 * Import: bring existing object-store data into a branch as one commit, without copying it.
 * The embedded server imports from `local://` directories under its configured import roots, so
 * this example always starts one (a lakeFS named by LAKECTL_* would need this directory allowed).
 *
 *   node --conditions=development --import tsx examples/import.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, repository } from "lakefs-ts/node";
import { QUICKSTART_CREDENTIALS, startServer } from "lakefs-ts-server";

const dataDir = mkdtempSync(join(tmpdir(), "lakefs-import-"));
const bucket = mkdtempSync(join(tmpdir(), "lakefs-import-bucket-"));
mkdirSync(join(bucket, "logs/2024"), { recursive: true });
writeFileSync(join(bucket, "logs/2024/01.log"), "january\n");
writeFileSync(join(bucket, "logs/2024/02.log"), "february\n");
writeFileSync(join(bucket, "README"), "raw data\n");

const server = await startServer({ dataDir, port: 0, quickstart: true, importRoots: [bucket] });
try {
  const client = new Client({ endpoint: server.url, credentials: QUICKSTART_CREDENTIALS });
  const name = `import-demo-${Date.now().toString(36)}`;
  const repo = await repository(name, { client }).create(`local://${name}`);
  const ingest = await repo.branch("ingest").create("main");

  const status = await ingest
    .importData({ commitMessage: "Import 2024 logs", metadata: { source: bucket } })
    .prefix(`local://${bucket}/logs/`, "logs/")
    .object(`local://${bucket}/README`, "README")
    .run({ pollInterval: 100, timeout: 60_000 });
  console.log(
    `imported ${status.ingestedObjects} objects in commit ${status.commit?.id.slice(0, 12)}`,
  );

  for await (const entry of ingest.objects({ delimiter: "/" })) console.log(entry.kind, entry.path);
  console.log(await ingest.object("logs/2024/02.log").text());
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(bucket, { recursive: true, force: true });
}
