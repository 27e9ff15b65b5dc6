import assert from "node:assert/strict";
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { Change, Entry } from "../src/core/entry.js";
import { decodeMetarange, type RangeRef } from "../src/engine/tree/format.js";
import { createTreeStore, type TreeStoreOptions } from "../src/engine/tree/index.js";
import { fnv1a64Mod } from "../src/engine/tree/policy.js";

const root = mkdtempSync(join(tmpdir(), "lakefs-tree-"));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => join(root, `t${dirs++}`, "_lakefs");

function entry(n: number, extra: Partial<Entry> = {}): Entry {
  return {
    address: `data/p/${n}`,
    addressType: "relative",
    size: n,
    etag: `etag${n}`,
    mtime: 1_700_000_000 + n,
    metadata: {},
    ...extra,
  };
}

const pad = (i: number) => String(i).padStart(6, "0");
const puts = (keys: Iterable<string>, value = (i: number) => entry(i)): Change[] =>
  [...keys].map((key, i) => ({ key, value: value(i) }));

function rangesOf(dir: string, metarangeId: string): RangeRef[] {
  return decodeMetarange(readFileSync(join(dir, metarangeId)));
}

function build(options: TreeStoreOptions, keys: string[], value?: (i: number) => Entry) {
  const dir = newDir();
  const tree = createTreeStore(dir, options);
  const { metarangeId } = tree.apply("", puts(keys, value));
  return { dir, tree, id: metarangeId };
}

test("rejects invalid options", () => {
  for (const bad of [
    { raggedness: 0 },
    { raggedness: 1.5 },
    { raggedness: 2 ** 27 },
    { maxRangeBytes: 0 },
    { cacheRanges: 0 },
  ]) {
    assert.throws(() => createTreeStore(newDir(), bad), /must be a(n integer| positive integer)/);
  }
});

