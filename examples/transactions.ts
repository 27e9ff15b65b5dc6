/**
 * Transactions: several writes land on a branch together, or not at all.
 *
 *   node --conditions=development --import tsx examples/transactions.ts
 */
import { repository } from "lakefs-ts/node";
import { openExampleTarget } from "./support/lakefs.js";

const target = await openExampleTarget();
try {
  const { client } = target;
  const { name, storageNamespace } = target.newRepo("tx-demo");
  const repo = await repository(name, { client }).create(storageNamespace);
  const main = repo.branch("main");

  // The callback works on a hidden branch; on return it is committed, merged and tagged.
  const rows = await main.transact(
    async (tx) => {
      await tx.object("tables/users/part-0.csv").upload("id\n1\n2\n");
      await tx.object("tables/users/_schema.json").upload('{"id":"int"}');
      return 2;
    },
    { commitMessage: "Load users", commitMetadata: { rows: "2" }, tag: "users-v1" },
  );
  console.log(
    `landed ${rows} rows; tag users-v1 →`,
    (await repo.tag("users-v1").getCommit()).message,
  );

  // A failure inside the callback lands nothing: the hidden branch is dropped.
  try {
    await main.transact(async (tx) => {
      await tx.object("tables/users/part-1.csv").upload("id\n3\n");
      throw new Error("validation failed");
    });
  } catch (error) {
    console.log("rolled back:", (error as Error).message);
  }
  console.log("part-1 exists?", await main.object("tables/users/part-1.csv").exists());

  // A tag that is already taken is refused before the callback runs: nothing is merged.
  try {
    await main.transact(async (tx) => tx.object("x").upload("x"), { tag: "users-v1" });
  } catch (error) {
    console.log("refused:", (error as Error).message);
  }

  // The same with explicit resource management: leaving the block without complete() discards.
  {
    await using tx = await main.startTransaction({ commitMessage: "Add orders" });
    await tx.object("tables/orders/part-0.csv").upload("id\n10\n");
    await tx.complete();
  }
  for await (const commit of main.log({ maxAmount: 2 })) console.log("log:", commit.message);
} finally {
  await target.close();
}
