/**
 * Model-based property test: random sequences of writes, deletes, commits, branch creations,
 * merges (every strategy, squash), cherry-picks, reverts and resets run against the engine and
 * against a trivial in-memory model (a map per commit, a map of staged values per branch);
 * after every step all reads, listings and diffs must agree. Small range raggedness makes the
 * trees span many ranges, so range reuse and range-level shortcuts are exercised.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { compareKeys } from "../src/core/entry.js";
import { EngineError, MergeConflictError } from "../src/core/errors.js";
import type { Commit, DiffEntry } from "../src/engine/types.js";
import { entry, type Fixture, openFixture } from "./engine-support.js";

const R = "repo1";
const KEYS = [
  ...Array.from({ length: 12 }, (_, i) => `a/${String(i).padStart(2, "0")}`),
  ...Array.from({ length: 8 }, (_, i) => `a/b/${i}`),
  ...Array.from({ length: 10 }, (_, i) => `c${i}`),
  "é/1",
  "é/2",
  "z",
  "\u{1F600}",
  "\uFFFD",
];
const VALUES = ["v0", "v1", "v2", "v3"];
const BRANCHES = ["main", "b1", "b2", "b3", "b4"];
const PREFIXES = ["", "a/", "a/b/", "c", "é/", "z"];

/** A tree in the model: key → content (identity is determined by content). */
type Tree = ReadonlyMap<string, string>;

interface ModelCommit {
  readonly tree: Tree;
  readonly parents: readonly string[];
  readonly generation: number;
  readonly creationDate: number;
}

class Model {
  readonly commits = new Map<string, ModelCommit>();
  readonly heads = new Map<string, string>();
  /** Staged values per branch: content, or null for a deletion. */
  readonly staged = new Map<string, Map<string, string | null>>();

  record(c: Commit, tree: Tree): void {
    const generation =
      c.parents.length === 0
        ? 1
        : Math.max(...c.parents.map((p) => this.commits.get(p)!.generation)) + 1;
    this.commits.set(c.id, { tree, parents: c.parents, generation, creationDate: c.creationDate });
  }

  headTree(branch: string): Tree {
    return this.commits.get(this.heads.get(branch)!)!.tree;
  }

  /** The branch as read through staging. */
  view(branch: string): Map<string, string> {
    const out = new Map(this.headTree(branch));
    for (const [k, v] of this.staged.get(branch)!) {
      if (v === null) out.delete(k);
      else out.set(k, v);
    }
    return out;
  }

  dirty(branch: string): boolean {
    return !sameTree(this.view(branch), this.headTree(branch));
  }

  ancestors(id: string): Set<string> {
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const c = stack.pop()!;
      if (seen.has(c)) continue;
      seen.add(c);
      stack.push(...this.commits.get(c)!.parents);
    }
    return seen;
  }

  /** Best common ancestor: the highest (generation, date, id) commit reachable from both. */
  mergeBase(a: string, b: string): string {
    const left = this.ancestors(a);
    const common = [...this.ancestors(b)].filter((c) => left.has(c));
    const key = (id: string) => {
      const c = this.commits.get(id)!;
      return [c.generation, c.creationDate] as const;
    };
    common.sort((x, y) => {
      const [gx, dx] = key(x);
      const [gy, dy] = key(y);
      return gy - gx || dy - dx || (y > x ? 1 : y < x ? -1 : 0);
    });
    return common[0]!;
  }
}

function sameTree(a: Tree, b: Tree): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

type Strategy = "none" | "source-wins" | "dest-wins";

/** Three-way merge in the model; "conflict" when strategy none meets a conflict. */
function merge3(
  base: Tree,
  source: Tree,
  dest: Tree,
  strategy: Strategy,
): Map<string, string> | "conflict" {
  const out = new Map<string, string>();
  const keys = new Set([...base.keys(), ...source.keys(), ...dest.keys()]);
  for (const k of keys) {
    const b = base.get(k);
    const s = source.get(k);
    const d = dest.get(k);
    let v: string | undefined;
    if (s === d) v = s;
    else if (b === s) v = d;
    else if (b === d) v = s;
    else if (strategy === "none") return "conflict";
    else v = strategy === "source-wins" ? s : d;
    if (v !== undefined) out.set(k, v);
  }
  return out;
}

