/**
 * The quick example: create a repository, write a file with a writer, commit, and read it back.
 * It starts an embedded lakeFS-compatible server in-process so it runs with zero setup; with
 * LAKECTL_SERVER_ENDPOINT_URL and LAKECTL_CREDENTIALS_* set it uses that lakeFS instead
 * (`examples/support/lakefs.ts`), through `new Client()`, which reads them as lakectl does.
 *
 *   npm run demo
 */
import { repository } from "lakefs-ts/node";
import { openExampleTarget } from "./support/lakefs.js";

const target = await openExampleTarget();
try {
  // 1. Configure the client (explicitly here; by default it reads LAKECTL_* or ~/.lakectl.yaml).
  const { client } = target;

  // 2. Create a new repository.
  const { name, storageNamespace } = target.newRepo("my-new-repo");
  const repo = await repository(name, { client }).create(storageNamespace);

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
  await target.close();
}
