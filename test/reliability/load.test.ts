/**
 * CI-sized load run (the full run is `npm run test:load`): 16 writers committing to one branch,
 * 2 mergers merging into it and 2 readers, for a few seconds. Nothing acknowledged may be lost,
 * history must be closed under parents and no read may see half a merge.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { runLoad } from "./load.js";
import { seedFromEnv } from "./support/random.js";

it("keeps every acknowledged write and commit under 20 concurrent clients (CI-sized)", async (t) => {
  const seed = seedFromEnv();
  const result = await runLoad({
    seconds: Number(process.env.LOAD_SECONDS ?? 6),
    writers: 16,
    mergers: 2,
    readers: 2,
    seed,
  });
  t.diagnostic(JSON.stringify({ completed: result.completed, errors: result.errors }));
  assert.deepEqual(result.violations, [], `seed ${seed}`);
  assert.ok((result.completed.upload ?? 0) > 0 && (result.completed.commit ?? 0) > 0);
  const unexpected = Object.keys(result.errors).filter(
    (k) =>
      !/^commit 400 commit: no changes|^merge 400 uncommitted changes|^merge 400 .*no changes| 429 /.test(
        k,
      ),
  );
  assert.deepEqual(unexpected, [], "only contention outcomes lakeFS itself gives");
});
