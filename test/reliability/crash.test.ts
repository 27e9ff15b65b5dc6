/**
 * CI-sized crash-consistency run (the full 50-trial run is `npm run test:crash`): the server is
 * SIGKILLed mid-workload, fsck must pass, and every acknowledged write, commit and ref must
 * survive the restart.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { runCrashTrials } from "./crash.js";
import { seedFromEnv } from "./support/random.js";

it("loses nothing acknowledged across kill -9 restarts (CI-sized)", async (t) => {
  const seed = seedFromEnv();
  const result = await runCrashTrials({
    trials: Number(process.env.CRASH_TRIALS ?? 4),
    clients: 3,
    maxRunMs: 1500,
    seed,
    log: (line) => t.diagnostic(line),
  });
  t.diagnostic(`seed ${seed}`);
  assert.deepEqual(result.lost, [], `seed ${seed}, data left in ${result.dataDir}`);
  assert.equal(result.kills, result.trials);
  const acknowledged = Object.values(result.acknowledged).reduce((a, b) => a + b, 0);
  assert.ok(acknowledged > 0, "the workload made progress before the kills");
});
