#!/usr/bin/env node
// Runs every examples/*.ts one after another (through tsx, from source); fails on the first error.
// Usage: node scripts/run-examples.mjs [name-filter...]
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2);
const examples = readdirSync(join(root, "examples"))
  .filter((name) => name.endsWith(".ts"))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

for (const name of examples) {
  console.log(`\n=== examples/${name}`);
  const run = spawnSync(
    process.execPath,
    ["--conditions=development", "--import", "tsx", join("examples", name)],
    { cwd: root, stdio: "inherit" },
  );
  if (run.status !== 0) {
    console.error(`examples/${name} failed`);
    process.exit(run.status ?? 1);
  }
}
