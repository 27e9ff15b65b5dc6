/** The UI's pure helpers: the CSV preview parser, preview kinds, display formatting. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { baseName, formatSize, href, parentPrefixes, shortId } from "../src/format.js";
import { parseDelimited } from "../src/preview/csv.js";
import { previewKind } from "../src/preview/kind.js";

test("parseDelimited: quotes, doubled quotes, delimiters and newlines inside quotes", () => {
  const text = 'name,note\r\n"Baikal, Lake","the ""deepest""\nlake"\nTiticaca,high\n';
  assert.deepEqual(parseDelimited(text, ",", 10), [
    ["name", "note"],
    ["Baikal, Lake", 'the "deepest"\nlake'],
    ["Titicaca", "high"],
  ]);
});

test("parseDelimited: tabs, a last row without newline, empty fields, the row limit", () => {
  assert.deepEqual(parseDelimited("a\tb\n1\t\n\t2", "\t", 10), [
    ["a", "b"],
    ["1", ""],
    ["", "2"],
  ]);
  assert.deepEqual(parseDelimited("1\n2\n3\n4\n", ",", 2), [["1"], ["2"]]);
  assert.deepEqual(parseDelimited("", ",", 5), []);
});

test("parseDelimited: a quoted field cut off by the read limit is dropped, not invented", () => {
  assert.deepEqual(parseDelimited('a,b\n1,"unterminated', ",", 10), [["a", "b"]]);
});

test("previewKind: by extension first, then by content type", () => {
  assert.equal(previewKind("lakes.parquet", "application/octet-stream"), "parquet");
  assert.equal(previewKind("README.md", undefined), "markdown");
  assert.equal(previewKind("docs/x", "text/markdown"), "markdown");
  assert.equal(previewKind("images/a.PNG", undefined), "image");
  assert.equal(previewKind("blob", "image/webp"), "image");
  assert.equal(previewKind("data/a.json", undefined), "json");
  assert.equal(previewKind("a.csv", undefined), "csv");
  assert.equal(previewKind("a.tsv", undefined), "tsv");
  assert.equal(previewKind("notes.txt", undefined), "text");
  assert.equal(previewKind("x", "text/plain"), "text");
  assert.equal(previewKind("archive.tar.gz", "application/gzip"), "none");
  assert.equal(previewKind("dir.parquet/part-0", undefined), "none");
});

test("format helpers", () => {
  assert.equal(formatSize(undefined), "");
  assert.equal(formatSize(0), "0 B");
  assert.equal(formatSize(1023), "1023 B");
  assert.equal(formatSize(1536), "1.5 KiB");
  assert.equal(formatSize(50 * 1024 * 1024), "50 MiB");
  assert.equal(shortId('"0123456789abcdef"'), "0123456789ab");
  assert.equal(baseName("a/b/c.txt"), "c.txt");
  assert.equal(baseName("a/b/"), "b/");
  assert.equal(baseName("top"), "top");
  assert.deepEqual(parentPrefixes("a/b/c"), ["a/", "a/b/"]);
  assert.deepEqual(parentPrefixes("a/b/"), ["a/"]);
  assert.deepEqual(parentPrefixes("c"), []);
  assert.equal(href("/r", { ref: "main", path: "", x: undefined }), "/r?ref=main");
  assert.equal(href("/r", { path: "a b/&" }), "/r?path=a+b%2F%26");
  assert.equal(href("/r"), "/r");
});
