import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  type Branch,
  type Client,
  ConflictError,
  type Repository,
  TransactionBranch,
  TransactionError,
} from "lakefs-ts";
import { createRepo, openTarget, type TestTarget } from "../support/lakefs.js";

describe("transactions", () => {
  let target: TestTarget;
  let client: Client;
  let repo: Repository;
  let main: Branch;

  before(async () => {
    target = await openTarget();
    client = target.client();
  });
  after(() => target?.close());
  beforeEach(async () => {
    repo = await createRepo(target, client);
    main = repo.branch("main");
  });

  const allBranches = async () =>
    (await repo.branches({ showHidden: true }).toArray()).map((b) => b.id);

  it("lands the work as a commit plus a merge, and removes the hidden branch", async () => {
    let txId = "";
    const result = await main.transact(
      async (tx) => {
        assert.ok(tx instanceof TransactionBranch);
        txId = tx.id;
        assert.match(tx.id, /^tx-[0-9a-f-]{36}$/);
        assert.equal(tx.sourceId, "main");
        assert.deepEqual(
          (await repo.branches().toArray()).map((b) => b.id),
          ["main"],
        );
        await tx.object("in-tx.txt").upload("tx data");
        assert.equal(await main.object("in-tx.txt").exists(), false);
        return 42;
      },
      { commitMessage: "tx work", commitMetadata: { who: "test" } },
    );
    assert.equal(result, 42);
    const [merge, work] = await main.log({ maxAmount: 2 }).toArray();
    assert.equal(merge?.message, `Merge transaction ${txId} to branch`);
    assert.equal(work?.message, "tx work");
    assert.deepEqual(work?.metadata, { who: "test" });
    assert.equal(await main.object("in-tx.txt").text(), "tx data");
    assert.deepEqual(await allBranches(), ["main"]);
  });

  it("lands an empty transaction", async () => {
    const before = await main.getCommit();
    await main.transact(async () => {});
    const [merge] = await main.log({ maxAmount: 1 }).toArray();
    assert.notEqual(merge?.id, before.id);
    assert.deepEqual(await main.objects().toArray(), []);
  });

  it("rethrows the callback's error, lands nothing, and deletes the branch", async () => {
    const before = await main.getCommit();
    const boom = new Error("boom");
    await assert.rejects(
      main.transact(async (tx) => {
        await tx.object("never.txt").upload("x");
        throw boom;
      }),
      (e: unknown) => e === boom,
    );
    assert.equal((await main.getCommit()).id, before.id);
    assert.deepEqual(await allBranches(), ["main"]);
  });

  it("keeps the branch for debugging when deleteBranchOnError is false", async () => {
    let txId = "";
    await assert.rejects(
      main.transact(
        async (tx) => {
          txId = tx.id;
          throw new Error("keep it");
        },
        { deleteBranchOnError: false },
      ),
      /keep it/,
    );
    assert.deepEqual(await allBranches(), ["main", txId].sort());
  });

  it("fails with TransactionError when the merge conflicts, landing nothing", async () => {
    await main.object("shared.txt").upload("base");
    await main.commit("base");
    await assert.rejects(
      main.transact(async (tx) => {
        await tx.object("shared.txt").upload("from tx");
        // Someone else changes the same path on the source meanwhile.
        await main.object("shared.txt").upload("from main");
        await main.commit("concurrent");
      }),
      (e: unknown) => {
        assert.ok(e instanceof TransactionError);
        assert.ok(e.cause instanceof ConflictError);
        assert.match(e.transactionBranch, /^tx-/);
        return true;
      },
    );
    assert.equal(await main.object("shared.txt").text(), "from main");
    assert.deepEqual(await allBranches(), ["main"]);
  });

  it("refuses to land on a dirty source branch", async () => {
    await assert.rejects(
      main.transact(async (tx) => {
        await tx.object("a").upload("a");
        await main.object("dirty").upload("d");
      }),
      (e: unknown) => e instanceof TransactionError && /dirty/.test(e.message),
    );
    assert.deepEqual(await allBranches(), ["main"]);
  });

  it("tags the merge commit, and refuses up front when the tag exists", async () => {
    await main.transact(async (tx) => tx.object("t").upload("t"), { tag: "release-1" });
    assert.equal((await repo.tag("release-1").getCommit()).id, (await main.getCommit()).id);
    const before = await main.getCommit();
    let ran = false;
    await assert.rejects(
      main.transact(
        async () => {
          ran = true;
        },
        { tag: "release-1" },
      ),
      ConflictError,
    );
    assert.equal(ran, false);
    assert.equal((await main.getCommit()).id, before.id);
  });

  it("checks the tag again before merging, so a late tag lands nothing", async () => {
    const before = await main.getCommit();
    await assert.rejects(
      main.transact(
        async (tx) => {
          await tx.object("late").upload("x");
          await repo.tag("late-tag").create("main");
        },
        { tag: "late-tag" },
      ),
      (e: unknown) => e instanceof TransactionError && e.cause instanceof ConflictError,
    );
    assert.equal((await main.getCommit()).id, before.id);
    assert.deepEqual(await allBranches(), ["main"]);
  });

  it("supports await using: complete() lands, leaving the scope discards", async () => {
    {
      await using tx = await main.startTransaction({ commitMessage: "scoped" });
      await tx.object("scoped.txt").upload("s");
      const landed = await tx.complete();
      assert.deepEqual(landed, await main.getCommit(), "complete() returns the merge commit");
      assert.equal(landed.parents.length, 2);
      await assert.rejects(tx.complete(), TransactionError);
    }
    assert.equal(await main.object("scoped.txt").text(), "s");
    {
      await using tx = await main.startTransaction();
      await tx.object("dropped.txt").upload("d");
    }
    assert.equal(await main.object("dropped.txt").exists(), false);
    assert.deepEqual(await allBranches(), ["main"]);
  });
});

describe("transaction handle", () => {
  it("discard() drops the work and cannot be completed afterwards", async () => {
    const target = await openTarget();
    try {
      const repo = await createRepo(target, target.client());
      const main = repo.branch("main");
      const before = await main.getCommit();
      const tx = await main.startTransaction({ commitMessage: "never" });
      await tx.object("x").upload("x");
      assert.deepEqual(
        (await tx.uncommitted().toArray()).map((c) => c.path),
        ["x"],
      );
      await tx.discard();
      await assert.rejects(tx.complete(), TransactionError);
      assert.equal((await main.getCommit()).id, before.id);
      assert.deepEqual(
        (await repo.branches({ showHidden: true }).toArray()).map((b) => b.id),
        ["main"],
      );
    } finally {
      await target.close();
    }
  });
});