type Op =
  | { op: "write"; branch: number; key: number; value: number }
  | { op: "bulk"; branch: number; from: number; count: number; value: number }
  | { op: "delete"; branch: number; key: number }
  | { op: "commit"; branch: number; allowEmpty: boolean }
  | { op: "branch"; name: number; source: number }
  | {
      op: "merge";
      source: number;
      dest: number;
      strategy: Strategy;
      squash: boolean;
      clean: boolean;
    }
  | { op: "revert"; branch: number; pick: number; clean: boolean }
  | { op: "cherryPick"; branch: number; from: number; pick: number; clean: boolean }
  | {
      op: "reset";
      branch: number;
      type: "reset" | "object" | "common_prefix";
      key: number;
      prefix: number;
    }
  | { op: "hardReset"; branch: number; pick: number }
  | { op: "deleteBranch"; branch: number };

const idx = (n: number) => fc.nat({ max: n - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("write" as const),
      branch: idx(4),
      key: idx(KEYS.length),
      value: idx(VALUES.length),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("bulk" as const),
      branch: idx(4),
      from: idx(KEYS.length),
      count: fc.integer({ min: 2, max: 15 }),
      value: idx(VALUES.length),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("delete" as const),
      branch: idx(4),
      key: idx(KEYS.length),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("commit" as const),
      branch: idx(4),
      allowEmpty: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("branch" as const), name: idx(4), source: idx(4) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("merge" as const),
      source: idx(4),
      dest: idx(4),
      strategy: fc.constantFrom<Strategy>("none", "source-wins", "dest-wins"),
      squash: fc.boolean(),
      clean: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("revert" as const),
      branch: idx(4),
      pick: fc.nat(),
      clean: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("cherryPick" as const),
      branch: idx(4),
      from: idx(4),
      pick: fc.nat(),
      clean: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("reset" as const),
      branch: idx(4),
      type: fc.constantFrom("reset" as const, "object" as const, "common_prefix" as const),
      key: idx(KEYS.length),
      prefix: idx(PREFIXES.length),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("hardReset" as const), branch: idx(4), pick: fc.nat() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("deleteBranch" as const), branch: idx(4) }),
  },
);

/** Runs `fn`; returns the EngineError it threw, or undefined. Other errors propagate. */
async function attempt<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: EngineError }> {
  try {
    return { value: await fn() };
  } catch (err) {
    if (err instanceof EngineError) return { error: err };
    throw err;
  }
}

class Runner {
  readonly model = new Model();

  constructor(readonly f: Fixture) {}

  /** Creates the repository and records its initial commit. */
  async init(): Promise<void> {
    const e = this.f.engine;
    await e.createRepository({ id: R, storageNamespace: `local://${R}` });
    const c = await e.getCommit(R, "main");
    this.model.record(c, new Map());
    this.model.heads.set("main", c.id);
    this.model.staged.set("main", new Map());
  }

  get e() {
    return this.f.engine;
  }

  /** One of the existing branches (so every operation lands somewhere). */
  existing(i: number): string {
    const names = [...this.model.heads.keys()].sort();
    return names[i % names.length]!;
  }

  /** A commit reachable from `branch`'s head, chosen by `pick` (first-parent history). */
  historyPick(branch: string, pick: number): string {
    const ids: string[] = [];
    let id: string | undefined = this.model.heads.get(branch);
    while (id !== undefined) {
      ids.push(id);
      id = this.model.commits.get(id)!.parents[0];
    }
    return ids[pick % ids.length]!;
  }

  /** Commits a merge-like engine result; the model tree is `tree`. */
  async landed(branch: string, c: Commit, tree: Tree): Promise<void> {
    assert.equal((await this.e.getBranch(R, branch)).commitId, c.id);
    this.model.record(c, tree);
    this.model.heads.set(branch, c.id);
    this.model.staged.set(branch, new Map());
  }

