/**
 * Model-based property test of the committed tree: random sequences of apply and merge over a
 * small key alphabet (with multi-byte and astral characters) and tiny ranges, checked against a
 * plain Map model and an independent implementation of the merge outcome table.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import { type Change, type Entry, entryIdentity } from "../src/core/entry.js";
import { createTreeStore, type MergeStrategy, type TreeStore } from "../src/engine/tree/index.js";

const root = mkdtempSync(join(tmpdir(), "lakefs-tree-model-"));
after(() => rmSync(root, { recursive: true, force: true }));

type Model = ReadonlyMap<string, Entry>;

/** UTF-8 byte order, computed independently of the implementation's compareKeys. */
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const sortedKeys = (keys: Iterable<string>) => [...keys].sort(byUtf8);
const sameId = (a: Entry, b: Entry) => entryIdentity(a) === entryIdentity(b);

// "\ue000" sorts before astral "😀" in UTF-8 but after it in UTF-16.
const letters = ["a", "b", "é", "日", "\ue000", "😀"];
const keyArb = fc
  .array(fc.constantFrom(...letters), { minLength: 1, maxLength: 3 })
  .map((l) => l.join(""));
/** Few identities (size/etag/metadata/content type), and addresses/mtimes that vary without changing them. */
const entryArb: fc.Arbitrary<Entry> = fc
  .record({ id: fc.nat(3), address: fc.nat(2), ct: fc.boolean() })
  .map(
    ({ id, address, ct }): Entry => ({
      address: `data/${id}/${address}`,
      addressType: "relative",
      size: id,
      etag: `etag-${id}`,
      mtime: 1_700_000_000 + address,
      metadata: id === 3 ? { ключ: "😀" } : {},
      ...(ct ? { contentType: "text/plain" } : {}),
    }),
  );
const changesArb = fc
  .uniqueArray(fc.record({ key: keyArb, value: fc.option(entryArb, { freq: 3 }) }), {
    selector: (c) => c.key,
    maxLength: 60,
  })
  .map((cs) => [...cs].sort((x, y) => byUtf8(x.key, y.key)) as Change[]);
const strategyArb = fc.constantFrom<MergeStrategy>("none", "dest-wins", "source-wins");
const commandArb = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant("apply" as const),
      base: fc.nat(),
      changes: changesArb,
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("merge" as const),
      base: fc.nat(),
      source: fc.nat(),
      dest: fc.nat(),
      strategy: strategyArb,
    }),
    weight: 2,
  },
);

function modelApply(base: Model, changes: readonly Change[]) {
  const next = new Map(base);
  let added = 0;
  let removed = 0;
  let changed = 0;
  for (const { key, value } of changes) {
    const old = base.get(key);
    if (value === null) {
      if (old !== undefined) removed++;
      next.delete(key);
    } else if (old === undefined) {
      added++;
      next.set(key, value);
    } else if (!sameId(old, value)) {
      changed++;
      next.set(key, value);
    }
  }
  return { model: next as Model, added, removed, changed };
}

/** The outcome table, written out independently: the merged model, or the first conflicting key. */
function modelMerge(base: Model, source: Model, dest: Model, strategy: MergeStrategy) {
  const result = new Map<string, Entry>();
  for (const key of sortedKeys(new Set([...base.keys(), ...source.keys(), ...dest.keys()]))) {
    const b = base.get(key);
    const s = source.get(key);
    const d = dest.get(key);
    const unchanged = (x?: Entry) =>
      x === undefined ? b === undefined : b !== undefined && sameId(x, b);
    let value: Entry | undefined;
    if (s !== undefined && d !== undefined && sameId(s, d)) value = d;
    else if (s === undefined && d === undefined) value = undefined;
    else if (unchanged(s)) value = d;
    else if (unchanged(d)) value = s;
    else if (strategy === "none") return { conflict: key };
    else value = strategy === "dest-wins" ? d : s;
    if (value !== undefined) result.set(key, value);
  }
  return { model: result as Model };
}