describe("FNV-1a-64 boundary hash", () => {
  function reference(key: string, n: number): number {
    let h = 0xcbf29ce484222325n;
    for (const byte of Buffer.from(key, "utf8")) {
      h ^= BigInt(byte);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    return Number(h % BigInt(n));
  }

  test("matches the published vectors and a BigInt reference", () => {
    assert.equal(fnv1a64Mod("", 2 ** 26), Number(0xcbf29ce484222325n % 2n ** 26n));
    assert.equal(fnv1a64Mod("a", 2 ** 26), Number(0xaf63dc4c8601ec8cn % 2n ** 26n));
    assert.equal(fnv1a64Mod("foobar", 1_000_003), Number(0x85944171f73967e8n % 1_000_003n));
    for (const key of [
      "data/x.parquet",
      "é",
      "日本語",
      "a😀b",
      "\uffff",
      "\u{10ffff}",
      "x".repeat(300),
    ]) {
      for (const n of [1, 7, 1024, 50_000, 2 ** 26])
        assert.equal(fnv1a64Mod(key, n), reference(key, n));
    }
  });
});

describe("encoding round-trips", () => {
  test("unicode keys, empty and odd metadata, big values, optional fields", () => {
    const dir = newDir();
    const tree = createTreeStore(dir, { raggedness: 3 });
    const values: Record<string, Entry> = {
      "": entry(0),
      a: entry(1, { metadata: { __proto__: "x", ключ: "значение", empty: "" } }),
      "a😀": entry(2, { contentType: "" }),
      "a😁": entry(3, { contentType: "text/plain", addressType: "full", address: "local:///x/y" }),
      "a😁/b": entry(4, { size: Number.MAX_SAFE_INTEGER, mtime: -12.5 }),
      "\ue000": entry(5, { metadata: { big: "v".repeat(200_000) } }),
      "日本/語": entry(6, { address: "addr/".repeat(5000), etag: "" }),
      "\u{10ffff}": entry(7),
      [`long/${"é".repeat(100)}`]: entry(8, { etag: "e".repeat(150) }),
    };
    // Object literals treat "__proto__" specially; make it a real own key like a parsed header.
    values.a = {
      ...values.a!,
      metadata: JSON.parse('{"__proto__":"x","ключ":"значение","empty":""}'),
    };
    const keys = Object.keys(values).sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    const { metarangeId } = tree.apply(
      "",
      keys.map((key) => ({ key, value: values[key]! })),
    );
    const fresh = createTreeStore(dir, { raggedness: 3 });
    for (const key of keys) assert.deepEqual(fresh.get(metarangeId, key), values[key]);
    assert.deepEqual(
      [...fresh.entries(metarangeId)].map(([k]) => k),
      keys,
    );
    assert.equal(Object.keys(fresh.get(metarangeId, "a")!.metadata).includes("__proto__"), true);
    assert.equal(fresh.get(metarangeId, "a😀")!.contentType, "");
    assert.equal("contentType" in fresh.get(metarangeId, "")!, false);
    assert.equal(fresh.get(metarangeId, "a\ud83d"), undefined);
    assert.equal(fresh.get(metarangeId, "zzz"), undefined);
  });

  test("keys sort by UTF-8 bytes: astral characters after U+E000–U+FFFF", () => {
    const tree = createTreeStore(newDir());
    const keys = ["\ue000", "😀", "a", "\uffff", "é"];
    const sorted = ["a", "é", "\ue000", "\uffff", "😀"];
    const { metarangeId } = tree.apply("", puts(sorted));
    assert.deepEqual(
      [...tree.entries(metarangeId)].map(([k]) => k),
      sorted,
    );
    assert.throws(() => tree.apply("", puts(keys)), /sorted with unique keys/);
  });
});

describe("range boundaries", () => {
  const keys = Array.from({ length: 3000 }, (_, i) => `data/${pad(i * 10)}`);

  test("are content-defined: inserting keys leaves unrelated range ids unchanged", () => {
    const inserted = ["data/000105", "data/015005", "data/029991"];
    const all = [...keys, ...inserted].sort();
    // Values follow the key, so a record is the same in both trees.
    const a = build({ raggedness: 16 }, keys, (i) => entry(Number(keys[i]!.slice(5))));
    const b = build({ raggedness: 16 }, all, (i) => entry(Number(all[i]!.slice(5))));
    const aRanges = rangesOf(a.dir, a.id);
    const bIds = new Set(rangesOf(b.dir, b.id).map((r) => r.id));
    assert.ok(aRanges.length > 100, `expected many ranges, got ${aRanges.length}`);
    let unaffected = 0;
    aRanges.forEach((r, i) => {
      const lower = aRanges[i - 1]?.maxKey ?? "";
      const touched = inserted.some(
        (k) => k > lower && (k <= r.maxKey || i === aRanges.length - 1),
      );
      if (!touched) {
        unaffected++;
        assert.ok(bIds.has(r.id), `range ${i} (${r.minKey}..${r.maxKey}) changed`);
      }
    });
    assert.equal(unaffected, aRanges.length - inserted.length);
  });

  test("close at maxRangeBytes even without a hash boundary", () => {
    const big = { metadata: { pad: "p".repeat(1000) } };
    const dir = newDir();
    const tree = createTreeStore(dir, { raggedness: 2 ** 26, maxRangeBytes: 8 * 1024 });
    const { metarangeId } = tree.apply(
      "",
      puts(keys.slice(0, 200), (i) => entry(i, big)),
    );
    const ranges = rangesOf(dir, metarangeId);
    assert.ok(ranges.length >= 20);
    for (const r of ranges.slice(0, -1)) assert.ok(r.bytes >= 8 * 1024 && r.bytes < 10 * 1024);
    assert.equal(
      ranges.reduce((n, r) => n + r.count, 0),
      200,
    );
  });

  test("a tree's shape depends only on its content, not on its history", () => {
    const { tree, id } = build({ raggedness: 8 }, keys.slice(0, 500));
    let current = id;
    // Delete boundary keys, add keys, change values: always equal to building from scratch.
    current = tree.apply(current, [
      { key: keys[3]!, value: null },
      { key: `${keys[100]!}x`, value: entry(1) },
      { key: keys[200]!, value: entry(9999) },
      { key: keys[499]!, value: null },
      { key: "zz", value: entry(5) },
    ]).metarangeId;
    current = tree.apply(current, [{ key: "zz", value: null }]).metarangeId;
    const rebuilt = tree.apply(
      "",
      [...tree.entries(current)].map(([key, value]) => ({ key, value })),
    );
    assert.equal(rebuilt.metarangeId, current);
  });
});

describe("apply", () => {
  test("rewrites only the touched range and never reads the others", () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `k/${pad(i)}`);
    const { dir, id } = build({ raggedness: 16 }, keys);
    const before = rangesOf(dir, id);
    const touched = Math.floor(before.length / 2);
    const target = before[touched]!.minKey;
    // Only the touched range file is needed: every other range must be referenced unread.
    for (const r of before) if (r.id !== before[touched]!.id) unlinkSync(join(dir, r.id));
    const tree = createTreeStore(dir, { raggedness: 16 });
    const result = tree.apply(id, [{ key: target, value: entry(123_456) }]);
    assert.deepEqual(
      { added: result.added, removed: result.removed, changed: result.changed },
      { added: 0, removed: 0, changed: 1 },
    );
    const afterRanges = rangesOf(dir, result.metarangeId);
    assert.equal(afterRanges.length, before.length);
    afterRanges.forEach((r, i) => {
      if (i === touched) assert.notEqual(r.id, before[i]!.id);
      else assert.equal(r.id, before[i]!.id);
    });
    assert.equal(tree.get(result.metarangeId, target)!.size, 123_456);
  });

  test("counts only real changes and keeps the base record on equal identity", () => {
    const { tree, id } = build({ raggedness: 4 }, ["a", "b", "c"]);
    const same = { ...entry(1), address: "data/other", mtime: 5 };
    const noop = tree.apply(id, [
      { key: "b", value: same },
      { key: "bb", value: null },
    ]);
    assert.deepEqual(noop, { metarangeId: id, added: 0, removed: 0, changed: 0 });
    assert.equal(tree.get(id, "b")!.address, "data/p/1");

    const r = tree.apply(id, [
      { key: "a", value: null },
      { key: "b", value: entry(1, { metadata: { k: "v" } }) },
      { key: "d", value: entry(7) },
    ]);
    assert.deepEqual(
      { ...r, metarangeId: "" },
      { metarangeId: "", added: 1, removed: 1, changed: 1 },
    );
    assert.deepEqual(
      [...tree.entries(r.metarangeId)].map(([k, v]) => `${k}:${v.size}`),
      ["b:1", "c:2", "d:7"],
    );
    assert.deepEqual(
      [...tree.entries(r.metarangeId, "bz")].map(([k]) => k),
      ["c", "d"],
    );
    const emptied = tree.apply(
      r.metarangeId,
      ["b", "c", "d"].map((key) => ({ key, value: null })),
    );
    // An emptied tree is written (as graveler does): an id of its own, not the first commit's "".
    assert.deepEqual(
      { ...emptied, metarangeId: "" },
      { metarangeId: "", added: 0, removed: 3, changed: 0 },
    );
    assert.match(emptied.metarangeId, /^[0-9a-f]{64}$/);
    assert.deepEqual([...tree.entries(emptied.metarangeId)], []);
    assert.equal(emptied.metarangeId, tree.apply("", []).metarangeId);
  });

  test("the empty tree", () => {
    const tree = createTreeStore(newDir());
    // "" is the unwritten empty tree; applying to it writes an empty metarange with its own id.
    const written = tree.apply("", []);
    assert.deepEqual(
      { ...written, metarangeId: "" },
      {
        metarangeId: "",
        added: 0,
        removed: 0,
        changed: 0,
      },
    );
    assert.match(written.metarangeId, /^[0-9a-f]{64}$/);
    assert.ok(tree.rawFile("metarange", written.metarangeId));
    assert.equal(tree.apply("", [{ key: "x", value: null }]).metarangeId, written.metarangeId);
    for (const id of ["", written.metarangeId]) {
      assert.equal(tree.get(id, "x"), undefined);
      assert.deepEqual([...tree.entries(id, "a")], []);
    }
    assert.deepEqual([...tree.diff("", "")], []);
    assert.deepEqual([...tree.diff("", written.metarangeId)], []);
    assert.deepEqual([...tree.diff(written.metarangeId, "")], []);
    // Both empty trees merge into each other without changes.
    assert.deepEqual(tree.merge("", written.metarangeId, "", "none"), {
      metarangeId: written.metarangeId,
    });
  });

  test("rejects unsorted, duplicate and invalid changes", () => {
    const { tree, id } = build({}, ["a"]);
    assert.throws(() => tree.apply(id, puts(["b", "a"])), /sorted with unique keys/);
    assert.throws(() => tree.apply(id, puts(["b", "b"])), /sorted with unique keys/);
    assert.throws(() => tree.apply(id, puts(["a\ud800"])), /not valid Unicode/);
    assert.throws(
      () => tree.apply(id, [{ key: 1 as unknown as string, value: null }]),
      /must be a string/,
    );
    for (const bad of [{ size: -1 }, { size: 1.5 }, { mtime: Number.NaN }, { addressType: "x" }]) {
      assert.throws(
        () => tree.apply(id, [{ key: "a", value: { ...entry(1), ...bad } as Entry }]),
        /invalid entry for key "a"/,
      );
    }
  });

  test("writes files atomically, named by their SHA-256", async () => {
    const { dir } = build({ raggedness: 4 }, ["a", "b", "c", "d", "e", "f"]);
    const { createHash } = await import("node:crypto");
    const names = readdirSync(dir);
    assert.ok(names.length > 1);
    for (const name of names) {
      assert.match(name, /^[0-9a-f]{64}$/);
      assert.equal(
        createHash("sha256")
          .update(readFileSync(join(dir, name)))
          .digest("hex"),
        name,
      );
    }
  });
});

