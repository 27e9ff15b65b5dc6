import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEngine } from "../packages/server/src/engine/engine.js";
import { type ObjectSet, objectKey } from "./lib/populate.js";

const count = Number(process.argv[2] ?? 1e5);
const dataDir = process.argv[3] ?? mkdtempSync(join(tmpdir(), "commitprof-"));
const data: ObjectSet = { destination: "data/", count };
const spread = (offset: number) =>
  Array.from({ length: 1000 }, (_, j) =>
    objectKey(data, Math.floor((j + offset) * (count / 1000))),
  );
if (!process.argv[3]) {
  const spec = {
    dataDir,
    repos: [
      {
        id: "bench-prof",
        objects: [data],
        branches: [
          { name: "a", source: "main", changes: spread(0.5), commit: false },
          { name: "b", source: "main", changes: spread(0.25), commit: false },
        ],
      },
    ],
  };
  execFileSync(
    process.execPath,
    [
      "--conditions=development",
      "--import",
      "tsx",
      "bench/lib/populate-main.ts",
      JSON.stringify(spec),
    ],
    { stdio: "inherit" },
  );
  console.log("populated", dataDir);
}
const engine = openEngine(dataDir, {
  namespaceDir: (ns) => join(dataDir, "block", ns.replace(/^local:\/\//, "")),
});
for (const b of ["a", "b"]) {
  const t = performance.now();
  await engine.commit("bench-prof", b, { message: "x" });
  console.log(`commit ${b}: ${((performance.now() - t) / 1000).toFixed(3)} s`);
}
await engine.close();
