/** Child-process entry: populates a data directory per a `PopulateSpec` (JSON in the file argv[2]). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
// The bench reaches into the server package on purpose: population goes through the engine.
import { openEngine } from "../../packages/server/src/engine/engine.js";
import {
  type ObjectSet,
  objectKey,
  type PopulateSpec,
  relativeKey,
  syntheticEntry,
} from "./populate.js";

// A file, not the argument itself: a spec with many staged changes overflows a command line.
const spec = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as PopulateSpec;
const now = Math.floor(Date.now() / 1000);
const engine = openEngine(spec.dataDir, {
  namespaceDir: (ns) => join(spec.dataDir, "block", ns.replace(/^local:\/\//, "")),
});

async function* walk(set: ObjectSet) {
  for (let i = 0; i < set.count; i++) {
    yield { relPath: relativeKey(set, i), entry: syntheticEntry(objectKey(set, i), 1, now) };
  }
}

async function importSet(repo: string, set: ObjectSet): Promise<void> {
  const id = await engine.startImport(
    repo,
    "main",
    {
      sources: [
        { type: "common_prefix", path: "bench://synthetic/", destination: set.destination },
      ],
      commit: { message: `bench: ${set.count} objects under ${set.destination}` },
    },
    () => walk(set),
  );
  for (;;) {
    const status = await engine.importStatus(repo, "main", id);
    if (status.error) throw new Error(`import into ${repo}: ${status.error}`);
    if (status.completed) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const repo of spec.repos) {
  await engine.createRepository({
    id: repo.id,
    storageNamespace: `local://${repo.id}`,
    defaultBranch: "main",
  });
  for (const set of repo.objects) await importSet(repo.id, set);
  for (const b of repo.branches) {
    await engine.createBranch(repo.id, { name: b.name, source: b.source });
    for (const key of b.changes)
      await engine.stageEntry(repo.id, b.name, key, syntheticEntry(key, 2, now));
    if (b.commit)
      await engine.commit(repo.id, b.name, { message: `bench: ${b.changes.length} changes` });
  }
}
await engine.close();
process.stdout.write("POPULATED\n");