describe("damaged or missing files", () => {
  test("fail with an error naming the id", () => {
    const keys = Array.from({ length: 100 }, (_, i) => `k${pad(i)}`);
    const { dir, id } = build({ raggedness: 4 }, keys);
    const ranges = rangesOf(dir, id);
    const victim = ranges[1]!;
    const bytes = readFileSync(join(dir, victim.id));
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(join(dir, victim.id), bytes);
    const tree = createTreeStore(dir, { raggedness: 4 });
    assert.throws(() => tree.get(id, victim.minKey), new RegExp(`range ${victim.id} is corrupt`));
    assert.equal(tree.get(id, ranges[0]!.minKey)!.size, 0);

    unlinkSync(join(dir, victim.id));
    assert.throws(() => [...tree.entries(id)], new RegExp(`range ${victim.id} is missing`));
    assert.throws(
      () => tree.get(ranges[0]!.id, "k"),
      new RegExp(`metarange ${ranges[0]!.id} is corrupt: not a metarange`),
    );
    const absent = "0".repeat(64);
    assert.throws(() => tree.get(absent, "k"), new RegExp(`metarange ${absent} is missing`));
    assert.throws(() => tree.get("../../etc/passwd", "k"), /invalid metarange id/);
  });

  test("a file whose bytes hash correctly but do not parse is reported corrupt", async () => {
    const { createHash } = await import("node:crypto");
    const dir = newDir();
    createTreeStore(dir).apply("", puts(["a"]));
    const junk = Buffer.from("LTR1M\x05\x01", "latin1");
    const id = createHash("sha256").update(junk).digest("hex");
    writeFileSync(join(dir, id), junk);
    assert.throws(
      () => createTreeStore(dir).get(id, "a"),
      new RegExp(`metarange ${id} is corrupt`),
    );
  });
});

