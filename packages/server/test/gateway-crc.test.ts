/** CRC-32C and CRC-64/NVME: the catalogue check values, and chunking never changes the result. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { Crc64Nvme, crc32c } from "../src/gateway/crc.js";

const CHECK_INPUT = Buffer.from("123456789");

test("CRC-32C and CRC-64/NVME give the published check values", () => {
  assert.equal(crc32c(CHECK_INPUT), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  const crc = new Crc64Nvme();
  crc.update(CHECK_INPUT);
  assert.equal(crc.digest().toString("hex"), "ae8b14860a799888");
  assert.equal(new Crc64Nvme().digest().toString("hex"), "0000000000000000");
});

test("feeding bytes in pieces of any size gives the checksum of the whole", () => {
  const data = randomBytes(100_003);
  const whole64 = new Crc64Nvme();
  whole64.update(data);
  for (const piece of [1, 3, 8, 13, 4096]) {
    let running = 0;
    const pieces64 = new Crc64Nvme();
    for (let i = 0; i < data.length; i += piece) {
      running = crc32c(data.subarray(i, i + piece), running);
      pieces64.update(data.subarray(i, i + piece));
    }
    assert.equal(running, crc32c(data), `crc32c in ${piece}-byte pieces`);
    assert.deepEqual(pieces64.digest(), whole64.digest(), `crc64nvme in ${piece}-byte pieces`);
  }
});
