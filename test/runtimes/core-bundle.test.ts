/**
 * The core entry must bundle for browsers (and so for Bun, Deno and edge runtimes): no `node:`
 * module and no bare Node builtin anywhere in its import graph.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bundleCore } from "./support/bundle.js";

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

test("the SDK core bundles for platform=browser without any Node builtin", async (t) => {
  const plain = await bundleCore();
  assert.deepEqual(
    plain.nodeImports,
    [],
    `core imports Node builtins:\n${plain.nodeImports.join("\n")}`,
  );
  // The bundle must carry the public surface, not tree-shake to nothing.
  for (const name of ["Client", "repository", "Branch", "StoredObject", "ObjectNotFoundError"]) {
    assert.match(plain.code, new RegExp(`export\\s*\\{[^}]*\\b${name}\\b`), `exports ${name}`);
  }

  const min = await bundleCore({ minify: true });
  assert.deepEqual(min.nodeImports, []);
  t.diagnostic(
    `browser bundle: ${kib(plain.bytes)} (minified ${kib(min.bytes)}, minified+gzip ${kib(min.gzipBytes)})`,
  );
});

test("the check names every Node builtin an entry reaches, prefixed or bare", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lakefs-core-bundle-"));
  try {
    const entry = join(dir, "entry.ts");
    writeFileSync(
      entry,
      'import { readFileSync } from "node:fs";\nimport { join } from "path";\nexport const f = () => readFileSync(join("a", "b"));\n',
    );
    const { nodeImports } = await bundleCore({ entry });
    assert.equal(nodeImports.length, 2);
    assert.match(nodeImports[0] ?? "", /^node:fs \(imported by .*entry\.ts\)$/);
    assert.match(nodeImports[1] ?? "", /^path \(imported by .*entry\.ts\)$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
