/**
 * Entry for Bun and Deno (see `bun-deno.test.ts`): runs the quick example and the upload paths
 * against the target given as a JSON argument (the upload paths on `<repository>-uploads`),
 * importing the SDK core from source, and prints one JSON line.
 */
import * as sdk from "../../packages/sdk/src/index.js";
import { type QuickExampleTarget, runQuickExample } from "./quick-example.js";
import { runUploadPaths } from "./upload-paths.js";

interface RuntimeGlobals {
  Deno?: { args: string[]; version: { deno: string } };
  Bun?: { version: string };
  process?: { argv: string[] };
}
const g = globalThis as RuntimeGlobals;
const arg = g.Deno ? g.Deno.args[0] : g.process?.argv[2];
if (!arg) throw new Error("usage: runtime-main.ts '<QuickExampleTarget as JSON>'");

const target = JSON.parse(arg) as QuickExampleTarget;
const result = await runQuickExample(sdk, target);
const uploads = await runUploadPaths(sdk, {
  ...target,
  repository: `${target.repository}-uploads`,
});
const runtime = g.Deno ? `deno ${g.Deno.version.deno}` : g.Bun ? `bun ${g.Bun.version}` : "unknown";
console.log(JSON.stringify({ runtime, result, uploads }));
