/** Rewrites `assets/samples/` from `samples.ts` (run: `npm run samples -w lakefs-ts-server`). */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sampleFiles } from "./samples.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "assets", "samples");
rmSync(root, { recursive: true, force: true });
for (const [path, bytes] of sampleFiles()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), bytes);
}
console.log(`wrote ${root}`);
