/**
 * Entry for Bun and Deno (see `bun-deno.test.ts`): runs the quick example against the target
 * given as a JSON argument, importing the SDK core from source, and prints one JSON line.
 */
import * as sdk from "../../packages/sdk/src/index.js";
import { type QuickExampleTarget, runQuickExample } from "./quick-example.js";

interface RuntimeGlobals {
  Deno?: { args: string[]; version: { deno: string } };
  Bun?: { version: string };
  process?: { argv: string[] };
}
const g = globalThis as RuntimeGlobals;
const arg = g.Deno ? g.Deno.args[0] : g.process?.argv[2];
if (!arg) throw new Error("usage: runtime-main.ts '<QuickExampleTarget as JSON>'");

const result = await runQuickExample(sdk, JSON.parse(arg) as QuickExampleTarget);
const runtime = g.Deno ? `deno ${g.Deno.version.deno}` : g.Bun ? `bun ${g.Bun.version}` : "unknown";
console.log(JSON.stringify({ runtime, result }));
