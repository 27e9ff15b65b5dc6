/**
 * CI-sized schemathesis run (pinned in requirements.txt): generated requests for every operation
 * the server implements, checked for server errors. Skipped, with the reason, when Python 3 with
 * venv is not available. Full run: `bash test/reliability/schemathesis.sh 50`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./schemathesis.sh", import.meta.url));
const python = spawnSync("python3", ["-c", "import venv"], { encoding: "utf8" });
const skip = python.status === 0 ? false : "python3 with the venv module is not installed";

it("schemathesis finds no server error (CI-sized)", { skip }, () => {
  const run = spawnSync(
    "bash",
    [script, process.env.SCHEMATHESIS_EXAMPLES ?? "2", "--phases", "fuzzing"],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const output = `${run.stdout}${run.stderr}`;
  assert.equal(run.status, 0, output.slice(-6000));
  assert.match(output, /Tested: [1-9]\d*/);
});
