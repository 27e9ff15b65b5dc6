#!/usr/bin/env node
// Runs every TypeScript test file with Node's test runner (through tsx, from source), then the
// Python interop suite. Node 20's runner cannot glob .ts files itself, hence this finder.
// Usage: node scripts/run-tests.mjs [--no-interop] [path-filter...]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const skipInterop = args.includes("--no-interop") || process.env.LAKEFS_TS_SKIP_INTEROP === "1";
const filters = args.filter((a) => !a.startsWith("--"));

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith(".test.ts")) out.push(relative(root, p));
  }
  return out;
}

const files = [
  ...findTests(join(root, "packages")),
  ...findTests(join(root, "test")),
  ...findTests(join(root, "bench")),
]
  .filter((f) => !f.startsWith("test/interop/"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}

const node = spawnSync(
  process.execPath,
  ["--conditions=development", "--import", "tsx", "--test", "--test-concurrency=2", ...files],
  { cwd: root, stdio: "inherit" },
);
if (node.status !== 0) process.exit(node.status ?? 1);

if (!skipInterop && filters.length === 0) {
  const py = spawnSync("bash", [join(root, "test/interop/run.sh")], {
    cwd: root,
    stdio: "inherit",
  });
  process.exit(py.status ?? 1);
}
