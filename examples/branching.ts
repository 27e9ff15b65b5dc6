/**
 * Branches, commits, diffs, merges, tags, reverts and history: the version-control calls.
 * Runs against the lakeFS in LAKECTL_* when set, else an embedded server started in-process.
 *
 *   node --conditions=development --import tsx examples/branching.ts
 */
import { ConflictError, repository } from "lakefs-ts/node";
import { openExampleTarget } from "./support/lakefs.js";

const target = await openExampleTarget();
try {
  const { client } = target;
  const { name, storageNamespace } = target.newRepo("branching-demo");
  const repo = await repository(name, { client }).create(storageNamespace);
  const main = repo.branch("main");
  await main.object("data/a.csv").upload("id,value\n1,one\n");
  await main.commit("Add a.csv", { metadata: { source: "example" } });

  // Work on a feature branch without touching main.
  const feature = await repo.branch("feature").create(main);
  await feature.object("data/b.csv").upload("id,value\n2,two\n");
  for await (const change of feature.uncommitted())
    console.log("uncommitted:", change.type, change.path);
  await feature.commit("Add b.csv");

  // What would merging bring? (three-dot diff: changes on feature since it left main)
  for await (const change of main.diff(feature)) console.log("diff:", change.type, change.path);
  const mergeCommit = await feature.mergeInto(main, { message: "Merge feature" });
  console.log("merged as", mergeCommit.id.slice(0, 12), mergeCommit.message);

  // Tags are immutable names for commits.
  const release = await repo.tag("v1").create(main);
  console.log("v1 →", (await release.getCommit()).id.slice(0, 12));

  // Conflicting changes are reported, not silently resolved…
  await feature.object("data/a.csv").upload("id,value\n1,uno\n");
  await feature.commit("Translate a.csv");
  await main.object("data/a.csv").upload("id,value\n1,eins\n");
  await main.commit("Übersetzen a.csv");
  try {
    await feature.mergeInto(main);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    console.log("conflict:", error.message);
  }
  // …unless a strategy says who wins.
  await feature.mergeInto(main, { strategy: "source-wins" });
  console.log("a.csv is now:", JSON.stringify(await main.object("data/a.csv").text()));

  // Undo the last merge with a revert commit (parent 1 = main's side of the merge).
  const reverted = await main.revert(main, { parentNumber: 1 });
  console.log("revert commit:", reverted.message);

  // History is a lazy listing; take the newest five.
  for await (const commit of main.log({ maxAmount: 5 })) {
    console.log(commit.creationDate.toISOString(), commit.id.slice(0, 12), commit.message);
  }
} finally {
  await target.close();
}