describe("diff", () => {
  test("skips equal ranges unread and reports changes in key order", () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `k/${pad(i)}`);
    const { dir, tree, id } = build({ raggedness: 16 }, keys);
    const changes: Change[] = [
      { key: keys[10]!, value: null },
      { key: `${keys[500]!}a`, value: entry(1) },
      { key: keys[1500]!, value: entry(99_999) },
    ];
    const right = tree.apply(id, changes).metarangeId;
    const shared = new Set(rangesOf(dir, right).map((r) => r.id));
    const leftRanges = rangesOf(dir, id);
    for (const r of leftRanges) if (shared.has(r.id)) unlinkSync(join(dir, r.id));
    const fresh = createTreeStore(dir, { raggedness: 16 });
    const diff = [...fresh.diff(id, right)];
    assert.deepEqual(
      diff.map((d) => `${d.type} ${d.key}`),
      [`removed ${keys[10]}`, `added ${keys[500]}a`, `changed ${keys[1500]}`],
    );
    assert.equal(diff[0]!.right, undefined);
    assert.equal(diff[2]!.left!.size, 1500);
    assert.equal(diff[2]!.right!.size, 99_999);
    assert.deepEqual(
      [...fresh.diff(right, id, keys[11])].map((d) => `${d.type} ${d.key}`),
      [`removed ${keys[500]}a`, `changed ${keys[1500]}`],
    );
  });
});