  /** Commits pending changes first (so merge-like operations find clean branches more often). */
  async commitIfDirty(...branches: string[]): Promise<void> {
    for (const b of branches) {
      if (this.model.dirty(b))
        await this.apply({
          op: "commit",
          branch: [...this.model.heads.keys()].sort().indexOf(b),
          allowEmpty: false,
        });
    }
  }

  async apply(o: Op): Promise<void> {
    const m = this.model;
    this.f.tick();
    switch (o.op) {
      case "write":
      case "bulk": {
        const b = this.existing(o.branch);
        const keys = o.op === "write" ? [KEYS[o.key]!] : KEYS.slice(o.from, o.from + o.count);
        for (const k of keys) {
          await this.e.stageEntry(R, b, k, entry(VALUES[o.value]!));
          m.staged.get(b)!.set(k, VALUES[o.value]!);
        }
        return;
      }
      case "delete": {
        const b = this.existing(o.branch);
        const key = KEYS[o.key]!;
        await this.e.deleteEntry(R, b, key);
        // Deleting what neither staging nor the head holds stages nothing (lakeFS answers 204 and
        // writes no tombstone), so a later hard reset to a commit holding the key shows it.
        const staged = m.staged.get(b)!;
        if (staged.has(key) || m.headTree(b).has(key)) staged.set(key, null);
        return;
      }
      case "commit": {
        const b = this.existing(o.branch);
        const tree = m.view(b);
        const res = await attempt(
          async () => await this.e.commit(R, b, { message: "c", allowEmpty: o.allowEmpty }),
        );
        if (!o.allowEmpty && !m.dirty(b)) {
          assert.equal(res.error?.message, "commit: no changes");
          return;
        }
        assert.ok(res.value, res.error?.message);
        assert.deepEqual(res.value.parents, [m.heads.get(b)]);
        m.record(res.value, tree);
        m.heads.set(b, res.value.id);
        m.staged.set(b, new Map());
        return;
      }
      case "branch": {
        const src = this.existing(o.source);
        // Mostly a new name; sometimes an existing one, to check the refusal.
        const name =
          o.name === 0
            ? this.existing(o.source + 1)
            : (BRANCHES.find((n) => !m.heads.has(n)) ?? "main");
        const res = await attempt(async () => await this.e.createBranch(R, { name, source: src }));
        if (m.heads.has(name)) {
          assert.equal(res.error?.message, "branch already exists: not unique");
          return;
        }
        assert.equal(res.value, m.heads.get(src));
        m.heads.set(name, m.heads.get(src)!);
        m.staged.set(name, new Map());
        return;
      }
      case "merge": {
        const src = this.existing(o.source);
        const dst = this.existing(o.dest);
        if (o.clean) await this.commitIfDirty(src, dst);
        const srcHead = m.heads.get(src)!;
        const dstHead = m.heads.get(dst)!;
        const res = await attempt(
          async () =>
            await this.e.merge(R, src, dst, {
              strategy: o.strategy === "none" ? undefined : o.strategy,
              squashMerge: o.squash,
            }),
        );
        if (m.dirty(dst)) {
          assert.equal(res.error?.message, "uncommitted changes (dirty branch)");
          return;
        }
        const base = m.mergeBase(dstHead, srcHead);
        const baseTree = m.commits.get(base)!.tree;
        const srcTree = m.commits.get(srcHead)!.tree;
        if (base === srcHead) {
          assert.equal(res.error?.message, `update branch ${dst}: no changes`);
          return;
        }
        if (res.error?.message === `update branch ${dst}: no changes`) {
          // Allowed only when the source tree equals the base tree (same metarange id).
          assert.ok(sameTree(baseTree, srcTree));
          return;
        }
        const merged = merge3(baseTree, srcTree, m.headTree(dst), o.strategy);
        if (merged === "conflict") {
          assert.ok(res.error instanceof MergeConflictError, res.error?.message ?? "merged");
          return;
        }
        assert.ok(res.value, res.error?.message);
        assert.deepEqual(res.value.parents, o.squash ? [dstHead] : [dstHead, srcHead]);
        assert.equal(
          res.value.metadata[".lakefs.merge.strategy"],
          o.strategy === "none" ? "default" : o.strategy,
        );
        await this.landed(dst, res.value, merged);
        return;
      }
      case "revert":
      case "cherryPick": {
        const b = this.existing(o.branch);
        const from = o.op === "revert" ? b : this.existing(o.from);
        if (o.clean) await this.commitIfDirty(b, from);
        const target = this.historyPick(from, o.pick);
        const tc = m.commits.get(target)!;
        const head = m.heads.get(b)!;
        const parentNumber = tc.parents.length > 1 ? 1 : undefined;
        const parentTree: Tree = tc.parents.length
          ? m.commits.get(tc.parents[0]!)!.tree
          : new Map();
        const res = await attempt(async () =>
          o.op === "revert"
            ? await this.e.revert(R, b, { ref: target, parentNumber })
            : await this.e.cherryPick(R, b, { ref: target, parentNumber }),
        );
        if (m.dirty(b)) {
          assert.equal(res.error?.message, "uncommitted changes (dirty branch)");
          return;
        }
        const merged =
          o.op === "revert"
            ? merge3(tc.tree, parentTree, m.headTree(b), "none")
            : merge3(parentTree, tc.tree, m.headTree(b), "none");
        if (merged === "conflict") {
          assert.equal(res.error?.kind, "conflict", res.error?.message ?? "succeeded");
          return;
        }
        if (o.op === "revert" && res.error?.message === "no changes") {
          assert.ok(sameTree(merged, m.headTree(b)));
          return;
        }
        assert.ok(res.value, res.error?.message);
        assert.deepEqual(res.value.parents, [head]);
        await this.landed(b, res.value, merged);
        return;
      }
      case "reset": {
        const b = this.existing(o.branch);
        const staged = m.staged.get(b)!;
        // Object and prefix resets stage the head's value (or a tombstone) over each staged key,
        // as lakeFS does, rather than forgetting the key: a later hard reset to another commit
        // lays those values over it.
        const restore = (k: string) => staged.set(k, m.headTree(b).get(k) ?? null);
        if (o.type === "reset") {
          await this.e.resetBranch(R, b, { type: "reset" });
          staged.clear();
        } else if (o.type === "object") {
          await this.e.resetBranch(R, b, { type: "object", path: KEYS[o.key]! });
          if (staged.has(KEYS[o.key]!)) restore(KEYS[o.key]!);
        } else {
          const prefix = PREFIXES[o.prefix]!;
          await this.e.resetBranch(R, b, { type: "common_prefix", path: prefix });
          for (const k of [...staged.keys()]) if (k.startsWith(prefix)) restore(k);
        }
        return;
      }
      case "deleteBranch": {
        const b = this.existing(o.branch);
        const res = await attempt(async () => await this.e.deleteBranch(R, b));
        if (b === "main") {
          assert.equal(res.error?.message, "cannot delete repository default branch");
          return;
        }
        assert.equal(res.error, undefined);
        m.heads.delete(b);
        m.staged.delete(b);
        return;
      }
      case "hardReset": {
        const b = this.existing(o.branch);
        const target = this.historyPick(b, o.pick);
        await this.e.hardResetBranch(R, b, target);
        m.heads.set(b, target);
        return;
      }
    }
  }

