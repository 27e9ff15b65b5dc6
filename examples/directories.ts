/**
 * Directories: upload a local tree, re-run (nothing moves), download it elsewhere, then work in
 * a lakectl-compatible local checkout (clone, edit, status, commit, pull).
 *
 *   node --conditions=development --import tsx examples/directories.ts
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Client,
  downloadDirectory,
  localClone,
  localCommit,
  localPull,
  localStatus,
  repository,
  uploadDirectory,
} from "lakefs-ts/node";
import { QUICKSTART_CREDENTIALS, startServer } from "lakefs-ts-server";

const work = mkdtempSync(join(tmpdir(), "lakefs-directories-"));
const server = await startServer({ dataDir: join(work, "server"), port: 0, quickstart: true });
try {
  const client = new Client({ endpoint: server.url, credentials: QUICKSTART_CREDENTIALS });
  const repo = await repository("directories-demo", { client }).create("local://directories-demo");
  const main = repo.branch("main");

  // A small dataset on disk.
  const dataset = join(work, "dataset");
  mkdirSync(join(dataset, "images"), { recursive: true });
  writeFileSync(join(dataset, "labels.csv"), "file,label\na.png,cat\n");
  for (const name of ["a", "b", "c"]) writeFileSync(join(dataset, "images", `${name}.png`), name);

  const first = await uploadDirectory(dataset, main, "datasets/pets/", {
    onChange: (change) => console.log(`  ${change.action} ${change.key}`),
  });
  console.log("first upload:", first);
  console.log("second upload:", await uploadDirectory(dataset, main, "datasets/pets/"));
  await main.commit("pets dataset");

  const copy = join(work, "copy");
  console.log("download:", await downloadDirectory(main, "datasets/pets/", copy));

  // A checkout bound to the prefix, as `lakectl local clone` makes one.
  const checkout = join(work, "checkout");
  await localClone("lakefs://directories-demo/main/datasets/pets/", checkout, { client });
  appendFileSync(join(checkout, "labels.csv"), "b.png,dog\n");
  writeFileSync(join(checkout, "images", "d.png"), "d");
  const status = await localStatus(checkout, { client });
  console.log("local changes:", status.local);
  const { commitId } = await localCommit(checkout, "label b, add d", { client });
  console.log("committed", commitId);

  // Another copy catches up.
  const other = join(work, "other");
  await localClone("lakefs://directories-demo/main/datasets/pets/", other, { client });
  await main.object("datasets/pets/images/e.png").upload("e");
  await main.commit("add e");
  const pulled = await localPull(other, { client });
  console.log("pulled:", pulled.summary, "now at", pulled.checkout.atHead.slice(0, 12));
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
