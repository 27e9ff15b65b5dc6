/**
 * CI-sized fuzzing of the S3 gateway (the full run is `npm run test:fuzz:gateway`): hostile XML,
 * headers, signatures and aws-chunked framing never produce a 5xx (501 excepted), a hang or a
 * crash, and broken signatures never authenticate.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { runGatewayFuzz } from "./gateway-fuzz.js";
import { seedFromEnv } from "./support/random.js";

it("answers hostile S3 requests without a 5xx, crash or hang (CI-sized)", async (t) => {
  const seed = seedFromEnv();
  const result = await runGatewayFuzz({ runs: Number(process.env.GATEWAY_FUZZ_RUNS ?? 400), seed });
  t.diagnostic(`seed ${seed}: ${result.requests} requests ${JSON.stringify(result.statuses)}`);
  assert.deepEqual(result.failures, [], `seed ${seed}`);
  assert.ok((result.statuses["2xx"] ?? 0) > 0, "some generated requests were valid");
  assert.ok((result.statuses["4xx"] ?? 0) > 0, "some generated requests were refused");
});
