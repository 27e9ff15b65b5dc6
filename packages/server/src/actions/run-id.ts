/**
 * Run ids as lakeFS makes them: an xid (12 bytes, 20 base32hex characters) whose time is the
 * seconds left until the year 3000, so newer runs sort first; hook-run ids are
 * `<action index>_<hook index>`, four digits each.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuv";
const YEAR_3000_SECONDS = Date.UTC(3000, 0, 1) / 1000;
const machineAndProcess = randomBytes(5);
let counter = randomBytes(3).readUIntBE(0, 3);

function base32hex(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** A new run id; ids made later sort before earlier ones. */
export function newRunId(nowMs: number = Date.now()): string {
  const id = new Uint8Array(12);
  const view = new DataView(id.buffer);
  view.setUint32(0, Math.max(0, YEAR_3000_SECONDS - Math.floor(nowMs / 1000)));
  id.set(machineAndProcess, 4);
  counter = (counter + 1) & 0xffffff;
  id[9] = counter >>> 16;
  id[10] = (counter >>> 8) & 0xff;
  id[11] = counter & 0xff;
  return base32hex(id);
}

export function hookRunId(actionIndex: number, hookIndex: number): string {
  return `${String(actionIndex).padStart(4, "0")}_${String(hookIndex).padStart(4, "0")}`;
}
