/**
 * CI-sized power-loss run (the full 50-cut run is `npm run test:power-loss`): the server's data
 * directory is on powerfs, the power is cut mid-workload, and every acknowledged write, commit
 * and ref must survive with fsck clean. The negative controls prove the run can fail: with one
 * kind of fsync switched off (test-only LAKEFS_TS_UNSAFE_NO_FSYNC), acknowledged data is lost.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fsck } from "../../packages/server/src/fsck.js";
import { NEGATIVE_CONTROLS, runPowerLossTrials } from "./power-loss.js";
import { expectStatus } from "./support/api.js";
import { fuseUnavailable, PowerFs } from "./support/powerfs.js";
import { seedFromEnv } from "./support/random.js";
import { spawnServer } from "./support/server-process.js";

const unavailable = fuseUnavailable();
if (unavailable) console.warn(`\n!!! SKIPPING the power-loss harness: ${unavailable} !!!\n`);

describe("power loss", { skip: unavailable }, () => {
  it("keeps a first start's data directory, repository and upload (fresh directories synced)", async () => {
    const work = mkdtempSync(join(tmpdir(), "lakefs-ts-power-first-"));
    mkdirSync(join(work, "disk"));
    mkdirSync(join(work, "mnt"));
    let disk = await PowerFs.mount(join(work, "disk"), join(work, "mnt"));
    const dataDir = join(disk.mountpoint, "fresh", "data"); // two levels the server must create
    let server = await spawnServer(dataDir);
    const repo = "/repositories/first";
    await expectStatus(server.endpoint, "POST", "/repositories", 201, {
      json: { name: "first", storage_namespace: "local://first/ns", default_branch: "main" },
    });
    await expectStatus(server.endpoint, "POST", `${repo}/branches/main/objects`, 201, {
      query: { path: "a/b.txt" },
      raw: Buffer.from("acknowledged"),
    });
    await server.kill();
    await disk.cutPower();
    disk = await PowerFs.mount(disk.backing, disk.mountpoint);
    try {
      assert.deepEqual((await fsck(dataDir)).problems, []);
      server = await spawnServer(dataDir);
      const got = await expectStatus(server.endpoint, "GET", `${repo}/refs/main/objects`, 200, {
        query: { path: "a/b.txt" },
      });
      assert.equal(got.bytes.toString(), "acknowledged");
      await server.stop();
    } finally {
      await disk.unmount();
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("loses nothing acknowledged across power cuts (CI-sized)", async (t) => {
    const seed = seedFromEnv();
    const result = await runPowerLossTrials({
      trials: Number(process.env.POWER_TRIALS ?? 4),
      clients: 3,
      maxRunMs: 1500,
      seed,
      log: (line) => t.diagnostic(line),
    });
    t.diagnostic(`seed ${seed}`);
    assert.deepEqual(result.lost, [], `seed ${seed}, disk left in ${result.dataDir}`);
    assert.equal(result.kills, result.trials);
    assert.ok((result.acknowledged.upload ?? 0) > 0, "the workload made progress before the cuts");
  });

  for (const unsafe of NEGATIVE_CONTROLS) {
    it(`notices lost writes when the server skips ${unsafe} fsyncs (negative control)`, async (t) => {
      const seed = seedFromEnv();
      const result = await runPowerLossTrials({
        trials: 3,
        clients: 3,
        maxRunMs: 1500,
        seed,
        unsafe,
        log: (line) => t.diagnostic(line),
      });
      t.diagnostic(`seed ${seed}; first losses: ${result.lost.slice(0, 3).join(" | ")}`);
      assert.ok(result.lost.length > 0, `seed ${seed}: no loss noticed without ${unsafe} fsyncs`);
      rmSync(join(result.dataDir, "..", ".."), { recursive: true, force: true });
    });
  }
});
