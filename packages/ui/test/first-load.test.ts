/**
 * The UI's first load stays small: the JavaScript that index.html loads before anything else
 * (its entry script and modulepreloads) is at most 200 KiB gzip-compressed. Parquet and Markdown
 * support load later, on demand.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const UI_DIR = fileURLToPath(new URL("../../server/ui/", import.meta.url));
const BUDGET_BYTES = 200 * 1024;

/** The same-origin scripts index.html loads up front. */
function firstLoadScripts(html: string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) found.add(m[1] as string);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) {
    found.add(m[1] as string);
  }
  return [...found];
}

test("first load: ≤ 200 KiB of gzip-compressed JavaScript", () => {
  const index = join(UI_DIR, "index.html");
  assert.ok(existsSync(index), "the UI is not built: run npm run build");
  const scripts = firstLoadScripts(readFileSync(index, "utf8"));
  assert.ok(scripts.length > 0, "index.html loads no script");
  let total = 0;
  for (const src of scripts) {
    assert.match(src, /^\/assets\/[\w.-]+\.js$/, "scripts are hashed same-origin assets");
    total += gzipSync(readFileSync(join(UI_DIR, src))).length;
  }
  console.log(
    `first-load JavaScript: ${(total / 1024).toFixed(1)} KiB gzip (${scripts.join(", ")})`,
  );
  assert.ok(total <= BUDGET_BYTES, `${total} bytes > ${BUDGET_BYTES}`);
});

test("Parquet and Markdown support are not part of the first load", () => {
  const html = readFileSync(join(UI_DIR, "index.html"), "utf8");
  for (const src of firstLoadScripts(html)) {
    const code = readFileSync(join(UI_DIR, src), "utf8");
    assert.doesNotMatch(code, /PAR1/, `${src} carries the Parquet reader`);
    assert.doesNotMatch(code, /DOMPurify/, `${src} carries the Markdown sanitiser`);
  }
});
