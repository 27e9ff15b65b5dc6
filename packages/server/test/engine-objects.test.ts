/** Engine: staging writes, reads through staging/sealed tokens/tree, listing, deletes, resets. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { PreconditionFailedError } from "../src/core/errors.js";
import { engineError, entry, type Fixture, openFixture, paths, repo } from "./engine-support.js";

let f: Fixture;
beforeEach(async () => {
  f = openFixture();
  await repo(f);
});
afterEach(() => f.close());

const R = "repo1";

describe("reads and writes", () => {
  test("branch reads include staging; branch@ is committed only; branch$ is staging", async () => {
    const e = f.engine;
    await e.stageEntry(R, "main", "a", entry("a1"));
    await e.commit(R, "main", { message: "c1" });
    await e.stageEntry(R, "main", "a", entry("a2"));
    await e.stageEntry(R, "main", "b", entry("b"));
    assert.equal((await e.getEntry(R, "main", "a")).etag, "etag-a2");
    assert.equal((await e.getEntry(R, "main$", "a")).etag, "etag-a2");
    assert.equal((await e.getEntry(R, "main@", "a")).etag, "etag-a1");
    await assert.rejects(
      async () => await e.getEntry(R, "main@", "b"),
      engineError("not_found", "not found"),
    );
    const head = (await e.getBranch(R, "main")).commitId;
    assert.equal((await e.getEntry(R, head, "a")).etag, "etag-a1");
    assert.deepEqual(paths(await e.listEntries(R, "main")), ["a", "b"]);
    assert.deepEqual(paths(await e.listEntries(R, "main@")), ["a"]);
    await assert.rejects(async () => await e.getEntry(R, "main", ""), engineError("bad_request"));
    await assert.rejects(
      async () => await e.getEntry(R, "main", "x".repeat(1025)),
      engineError("bad_request"),
    );
    await assert.rejects(async () => await e.getEntry(R, "nope", "a"), engineError("not_found"));
  });

  test("the entry round-trips exactly (metadata, content type, full addresses)", async () => {
    const value = entry("x", {
      address: "local:///abs/file",
      addressType: "full",
      metadata: { k: "v", "::lakefs::mode": "0644" },
      contentType: "text/plain",
      mtime: 123,
    });
    await f.engine.stageEntry(R, "main", "p", value);
    assert.deepEqual(await f.engine.getEntry(R, "main", "p"), value);
    await f.engine.commit(R, "main", { message: "c" });
    assert.deepEqual(await f.engine.getEntry(R, "main@", "p"), value);
  });

  test("ifNoneMatch fails when the path has a current value (staged or committed)", async () => {
    const e = f.engine;
    await e.stageEntry(R, "main", "a", entry("a"), { ifNoneMatch: true });
    await assert.rejects(
      async () => await e.stageEntry(R, "main", "a", entry("b"), { ifNoneMatch: true }),
      (err) => err instanceof PreconditionFailedError && err.kind === "precondition_failed",
    );
    await e.commit(R, "main", { message: "c" });
    await assert.rejects(
      async () => await e.stageEntry(R, "main", "a", entry("b"), { ifNoneMatch: true }),
      engineError("precondition_failed", "Precondition failed"),
    );
    await e.deleteEntry(R, "main", "a");
    await e.stageEntry(R, "main", "a", entry("c"), { ifNoneMatch: true });
    assert.equal((await e.getEntry(R, "main", "a")).etag, "etag-c");
  });

  test("writes to unknown branches and repositories fail", async () => {
    const e = f.engine;
    await assert.rejects(
      async () => await e.stageEntry(R, "ghost", "a", entry("a")),
      engineError("not_found", "branch not found"),
    );
    await assert.rejects(
      async () => await e.stageEntry("ghost", "main", "a", entry("a")),
      engineError("not_found", "repository not found"),
    );
    await assert.rejects(
      async () => await e.stageEntry(R, "main", "", entry("a")),
      engineError("bad_request"),
    );
  });

  test("updateUserMetadata replaces metadata of an existing object only", async () => {
    const e = f.engine;
    await e.stageEntry(R, "main", "a", entry("a", { metadata: { old: "1" } }));
    await e.commit(R, "main", { message: "c" });
    await e.updateUserMetadata(R, "main", "a", { fresh: "2" });
    assert.deepEqual((await e.getEntry(R, "main", "a")).metadata, { fresh: "2" });
    assert.deepEqual((await e.getEntry(R, "main@", "a")).metadata, { old: "1" });
    // Metadata is part of identity: the change is real.
    assert.deepEqual(paths(await e.diffBranch(R, "main")), ["a"]);
    await assert.rejects(
      async () => await e.updateUserMetadata(R, "main", "missing", {}),
      engineError("not_found"),
    );
  });
});

describe("deletes", () => {
  test("delete hides committed and staged values; missing paths are silent", async () => {
    const e = f.engine;
    await e.stageEntry(R, "main", "c", entry("c"));
    await e.commit(R, "main", { message: "c" });
    await e.stageEntry(R, "main", "s", entry("s"));
    await e.deleteEntry(R, "main", "c");
    await e.deleteEntry(R, "main", "s");
    await e.deleteEntry(R, "main", "never");
    assert.deepEqual(paths(await e.listEntries(R, "main")), []);
    await assert.rejects(async () => await e.getEntry(R, "main", "c"), engineError("not_found"));
    // Only the committed key is a change; the staged-then-deleted and missing ones are not.
    const d = await e.diffBranch(R, "main");
    assert.deepEqual(
      d.results.map((r) => [r.path, r.type]),
      [["c", "removed"]],
    );
  });

  test("batch delete: per-path errors, 1000-path limit", async () => {
    const e = f.engine;
    await e.stageEntry(R, "main", "a", entry("a"));
    await e.stageEntry(R, "main", "b", entry("b"));
    const errors = await e.deleteEntries(R, "main", ["a", "", "missing", "b"]);
    assert.deepEqual(errors, [
      { path: "", statusCode: 400, message: "argument path: required value: validation error" },
    ]);
    assert.deepEqual(paths(await e.listEntries(R, "main")), []);
    await assert.rejects(
      async () =>
        await e.deleteEntries(
          R,
          "main",
          Array.from({ length: 1001 }, (_, i) => `p${i}`),
        ),
      engineError("bad_request", "request size exceeded, max paths is set to 1000"),
    );
    assert.deepEqual(
      await e.deleteEntries(
        R,
        "main",
        Array.from({ length: 1000 }, (_, i) => `p${i}`),
      ),
      [],
    );
    await assert.rejects(
      async () => await e.deleteEntries(R, "ghost", ["a"]),
      engineError("not_found", "branch not found"),
    );
  });
});

describe("listing", () => {
  const keys = ["a/1", "a/2", "a/b/1", "b", "c/x/y", "c/z", "d", "é", "z", "\u{1F600}", "\uFFFD"];

  test("byte order across staging and tree, delimiter grouping, paging", async () => {
    const e = f.engine;
    // Half committed, half staged; one committed key deleted, one overwritten.
    keys.forEach(async (k, i) => {
      if (i % 2 === 0) await e.stageEntry(R, "main", k, entry(k));
    });
    await e.stageEntry(R, "main", "gone", entry("gone"));
    await e.commit(R, "main", { message: "half" });
    keys.forEach(async (k, i) => {
      if (i % 2 === 1) await e.stageEntry(R, "main", k, entry(k));
    });
    await e.deleteEntry(R, "main", "gone");
    const all = paths(await e.listEntries(R, "main"));
    const byteOrder = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(all, byteOrder);
    assert.deepEqual(paths(await e.listEntries(R, "main", { delimiter: "/" })), [
      "a/",
      "b",
      "c/",
      "d",
      "z",
      "é",
      "\uFFFD",
      "\u{1F600}",
    ]);
    assert.deepEqual(paths(await e.listEntries(R, "main", { prefix: "a/", delimiter: "/" })), [
      "a/1",
      "a/2",
      "a/b/",
    ]);
    const listed = (await e.listEntries(R, "main", { delimiter: "/" })).results;
    assert.equal(listed[0]!.commonPrefix, true);
    assert.equal(listed[1]!.entry?.etag, "etag-b");
    // after is exclusive; after a common prefix skips the whole prefix
    assert.deepEqual(
      paths(await e.listEntries(R, "main", { delimiter: "/", after: "a/" })).slice(0, 2),
      ["b", "c/"],
    );
    assert.deepEqual(paths(await e.listEntries(R, "main", { after: "c/x/y" })).slice(0, 2), [
      "c/z",
      "d",
    ]);
    // paging walks everything exactly once
    for (const delimiter of ["", "/"]) {
      const seen: string[] = [];
      let after = "";
      for (;;) {
        const page = await e.listEntries(R, "main", { delimiter, after, amount: 3 });
        seen.push(...paths(page));
        if (!page.hasMore) {
          assert.equal(page.nextOffset, "");
          break;
        }
        assert.equal(page.nextOffset, seen[seen.length - 1]);
        after = page.nextOffset;
      }
      assert.deepEqual(seen, paths(await e.listEntries(R, "main", { delimiter })));
    }
  });

  test("amount defaults to 100 and is capped at 1000", async () => {
    const e = f.engine;
    for (let i = 0; i < 1005; i++)
      await e.stageEntry(R, "main", `k${String(i).padStart(4, "0")}`, entry(`${i}`));
    assert.equal((await e.listEntries(R, "main")).results.length, 100);
    assert.equal((await e.listEntries(R, "main", { amount: 0 })).results.length, 100);
    const big = await e.listEntries(R, "main", { amount: 5000 });
    assert.equal(big.results.length, 1000);
    assert.equal(big.hasMore, true);
  });
});

describe("sealed tokens and resets", () => {
  test("a failed (empty) commit leaves staged reads intact", async () => {
    const e = f.engine;
    await e.stageEntry(R, "main", "a", entry("a"));
    await e.commit(R, "main", { message: "c" });
    // Same identity as committed: staged but not a change.
    await e.stageEntry(R, "main", "a", entry("a"));
    await assert.rejects(
      async () => await e.commit(R, "main", { message: "m" }),
      engineError("bad_request", "commit: no changes"),
    );
    // The (sealed) token still reads fine and new writes layer on top of it.
    await e.stageEntry(R, "main", "b", entry("b"));
    await e.deleteEntry(R, "main", "a");
    assert.deepEqual(paths(await e.listEntries(R, "main")), ["b"]);
    await e.commit(R, "main", { message: "m2" });
    assert.deepEqual(paths(await e.listEntries(R, "main@")), ["b"]);
  });

  test("reset: all, one object, a prefix", async () => {
    const e = f.engine;
    for (const k of ["a/1", "a/2", "b/1", "c"]) await e.stageEntry(R, "main", k, entry(k));
    await e.commit(R, "main", { message: "base" });
    await e.stageEntry(R, "main", "a/1", entry("changed"));
    await e.stageEntry(R, "main", "a/new", entry("new"));
    await e.deleteEntry(R, "main", "b/1");
    await e.stageEntry(R, "main", "c", entry("c2"));
    await e.resetBranch(R, "main", { type: "object", path: "c" });
    assert.equal((await e.getEntry(R, "main", "c")).etag, "etag-c");
    await e.resetBranch(R, "main", { type: "object", path: "untouched" });
    await e.resetBranch(R, "main", { type: "common_prefix", path: "a/" });
    assert.deepEqual(paths(await e.diffBranch(R, "main")), ["b/1"]);
    assert.equal((await e.getEntry(R, "main", "a/1")).etag, "etag-a/1");
    await e.resetBranch(R, "main", { type: "reset" });
    assert.deepEqual((await e.diffBranch(R, "main")).results, []);
    assert.deepEqual(paths(await e.listEntries(R, "main")), ["a/1", "a/2", "b/1", "c"]);
    await assert.rejects(
      async () => await e.resetBranch(R, "main", { type: "bogus" as "reset" }),
      engineError("bad_request"),
    );
    await assert.rejects(
      async () => await e.resetBranch(R, "main", { type: "object" }),
      engineError("bad_request"),
    );
  });

  test("hard reset moves the head and keeps the current staging token", async () => {
    const e = f.engine;
    const first = (await e.getBranch(R, "main")).commitId;
    await e.stageEntry(R, "main", "a", entry("a"));
    await e.commit(R, "main", { message: "c" });
    await e.stageEntry(R, "main", "s", entry("s"));
    await e.hardResetBranch(R, "main", first);
    assert.equal((await e.getBranch(R, "main")).commitId, first);
    assert.deepEqual(paths(await e.listEntries(R, "main")), ["s"]);
    await assert.rejects(
      async () => await e.hardResetBranch(R, "main", "nope"),
      engineError("not_found"),
    );
    await assert.rejects(
      async () => await e.hardResetBranch(R, "main", "main$"),
      engineError("bad_request"),
    );
  });
});
