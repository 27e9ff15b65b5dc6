#!/usr/bin/env node
// npm run test:runtimes: the SDK core in browsers (bundle check + headless Chromium), Bun and
// Deno. Bun and Deno ship their binaries inside npm packages; they are installed on demand into
// node_modules/.cache (reused by later runs), then test/runtimes runs with their paths.
// Usage: node scripts/check-runtimes.mjs
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const prefix = join(root, "node_modules/.cache/lakefs-ts-runtimes");
const RUNTIMES = ["bun", "deno"];

function binary(name) {
  return join(prefix, "node_modules/.bin", name);
}

function install(missing) {
  mkdirSync(prefix, { recursive: true });
  console.log(`== installing ${missing.join(", ")} from npm into ${prefix}`);
  const npm = spawnSync(
    "npm",
    [
      "install",
      "--no-save",
      "--no-audit",
      "--no-fund",
      "--no-package-lock",
      "--prefix",
      prefix,
      ...missing,
    ],
    { stdio: "inherit" },
  );
  if (npm.status !== 0)
    console.error(`npm install ${missing.join(" ")} failed; those tests will skip`);
}

const missing = RUNTIMES.filter((name) => !existsSync(binary(name)));
if (missing.length > 0) install(missing);

const env = { ...process.env };
for (const name of RUNTIMES) {
  if (existsSync(binary(name))) env[`LAKEFS_TS_${name.toUpperCase()}`] = binary(name);
}
const tests = spawnSync(
  process.execPath,
  [join(root, "scripts/run-tests.mjs"), "--no-interop", "test/runtimes/"],
  { cwd: root, env, stdio: "inherit" },
);
process.exit(tests.status ?? 1);
