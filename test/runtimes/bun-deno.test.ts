/**
 * The quick example in Bun and Deno, importing the SDK core from source, against an embedded
 * server run by this (Node) harness. The binaries come from the npm registry and are large, so
 * `npm run test:runtimes` (scripts/check-runtimes.mjs) installs them and passes their paths in
 * LAKEFS_TS_BUN / LAKEFS_TS_DENO; without those this file skips.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { EXPECTED_QUICK_EXAMPLE } from "./quick-example.js";
import { REPO_ROOT } from "./support/bundle.js";
import { type EmbeddedServer, startEmbedded } from "./support/embedded.js";
import { EXPECTED_UPLOAD_PATHS } from "./upload-paths.js";

const MAIN = fileURLToPath(new URL("runtime-main.ts", import.meta.url));

interface Runtime {
  readonly name: string;
  readonly binary: string | undefined;
  readonly args: (target: string) => string[];
}

const runtimes: Runtime[] = [
  { name: "bun", binary: process.env.LAKEFS_TS_BUN, args: (t) => [MAIN, t] },
  {
    name: "deno",
    binary: process.env.LAKEFS_TS_DENO,
    // Only loopback network access: the core must not need env, files or anything else.
    // --sloppy-imports lets `.js` specifiers name the `.ts` sources, as tsc's NodeNext does.
    args: (t) => ["run", "--sloppy-imports", "--no-lock", "--allow-net=127.0.0.1", MAIN, t],
  },
];

let lakefs: EmbeddedServer | undefined;

before(async () => {
  if (runtimes.some((r) => r.binary)) lakefs = await startEmbedded();
});
after(() => lakefs?.close());

function run(binary: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

for (const runtime of runtimes) {
  const skip = runtime.binary
    ? false
    : `set LAKEFS_TS_${runtime.name.toUpperCase()} (npm run test:runtimes installs ${runtime.name} from npm)`;
  test(`the quick example and unknown-length uploads run in ${runtime.name}`, {
    skip,
  }, async (t) => {
    const target = JSON.stringify(lakefs!.target(`${runtime.name}-repo`));
    const { code, out } = await run(runtime.binary!, runtime.args(target));
    assert.equal(code, 0, `${runtime.name} exited with ${code}:\n${out}`);
    const line = out.trim().split("\n").at(-1) ?? "";
    const report = JSON.parse(line) as { runtime: string; result: unknown; uploads: unknown };
    assert.match(report.runtime, new RegExp(`^${runtime.name} \\d`));
    assert.deepEqual(report.result, EXPECTED_QUICK_EXAMPLE);
    assert.deepEqual(report.uploads, EXPECTED_UPLOAD_PATHS);
    t.diagnostic(report.runtime);
  });
}
