import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { AddressAllocator } from "../src/block/address.js";
import { encodeXid, XID_PATTERN, XidGenerator } from "../src/block/xid.js";

const twelveBytes = fc.uint8Array({ minLength: 12, maxLength: 12 });
const compareBytes = (a: Uint8Array, b: Uint8Array) =>
  Buffer.compare(Buffer.from(a), Buffer.from(b));
const sign = (n: number) => Math.sign(n);

describe("xid encoding", () => {
  it("matches the reference encoding (base32hex, lower case, no padding)", () => {
    const bytes = [0x4d, 0x88, 0xe1, 0x5b, 0x60, 0xf4, 0x86, 0xe4, 0x28, 0x41, 0x2d, 0xc9];
    assert.equal(encodeXid(Uint8Array.from(bytes)), "9m4e2mr0ui3e8a215n4g");
    assert.equal(encodeXid(new Uint8Array(12)), "00000000000000000000");
    assert.equal(encodeXid(new Uint8Array(12).fill(0xff)), "vvvvvvvvvvvvvvvvvvvg");
  });

  it("is 20 characters of [0-9a-v] for any 12 bytes, and refuses other lengths", () => {
    fc.assert(fc.property(twelveBytes, (bytes) => XID_PATTERN.test(encodeXid(bytes))));
    assert.throws(() => encodeXid(new Uint8Array(11)), /12 bytes/);
    assert.throws(() => encodeXid(new Uint8Array(13)), /12 bytes/);
  });

  it("keeps byte order: encoded strings compare as their bytes do", () => {
    fc.assert(
      fc.property(twelveBytes, twelveBytes, (a, b) => {
        const [x, y] = [encodeXid(a), encodeXid(b)];
        return sign(x < y ? -1 : x > y ? 1 : 0) === sign(compareBytes(a, b));
      }),
    );
  });
});

describe("xid generation", () => {
  it("puts the time first (big-endian) and never repeats within a second", () => {
    const xids = new XidGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(xids.next(1_700_000_000));
    assert.equal(seen.size, 1000);
    // Same machine and process bytes; only the counter moves.
    const prefixes = new Set([...seen].map((x) => x.slice(0, 12)));
    assert.equal(prefixes.size, 1);
    assert.ok(xids.next(1_700_000_001) > xids.next(1_700_000_000));
    // A time beyond 32 bits wraps as Go's uint32 conversion does.
    assert.equal(xids.next(2 ** 32 + 5).slice(0, 7), xids.next(5).slice(0, 7));
  });
});

describe("address allocation", () => {
  const parse = (address: string) => {
    const m = /^data\/([0-9a-v]{20})\/([0-9a-v]{20})$/.exec(address);
    assert.ok(m, address);
    return { partition: m[1]!, name: m[2]! };
  };

  it("issues data/<partition xid>/<name xid> with a fresh name per object", () => {
    const alloc = new AddressAllocator();
    const now = Date.UTC(2026, 0, 1);
    const names = new Set<string>();
    let partition = "";
    for (let i = 0; i < 500; i++) {
      const a = parse(alloc.next(now));
      partition ||= a.partition;
      assert.equal(a.partition, partition);
      names.add(a.name);
    }
    assert.equal(names.size, 500);
  });

  it("starts a new partition every hour, and newer partitions sort first", () => {
    fc.assert(
      fc.property(
        // The 32-bit descending time wraps in 2095 (as lakeFS's does: Go's uint32 conversion).
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2080, 0, 1) }),
        fc.integer({ min: 3_600_000, max: 10 * 365 * 86_400_000 }),
        (start, later) => {
          const alloc = new AddressAllocator();
          const older = parse(alloc.next(start)).partition;
          const sameHour = parse(alloc.next(start + 3_599_999)).partition;
          const newer = parse(alloc.next(start + later)).partition;
          return sameHour === older && newer !== older && newer < older;
        },
      ),
      { numRuns: 200 },
    );
  });

  it("starts a new partition after 50,000 addresses", () => {
    const alloc = new AddressAllocator();
    const now = Date.UTC(2026, 0, 1);
    const first = parse(alloc.next(now)).partition;
    for (let i = 1; i < 50_000; i++) alloc.next(now);
    const next = parse(alloc.next(now)).partition;
    assert.notEqual(next, first);
    // Same second: the descending time is equal, the counter tells them apart.
    assert.equal(next.slice(0, 6), first.slice(0, 6));
  });
});
