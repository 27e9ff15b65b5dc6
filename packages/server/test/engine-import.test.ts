/** Engine: background import from a caller-supplied walker. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import type { Engine } from "../src/engine/engine.js";
import type { ImportedObject, ImportSourceSpec, ImportStatus } from "../src/engine/types.js";
import { engineError, entry, type Fixture, openFixture, paths, repo } from "./engine-support.js";

let f: Fixture;
beforeEach(async () => {
  f = openFixture();
  await repo(f);
});
afterEach(() => f.close());

const R = "repo1";

/** Files per source path: the walker yields them sorted, as the block walker does. */
function walkerOf(files: Record<string, string[]>) {
  return async function* (source: ImportSourceSpec): AsyncGenerator<ImportedObject> {
    const list = files[source.path];
    if (!list) throw new Error(`no such source ${source.path}`);
    for (const rel of list) {
      yield {
        relPath: rel,
        entry: entry(`${source.path}${rel}`, { addressType: "full", contentType: undefined }),
      };
    }
  };
}

async function settle(e: Engine, branch: string, id: string): Promise<ImportStatus> {
  for (;;) {
    const s = await e.importStatus(R, branch, id);
    if (s.completed || s.error) return s;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test("import replaces each destination prefix and commits once", async () => {
  const e = f.engine;
  for (const k of ["imported/old", "imported/keep-not", "other/x", "single"])
    await e.stageEntry(R, "main", k, entry(k));
  await e.commit(R, "main", { message: "before" });
  const before = await e.getCommit(R, "main");
  const walker = walkerOf({ "local:///src/dir/": ["a", "b/c", "z"], "local:///src/file": [""] });
  const id = await e.startImport(
    R,
    "main",
    {
      sources: [
        { type: "common_prefix", path: "local:///src/dir/", destination: "imported/" },
        { type: "object", path: "local:///src/file", destination: "single" },
      ],
      commit: { message: "", metadata: { who: "test" } },
      committer: "importer",
    },
    walker,
  );
  const status = await settle(e, "main", id);
  assert.equal(status.error, undefined);
  assert.equal(status.completed, true);
  assert.equal(status.ingestedObjects, 4);
  const c = status.commit!;
  assert.equal(status.metarangeId, c.metarangeId);
  assert.equal(c.message, "Import objects");
  assert.equal(c.committer, "importer");
  assert.deepEqual(c.metadata, { who: "test", ".lakefs.merge.strategy": "source-wins" });
  assert.deepEqual(c.parents, [before.id]);
  assert.equal((await e.getBranch(R, "main")).commitId, c.id);
  assert.deepEqual(paths(await e.listEntries(R, "main")), [
    "imported/a",
    "imported/b/c",
    "imported/z",
    "other/x",
    "single",
  ]);
  assert.equal((await e.getEntry(R, "main", "single")).etag, "etag-local:///src/file");
  assert.equal((await e.getEntry(R, "main", "imported/a")).addressType, "full");
  assert.equal(
    (await e.getRepositoryMetadata(R))[".lakefs.last.import.timestamp"],
    String(c.creationDate),
  );
  // Completed imports cannot be cancelled.
  await assert.rejects(
    async () => await e.cancelImport(R, "main", id),
    engineError("conflict", "conflict found"),
  );
});

test("walker failures end the job with an import error and leave the branch alone", async () => {
  const e = f.engine;
  const head = (await e.getBranch(R, "main")).commitId;
  const id = await e.startImport(
    R,
    "main",
    { sources: [{ type: "common_prefix", path: "missing", destination: "x/" }], commit: {} },
    walkerOf({}),
  );
  const status = await settle(e, "main", id);
  assert.equal(status.completed, false);
  assert.equal(status.error, "import error: no such source missing");
  assert.equal((await e.getBranch(R, "main")).commitId, head);
});

test("cancel stops a running import (idempotently)", async () => {
  const e = f.engine;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const id = await e.startImport(
    R,
    "main",
    { sources: [{ type: "common_prefix", path: "p", destination: "d/" }], commit: {} },
    async function* () {
      yield { relPath: "first", entry: entry("1") };
      await gate;
      yield { relPath: "second", entry: entry("2") };
    },
  );
  await e.cancelImport(R, "main", id);
  await e.cancelImport(R, "main", id);
  release();
  const status = await settle(e, "main", id);
  assert.equal(status.error, "Canceled");
  assert.equal(status.completed, false);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(paths(await e.listEntries(R, "main")), []);
});

test("preconditions: walker, unknown ids, bad sources", async () => {
  const e = f.engine;
  const opts = {
    sources: [{ type: "common_prefix" as const, path: "p", destination: "d/" }],
    commit: {},
  };
  await assert.rejects(
    async () => await e.startImport(R, "main", opts),
    engineError("forbidden", "import is not supported for this storage"),
  );
  await assert.rejects(
    async () => await e.startImport(R, "ghost", opts, walkerOf({})),
    engineError("not_found", "branch not found"),
  );
  await assert.rejects(
    async () =>
      await e.startImport(
        R,
        "main",
        { ...opts, sources: [{ type: "object", path: "p", destination: "" }] },
        walkerOf({}),
      ),
    engineError("bad_request"),
  );
  await assert.rejects(
    async () => await e.importStatus(R, "main", "nope"),
    engineError("not_found", "not found"),
  );
  await assert.rejects(
    async () => await e.cancelImport(R, "main", "nope"),
    engineError("not_found"),
  );
});

test("a dirty branch fails the import in its status, before any source is read", async () => {
  const e = f.engine;
  await e.createBranch(R, { name: "dirty-import", source: "main" });
  await e.stageEntry(R, "dirty-import", "dirty", entry("d"));
  let walked = false;
  const id = await e.startImport(
    R,
    "dirty-import",
    { sources: [{ type: "common_prefix", path: "p", destination: "d/" }], commit: {} },
    async function* () {
      walked = true;
      yield { relPath: "x", entry: entry("x") };
    },
  );
  const status = await settle(e, "dirty-import", id);
  assert.equal(status.completed, false);
  assert.equal(status.error, "import error: uncommitted changes (dirty branch)");
  assert.equal(walked, false);
});

test("a prefix destination without a trailing slash imports under `destination/`", async () => {
  const e = f.engine;
  await e.createBranch(R, { name: "slash", source: "main" });
  await e.stageEntry(R, "slash", "dst/nestedkeep", entry("k"));
  await e.commit(R, "slash", { message: "keep a sibling" });
  const id = await e.startImport(
    R,
    "slash",
    { sources: [{ type: "common_prefix", path: "p", destination: "dst/nested" }], commit: {} },
    walkerOf({ p: ["prefix-1/file1"] }),
  );
  const status = await settle(e, "slash", id);
  assert.equal(status.completed, true, status.error);
  // The sibling sharing the prefix string is not part of the replaced destination.
  assert.deepEqual(paths(await e.listEntries(R, "slash")), [
    "dst/nested/prefix-1/file1",
    "dst/nestedkeep",
  ]);
});

test("an import's spooled rows are all deleted once it ends, however many there are", async () => {
  const e = f.engine;
  // More rows than a spool batch and a deletion chunk, many times over (import-jobs.ts).
  const files = Array.from({ length: 4500 }, (_, i) => `f${String(i).padStart(5, "0")}`);
  const id = await e.startImport(
    R,
    "main",
    {
      sources: [{ type: "common_prefix", path: "local:///src/", destination: "imported/" }],
      commit: { message: "many" },
    },
    walkerOf({ "local:///src/": files }),
  );
  const status = await settle(e, "main", id);
  assert.equal(status.ingestedObjects, files.length);
  assert.equal(
    (await e.listEntries(R, "main", { prefix: "imported/", amount: 1000 })).hasMore,
    true,
  );
  const spooled = e.deps.db.prepare("SELECT count(*) AS n FROM staged WHERE token LIKE 'import:%'");
  // The staging sweeper deletes the spool after the status completes, a batch per turn.
  await e.sweeper.idle();
  const left = (spooled.get() as { n: number }).n;
  assert.equal(left, 0);
});