describe("merge", () => {
  test("fast paths return a side's id without writing", () => {
    const { tree, id } = build({ raggedness: 4 }, ["a", "b"]);
    const other = tree.apply(id, puts(["c"])).metarangeId;
    assert.deepEqual(tree.merge(id, id, other, "none"), { metarangeId: other });
    assert.deepEqual(tree.merge(id, other, id, "none"), { metarangeId: other });
    assert.throws(() => tree.merge(id, other, "", "default" as never), /invalid merge strategy/);
  });

  test("merges disjoint changes and resolves conflicts per strategy", () => {
    const keys = Array.from({ length: 500 }, (_, i) => `k/${pad(i)}`);
    const { dir, tree, id } = build({ raggedness: 8 }, keys);
    const source = tree.apply(id, [
      { key: keys[1]!, value: entry(-0 + 1001) },
      { key: keys[200]!, value: entry(2001) },
      { key: keys[300]!, value: null },
    ]).metarangeId;
    const dest = tree.apply(id, [
      { key: keys[200]!, value: entry(2002) },
      { key: keys[300]!, value: entry(3002) },
      { key: keys[499]!, value: null },
    ]).metarangeId;
    assert.deepEqual(tree.merge(id, source, dest, "none"), { conflict: keys[200] });

    // Where only one side changed a range, the metaranges decide: neither that range nor its
    // base/unchanged version is read. Hide both files of keys[1]'s range while merging.
    const containing = (tree: string, k: string) =>
      rangesOf(dir, tree).find((r) => r.minKey <= k && k <= r.maxKey)!.id;
    const hidden = [containing(source, keys[1]!), containing(dest, keys[1]!)];
    assert.equal(containing(id, keys[1]!), hidden[1]);
    assert.notEqual(hidden[0], hidden[1]);
    for (const h of hidden) renameSync(join(dir, h), join(dir, `${h}.hidden`));
    const merged = ["source-wins", "dest-wins"].map(
      (strategy) =>
        createTreeStore(dir, { raggedness: 8 }).merge(id, source, dest, strategy as "dest-wins")
          .metarangeId!,
    );
    for (const h of hidden) renameSync(join(dir, `${h}.hidden`), join(dir, h));
    const [sourceWins, destWins] = merged as [string, string];

    const fresh = createTreeStore(dir, { raggedness: 8 });
    assert.equal(fresh.get(sourceWins, keys[1]!)!.size, 1001);
    assert.equal(fresh.get(sourceWins, keys[200]!)!.size, 2001);
    assert.equal(fresh.get(sourceWins, keys[300]!), undefined);
    assert.equal(fresh.get(sourceWins, keys[499]!), undefined);
    assert.equal(fresh.get(destWins, keys[1]!)!.size, 1001);
    assert.equal(fresh.get(destWins, keys[200]!)!.size, 2002);
    assert.equal(fresh.get(destWins, keys[300]!)!.size, 3002);
    assert.equal(fresh.get(destWins, keys[499]!), undefined);
    assert.equal([...fresh.entries(destWins)].length, 499);
  });
});

describe("deferred sync", () => {
  const idsIn = (dir: string) => readdirSync(dir).filter((n) => /^[0-9a-f]{64}$/.test(n));
  const tempsIn = (dir: string) => readdirSync(dir).filter((n) => n.startsWith(".tmp-"));
  const keys = Array.from({ length: 300 }, (_, i) => `k${pad(i)}`);

  test("a build's files stay under temp names, readable, until settle() puts them in place", async () => {
    const dir = newDir();
    const t = createTreeStore(dir, { raggedness: 16, deferSync: true });
    const { metarangeId } = t.apply("", puts(keys));
    assert.deepEqual(idsIn(dir), []);
    assert.ok(tempsIn(dir).length > 2);
    assert.deepEqual(t.get(metarangeId, "k000007"), entry(7));
    await t.settle();
    assert.deepEqual(tempsIn(dir), []);
    assert.ok(idsIn(dir).includes(metarangeId));
    // Another store (no deferral, cold cache) reads the settled tree.
    const reader = createTreeStore(dir, { raggedness: 16 });
    assert.equal([...reader.entries(metarangeId)].length, keys.length);
    await t.settle(); // nothing pending: a no-op
  });

  test("discard() drops a failed build's files", () => {
    const dir = newDir();
    const t = createTreeStore(dir, { raggedness: 16, deferSync: true });
    const { metarangeId } = t.apply("", puts(keys));
    t.discard();
    assert.deepEqual(tempsIn(dir), []);
    assert.deepEqual(idsIn(dir), []);
    assert.throws(() => t.get(metarangeId, "k000007"), /is missing/);
  });

  test("without deferral every file is in place at once and settle() has nothing to do", async () => {
    const dir = newDir();
    const t = createTreeStore(dir, { raggedness: 16 });
    const { metarangeId } = t.apply("", puts(keys));
    assert.deepEqual(tempsIn(dir), []);
    assert.ok(idsIn(dir).includes(metarangeId));
    await t.settle();
  });
});
