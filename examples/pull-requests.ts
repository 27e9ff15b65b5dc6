/**
 * Pull requests: propose a change on a branch, review what it changes, merge it. The merge is a
 * normal lakeFS merge (hooks, conflicts), and the pull request remembers its merge commit.
 *
 *   node --conditions=development --import tsx examples/pull-requests.ts
 */
import { repository } from "lakefs-ts/node";
import { openExampleTarget } from "./support/lakefs.js";

// The lakeFS in LAKECTL_*, else an embedded server.
const target = await openExampleTarget();
try {
  const { client } = target;
  const { name, storageNamespace } = target.newRepo("pulls-demo");
  const repo = await repository(name, { client }).create(storageNamespace);

  const cleanup = await repo.branch("fix-visits").create("main");
  await cleanup.object("data/visits.csv").upload("day,visits\nmon,10\ntue,12\n");
  await cleanup.commit("Fill in Tuesday's visits");

  const pr = await repo.pullRequests.create("Fix visits", cleanup, "main", {
    description: "Tuesday was missing.",
  });
  console.log(`opened ${pr.id}: ${pr.title} (${pr.sourceBranch} → ${pr.destinationBranch})`);
  for await (const change of repo.branch("main").diff(cleanup)) {
    console.log(`  ${change.type} ${change.path}`);
  }

  const commit = await pr.merge();
  const merged = await pr.refresh();
  console.log(`${merged.status} as ${commit.id.slice(0, 12)} — ${commit.message}`);
  for await (const p of repo.pullRequests.list({ status: "closed" })) {
    console.log(`closed or merged: ${p.id} ${p.title} [${p.status}]`);
  }
} finally {
  await target.close();
}
