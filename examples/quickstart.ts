/**
 * The quick example: create a repository, write a file with a writer, commit, and read it back.
 * It starts an embedded lakeFS-compatible server in-process so it runs with zero setup; against a
 * real lakeFS, drop the server and use `new Client()` (reads LAKECTL_* or ~/.lakectl.yaml).
 *
 *   npm run demo
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, repository } from "lakefs-ts/node";
import { QUICKSTART_CREDENTIALS, startServer } from "lakefs-ts-server";

const dataDir = mkdtempSync(join(tmpdir(), "lakefs-quickstart-"));
const server = await startServer({ dataDir, port: 0, quickstart: true });
try {
  // 1. Configure the client (explicitly here; by default it reads LAKECTL_* or ~/.lakectl.yaml).
  const client = new Client({ endpoint: server.url, credentials: QUICKSTART_CREDENTIALS });

  // 2. Create a new repository.
  const repo = await repository("my-new-repo", { client }).create("local://my-new-repo");

  // 3. Get the main branch.
  const main = repo.branch("main");

  // 4. Write a new object to the branch.
  {
    await using writer = main.object("my-file.txt").writer();
    await writer.write("Hello, lakeFS!");
    await writer.close();
  }

  // 5. Commit the changes.
  await main.commit("Add my-file.txt");

  // 6. Read the object back.
  {
    await using reader = main.object("my-file.txt").reader({ mode: "r" });
    console.log(await reader.read()); // Hello, lakeFS!
  }
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