  /** Every read, listing and diff the engine offers must agree with the model. */
  async check(seed: number): Promise<void> {
    const e = this.e;
    const m = this.model;
    const branches = [...m.heads.keys()].sort();
    for (const b of branches) {
      const view = m.view(b);
      const head = m.headTree(b);
      assert.equal((await e.getBranch(R, b)).commitId, m.heads.get(b));
      assert.deepEqual(await listAll(e, b, "", seed), sortedEntries(view), `list ${b}`);
      assert.deepEqual(await listAll(e, `${b}@`, "", seed), sortedEntries(head), `list ${b}@`);
      const delimited = (await listAll(e, b, "/", seed)).map(([k]) => k);
      assert.deepEqual(delimited, groupKeys([...view.keys()], "", "/"), `delimited ${b}`);
      for (const k of KEYS) {
        const res = await attempt(async () => await e.getEntry(R, b, k));
        if (view.has(k)) assert.equal(res.value?.etag, `etag-${view.get(k)}`, `get ${b} ${k}`);
        else assert.equal(res.error?.kind, "not_found", `get ${b} ${k}`);
      }
      assert.deepEqual(
        await diffAll(async (after, amount) => await e.diffBranch(R, b, { after, amount }), seed),
        modelDiff(head, view),
        `uncommitted ${b}`,
      );
    }
    for (const left of branches) {
      for (const right of branches) {
        const l = m.heads.get(left)!;
        const r = m.heads.get(right)!;
        assert.deepEqual(
          await diffAll(
            async (after, amount) =>
              await e.diffRefs(R, left, right, { type: "two_dot", after, amount }),
            seed,
          ),
          modelDiff(m.commits.get(l)!.tree, m.commits.get(r)!.tree),
          `two-dot ${left}..${right}`,
        );
        const base = m.commits.get(m.mergeBase(l, r))!.tree;
        assert.deepEqual(
          await diffAll(
            async (after, amount) => await e.diffRefs(R, left, right, { after, amount }),
            seed,
          ),
          modelPreview(base, m.commits.get(r)!.tree, m.commits.get(l)!.tree),
          `three-dot ${left}...${right}`,
        );
      }
    }
  }
}

