#!/usr/bin/env node
// Runs the TypeScript unit and integration suites (packages/*/test, test/integration,
// test/support) on another supported Node major, e.g. `node scripts/test-on-node.mjs 24`.
// The Node binary comes from the npm registry; better-sqlite3's addon is swapped for one built
// for that Node's ABI while the suites run, and the workspace's own addon is put back afterwards.
// Usage: node scripts/test-on-node.mjs <major> [path-filter...]
import { spawnSync } from "node:child_process";
import { copyFileSync, renameSync } from "node:fs";
import { nodeOfMajor, sqliteAddon, workspaceSqliteAddon } from "./node-versions.mjs";

const UNIT_AND_INTEGRATION = ["packages/", "test/integration/", "test/support/"];

const [major, ...filters] = process.argv.slice(2);
if (!major || !/^\d+$/.test(major)) {
  console.error("usage: node scripts/test-on-node.mjs <major> [path-filter...]");
  process.exit(2);
}

const node = nodeOfMajor(major);
const addon = sqliteAddon(node);
const installed = workspaceSqliteAddon();
const saved = `${installed}.workspace`;

// Put the workspace's addon back however this process ends.
let swapped = false;
function restore() {
  if (swapped) renameSync(saved, installed);
  swapped = false;
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    restore();
    process.exit(130);
  });
}

renameSync(installed, saved);
swapped = true;
let status = 1;
try {
  copyFileSync(addon, installed);
  console.log(`== TypeScript unit + integration suites on node ${node.version}`);
  const root = new URL("..", import.meta.url).pathname;
  const result = spawnSync(
    node.execPath,
    [
      "scripts/run-tests.mjs",
      "--no-interop",
      ...(filters.length > 0 ? filters : UNIT_AND_INTEGRATION),
    ],
    {
      cwd: root,
      stdio: "inherit",
      // Tests that spawn `node` or `npx` by name get the same Node.
      env: { ...process.env, PATH: `${node.binDir}:${process.env.PATH}` },
    },
  );
  status = result.status ?? 1;
} finally {
  restore();
}
process.exit(status);