function assertMatchesModel(tree: TreeStore, id: string, model: Model, probe: string) {
  const expected = sortedKeys(model.keys());
  const actual = [...tree.entries(id)];
  assert.deepEqual(
    actual.map(([k]) => k),
    expected,
  );
  for (const [key, value] of actual) assert.ok(sameId(value, model.get(key)!), `value of ${key}`);
  assert.deepEqual(
    [...tree.entries(id, probe)].map(([k]) => k),
    expected.filter((k) => byUtf8(k, probe) >= 0),
  );
  assert.equal(tree.get(id, probe) === undefined, !model.has(probe));
  // Shape depends only on content: rebuilding from scratch gives the same id (every written
  // tree, the empty one included; only "" is the unwritten empty tree of a first commit).
  const rebuilt = tree.apply(
    "",
    actual.map(([key, value]) => ({ key, value })),
  );
  if (id !== "") assert.equal(rebuilt.metarangeId, id);
  else assert.equal(rebuilt.metarangeId, tree.apply("", []).metarangeId);
}

function assertDiff(
  tree: TreeStore,
  left: { id: string; model: Model },
  right: { id: string; model: Model },
  from?: string,
) {
  const expected: string[] = [];
  for (const key of sortedKeys(new Set([...left.model.keys(), ...right.model.keys()]))) {
    if (from !== undefined && byUtf8(key, from) < 0) continue;
    const l = left.model.get(key);
    const r = right.model.get(key);
    if (l === undefined) expected.push(`added ${key}`);
    else if (r === undefined) expected.push(`removed ${key}`);
    else if (!sameId(l, r)) expected.push(`changed ${key}`);
  }
  const actual = [...tree.diff(left.id, right.id, from)];
  assert.deepEqual(
    actual.map((d) => `${d.type} ${d.key}`),
    expected,
  );
  for (const d of actual) {
    if (d.type !== "added") assert.ok(sameId(d.left!, left.model.get(d.key)!));
    if (d.type !== "removed") assert.ok(sameId(d.right!, right.model.get(d.key)!));
  }
}

test("apply, get, entries, diff and merge agree with a model", () => {
  let run = 0;
  fc.assert(
    fc.property(
      fc.constantFrom(2, 4, 8),
      fc.constantFrom(undefined, 160),
      fc.constantFrom(1, 128),
      fc.array(commandArb, { minLength: 1, maxLength: 8 }),
      keyArb,
      (raggedness, maxRangeBytes, cacheRanges, commands, probe) => {
        const dir = join(root, `run${run++}`);
        const tree = createTreeStore(dir, { raggedness, maxRangeBytes, cacheRanges });
        const trees: { id: string; model: Model }[] = [{ id: "", model: new Map() }];
        const pick = (n: number) => trees[n % trees.length]!;
        for (const command of commands) {
          if (command.kind === "apply") {
            const base = pick(command.base);
            const expected = modelApply(base.model, command.changes);
            const result = tree.apply(base.id, command.changes);
            assert.deepEqual(
              [result.added, result.removed, result.changed],
              [expected.added, expected.removed, expected.changed],
            );
            assertMatchesModel(tree, result.metarangeId, expected.model, probe);
            trees.push({ id: result.metarangeId, model: expected.model });
          } else {
            const [b, s, d] = [pick(command.base), pick(command.source), pick(command.dest)];
            const expected = modelMerge(b.model, s.model, d.model, command.strategy);
            const result = tree.merge(b.id, s.id, d.id, command.strategy);
            if (expected.conflict !== undefined) {
              assert.deepEqual(result, { conflict: expected.conflict });
              continue;
            }
            assert.equal(result.conflict, undefined);
            assertMatchesModel(tree, result.metarangeId!, expected.model!, probe);
            trees.push({ id: result.metarangeId!, model: expected.model! });
          }
        }
        trees.forEach((left, i) => {
          for (const right of trees) assertDiff(tree, left, right, i % 2 ? probe : undefined);
        });
      },
    ),
    { numRuns: 200 },
  );
});