const byKey = (a: [string, string], b: [string, string]) => compareKeys(a[0], b[0]);

function sortedEntries(t: Tree): [string, string][] {
  return [...t].map(([k, v]): [string, string] => [k, `etag-${v}`]).sort(byKey);
}

/** Keys as a delimited listing shows them: one entry per common prefix. */
function groupKeys(keys: string[], prefix: string, delimiter: string): string[] {
  const out = new Set<string>();
  for (const k of keys) {
    const i = k.indexOf(delimiter, prefix.length);
    out.add(i < 0 ? k : k.slice(0, i + delimiter.length));
  }
  return [...out].sort(compareKeys);
}

/** Lists everything through pages of a seed-dependent size. */
async function listAll(
  e: Fixture["engine"],
  ref: string,
  delimiter: string,
  seed: number,
): Promise<[string, string][]> {
  const out: [string, string][] = [];
  let after = "";
  for (;;) {
    const page = await e.listEntries(R, ref, { after, delimiter, amount: 1 + (seed % 7) });
    for (const r of page.results) out.push([r.path, r.entry?.etag ?? ""]);
    if (!page.hasMore) return out;
    after = page.nextOffset;
  }
}

async function diffAll(
  fetch: (
    after: string,
    amount: number,
  ) => Promise<{ results: DiffEntry[]; hasMore: boolean; nextOffset: string }>,
  seed: number,
): Promise<string[]> {
  const out: string[] = [];
  let after = "";
  for (;;) {
    const page = await fetch(after, 1 + (seed % 5));
    out.push(...page.results.map((d) => `${d.type}:${d.path}`));
    if (!page.hasMore) return out;
    after = page.nextOffset;
  }
}

function modelDiff(left: Tree, right: Tree): string[] {
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort(compareKeys);
  const out: string[] = [];
  for (const k of keys) {
    const l = left.get(k);
    const r = right.get(k);
    if (l === r) continue;
    out.push(`${l === undefined ? "added" : r === undefined ? "removed" : "changed"}:${k}`);
  }
  return out;
}

/** Three-dot: the source's changes since the base, minus what dest has, conflicts marked. */
function modelPreview(base: Tree, source: Tree, dest: Tree): string[] {
  const out: string[] = [];
  for (const line of modelDiff(base, source)) {
    const k = line.slice(line.indexOf(":") + 1);
    if (dest.get(k) === base.get(k)) out.push(line);
    else if (dest.get(k) !== source.get(k)) out.push(`conflict:${k}`);
  }
  return out;
}

test("engine agrees with the in-memory model", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(opArb, { minLength: 5, maxLength: 50, size: "medium" }),
      fc.nat(),
      async (ops, seed) => {
        const f = openFixture({ treeOptions: { raggedness: 3 } });
        try {
          const runner = new Runner(f);
          await runner.init();
          for (const o of ops) {
            await runner.apply(o);
            await runner.check(seed);
          }
        } finally {
          await f.close();
        }
      },
    ),
    { numRuns: Number(process.env.MODEL_RUNS ?? 30) },
  );
});
