/**
 * The server's layering (docs/ARCHITECTURE.md), checked on the source: which directory may import
 * which, and no import cycles between modules.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

interface Import {
  readonly target: string;
  /** `import type` / `export type`: erased at runtime. */
  readonly typeOnly: boolean;
}

/** Every relative import of every source file, as paths relative to src/. */
function importGraph(): Map<string, Import[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((f) =>
    f.endsWith(".ts"),
  );
  const graph = new Map<string, Import[]>();
  const statement = /^\s*(import|export)(\s+type)?\b[^;]*?from\s+"(\.{1,2}\/[^"]+)"/gms;
  for (const file of files) {
    const text = readFileSync(join(SRC, file), "utf8");
    const imports: Import[] = [];
    for (const m of text.matchAll(statement)) {
      const target = relative(SRC, join(SRC, dirname(file), m[3]!)).replace(/\.js$/, ".ts");
      imports.push({ target: target.split(sep).join("/"), typeOnly: m[2] !== undefined });
    }
    graph.set(file.split(sep).join("/"), imports);
  }
  return graph;
}

const graph = importGraph();
const layer = (file: string) => (file.includes("/") ? file.slice(0, file.indexOf("/")) : file);

/** Layer → layers it must never import (types included). */
const FORBIDDEN: Record<string, readonly string[]> = {
  core: ["engine", "block", "auth", "http", "service", "gateway"],
  engine: ["http", "block", "auth", "service", "gateway"],
  block: ["engine", "http", "auth", "service", "gateway"],
  auth: ["engine", "http", "block", "service", "gateway"],
  service: ["http", "gateway"],
};

describe("server architecture", () => {
  it("finds the source files and their imports", () => {
    assert.ok(graph.has("engine/engine.ts"));
    assert.ok(graph.get("engine/engine.ts")!.some((i) => i.target === "engine/deps.ts"));
  });

  for (const [from, banned] of Object.entries(FORBIDDEN)) {
    it(`${from}/ never imports ${banned.join(", ")}`, () => {
      const offending: string[] = [];
      for (const [file, imports] of graph) {
        if (layer(file) !== from) continue;
        for (const i of imports) {
          if (banned.includes(layer(i.target))) offending.push(`${file} → ${i.target}`);
        }
      }
      assert.deepEqual(offending, []);
    });
  }

  it("has no import cycles between modules", () => {
    const cycles: string[][] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      stack.push(file);
      for (const i of graph.get(file) ?? []) {
        if (i.typeOnly || !graph.has(i.target)) continue;
        const s = state.get(i.target);
        if (s === "open") cycles.push([...stack.slice(stack.indexOf(i.target)), i.target]);
        else if (s === undefined) visit(i.target);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    assert.deepEqual(
      cycles.map((c) => c.join(" → ")),
      [],
    );
  });
});
