import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { scalingChart } from "../lib/chart.js";
import { CHUNK_SIZE, payloadChunks, payloadStream, smallObject } from "../lib/payload.js";
import { ROOT } from "../lib/processes.js";
import { atLeast, atMost, round } from "../lib/record.js";
import { median, percentile } from "../lib/stats.js";
import { rotate } from "../scenarios/context.js";

describe("stats", () => {
  it("takes nearest-rank percentiles regardless of input order", () => {
    const xs = [5, 1, 4, 2, 3];
    assert.equal(median(xs), 3);
    assert.equal(percentile(xs, 99), 5);
    assert.equal(percentile(xs, 0), 1);
    assert.deepEqual(xs, [5, 1, 4, 2, 3], "input left unsorted");
  });
  it("refuses an empty sample", () => {
    assert.throws(() => median([]), /empty/);
  });
});

describe("payload", () => {
  it("streams exactly the requested size, chunk by chunk", async () => {
    let n = 0;
    for await (const c of payloadStream(2 * CHUNK_SIZE + 3)) n += (c as Buffer).length;
    assert.equal(n, 2 * CHUNK_SIZE + 3);
  });
  it("never repeats a chunk, and is deterministic", () => {
    const [a, b] = [...payloadChunks(2 * CHUNK_SIZE)];
    assert.notDeepEqual(a, b);
    assert.deepEqual(smallObject(3, 4096), smallObject(3, 4096));
    assert.equal(smallObject(3, 10).length, 10);
  });
  const python = join(ROOT, "bench/.venv/bin/python");
  it("is byte-identical to the Python side's payload", {
    skip: !existsSync(python) && "no bench/.venv",
  }, () => {
    const size = 2 * CHUNK_SIZE + 5;
    const h = createHash("md5");
    for (const c of payloadChunks(size)) h.update(c);
    const script = [
      "import hashlib, sys",
      "sys.path.insert(0, 'bench/sides')",
      "from python_side import payload_chunk, CHUNK_SIZE",
      `size, i, h = ${size}, 0, hashlib.md5()`,
      "while size > 0:",
      "    n = min(CHUNK_SIZE, size); h.update(payload_chunk(i, n)); i += 1; size -= n",
      "print(h.hexdigest())",
    ].join("\n");
    const out = spawnSync(python, ["-c", script], { cwd: ROOT, encoding: "utf8" });
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout.trim(), h.digest("hex"));
  });
});

describe("records", () => {
  it("judges targets at their bounds", () => {
    assert.deepEqual(atLeast(0.8, 0.8), { text: ">= 0.8x", pass: true });
    assert.equal(atLeast(0.79, 0.8).pass, false);
    assert.equal(atMost(2, 2).pass, true);
    assert.deepEqual(atMost(100, 100, " MiB", true), { text: "< 100 MiB", pass: false });
  });
  it("rounds to three significant digits, keeping large values whole", () => {
    assert.equal(round(0.123456), 0.123);
    assert.equal(round(123.456), 123);
    assert.equal(round(12345.6), 12346);
  });
});

describe("rotate", () => {
  it("starts each repetition with a different side", () => {
    assert.deepEqual(rotate(["a", "b", "c"], 1), ["b", "c", "a"]);
    assert.deepEqual(rotate(["a", "b", "c"], 3), ["a", "b", "c"]);
  });
});

describe("scaling chart", () => {
  it("draws one line per operation with a legend entry", () => {
    const svg = scalingChart([
      {
        operation: "commit",
        points: [
          { size: 1e3, ms: 5 },
          { size: 1e6, ms: 9 },
        ],
      },
      {
        operation: "merge <k>",
        points: [
          { size: 1e3, ms: 0 },
          { size: 1e6, ms: 2 },
        ],
      },
    ]);
    assert.match(svg, /^<svg /);
    assert.equal(svg.match(/<polyline /g)?.length, 2);
    assert.match(svg, /merge &lt;k>/);
    assert.doesNotMatch(svg, /NaN|Infinity/);
  });
  it("copes with a single size", () => {
    assert.doesNotMatch(
      scalingChart([{ operation: "x", points: [{ size: 1e3, ms: 1 }] }]),
      /NaN|Infinity/,
    );
  });
});
