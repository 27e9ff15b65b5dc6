import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { sampleFiles } from "../scripts/samples.js";
import { sampleFilePaths } from "../src/http/sample-data.js";

const assets = fileURLToPath(new URL("../assets/samples/", import.meta.url));

describe("sample repository content", () => {
  it("ships exactly the files the generator builds, byte for byte", async () => {
    const built = sampleFiles();
    assert.deepEqual(await sampleFilePaths(), [...built.keys()].sort());
    for (const [path, bytes] of built) {
      assert.deepEqual(
        new Uint8Array(readFileSync(join(assets, path))),
        bytes,
        `${path} differs from scripts/samples.ts: run npm run samples -w lakefs-ts-server`,
      );
    }
  });

  it("has lakeFS's layout: README.md, data/, images/ with PNGs and a GIF, lakes.parquet", async () => {
    const paths = await sampleFilePaths();
    const roots = new Set(paths.map((p) => p.replace(/\/.*/, "/")));
    assert.deepEqual([...roots].sort(), ["README.md", "data/", "images/", "lakes.parquet"]);
    assert.ok(paths.includes("data/lakes.source.md"));
    const images = paths.filter((p) => p.startsWith("images/"));
    assert.ok(images.filter((p) => p.endsWith(".png")).length >= 2);
    for (const p of images) {
      const head = readFileSync(join(assets, p)).subarray(0, 6);
      if (p.endsWith(".png")) assert.deepEqual([...head.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
      else assert.equal(head.toString("latin1"), "GIF89a", p);
    }
    const parquet = readFileSync(join(assets, "lakes.parquet"));
    assert.equal(parquet.subarray(0, 4).toString(), "PAR1");
    assert.equal(parquet.subarray(-4).toString(), "PAR1");
  });
});
