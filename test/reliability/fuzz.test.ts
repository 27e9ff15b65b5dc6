/**
 * CI-sized property-based fuzzing of every swagger operation (the full run is `npm run test:fuzz`):
 * no 5xx other than 501 for unimplemented operations, no dropped connection, no hang, bounded
 * memory, and the server still healthy afterwards.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { runFuzz } from "./fuzz.js";
import { seedFromEnv } from "./support/random.js";

it("answers generated requests to every route without a 5xx, crash or hang (CI-sized)", async (t) => {
  const seed = seedFromEnv();
  const result = await runFuzz({ runsPerOperation: Number(process.env.FUZZ_RUNS ?? 10), seed });
  t.diagnostic(`seed ${seed}: ${result.requests} requests ${JSON.stringify(result.statuses)}`);
  assert.deepEqual(result.failures, [], `seed ${seed}`);
  assert.ok(result.operations > 100 && result.requests >= result.operations * 10);
  assert.ok((result.statuses["2xx"] ?? 0) > 0, "some generated requests were valid");
});
