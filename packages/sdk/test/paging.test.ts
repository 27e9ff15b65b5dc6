import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError } from "../src/errors.js";
import { Listing, type PageFetcher } from "../src/paging.js";

/** A fake endpoint over sorted keys with lakeFS paging semantics (`after` exclusive). */
function fakeEndpoint(keys: string[]) {
  const requests: { after: string | undefined; amount: number }[] = [];
  const fetchPage: PageFetcher<{ id: string }> = async ({ after, amount }) => {
    requests.push({ after, amount });
    const start = after === undefined ? 0 : keys.findIndex((k) => k > after);
    const from = start === -1 ? keys.length : start;
    const results = keys.slice(from, from + amount).map((id) => ({ id }));
    const hasMore = from + amount < keys.length;
    return {
      pagination: {
        has_more: hasMore,
        next_offset: hasMore ? (results.at(-1)?.id ?? "") : "",
        results: results.length,
        max_per_page: 1000,
      },
      results,
    };
  };
  return { fetchPage, requests };
}

const keys = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, "0")}`);
const listing = (fetchPage: PageFetcher<{ id: string }>, options = {}) =>
  new Listing(
    fetchPage,
    (w) => w.id.toUpperCase(),
    (w) => w.id,
    options,
  );

describe("Listing", () => {
  it("is lazy and walks every page", async () => {
    const { fetchPage, requests } = fakeEndpoint(keys);
    const list = listing(fetchPage, { pageSize: 10 });
    assert.equal(requests.length, 0);
    const all = await list.toArray();
    assert.deepEqual(
      all,
      keys.map((k) => k.toUpperCase()),
    );
    assert.deepEqual(
      requests.map((r) => r.after),
      [undefined, "k09", "k19"],
    );
  });

  it("yields nothing for maxAmount 0 and stops at maxAmount", async () => {
    const { fetchPage, requests } = fakeEndpoint(keys);
    assert.deepEqual(await listing(fetchPage, { maxAmount: 0 }).toArray(), []);
    assert.equal(requests.length, 0);
    const some = await listing(fetchPage, { maxAmount: 12, pageSize: 5 }).toArray();
    assert.equal(some.length, 12);
    assert.deepEqual(
      requests.map((r) => r.amount),
      [5, 5, 2],
    );
  });

  it("starts after a given key", async () => {
    const { fetchPage } = fakeEndpoint(keys);
    assert.deepEqual(await listing(fetchPage, { after: "k22" }).toArray(), ["K23", "K24"]);
  });

  it("exposes pages with resumable cursors", async () => {
    const { fetchPage } = fakeEndpoint(keys);
    const pages = [];
    for await (const page of listing(fetchPage, { pageSize: 10, maxAmount: 15 }).pages())
      pages.push(page);
    assert.deepEqual(
      pages.map((p) => [p.items.length, p.nextOffset, p.hasMore]),
      [
        [10, "k09", true],
        [5, "k14", true],
      ],
    );
    // Resume from the saved cursor.
    const rest = await listing(fetchPage, { after: pages[1]!.nextOffset }).toArray();
    assert.deepEqual(rest[0], "K15");
    assert.equal(rest.length, 10);
  });

  it("cuts a page the server over-filled and keeps a resumable cursor", async () => {
    const { fetchPage: honest } = fakeEndpoint(keys);
    const overfill: PageFetcher<{ id: string }> = (page, call) =>
      honest({ ...page, amount: 10 }, call);
    const pages = [];
    for await (const page of listing(overfill, { maxAmount: 3 }).pages()) pages.push(page);
    assert.deepEqual(pages[0], { items: ["K00", "K01", "K02"], nextOffset: "k02", hasMore: true });
  });

  it("stops when the server repeats its cursor", async () => {
    let calls = 0;
    const stuck: PageFetcher<{ id: string }> = async () => {
      calls += 1;
      return {
        pagination: { has_more: true, next_offset: "same", results: 1, max_per_page: 1 },
        results: [{ id: "same" }],
      };
    };
    assert.deepEqual(await listing(stuck, { after: "x" }).toArray(), ["SAME", "SAME"]);
    assert.equal(calls, 2);
  });

  it("validates maxAmount and pageSize", () => {
    const { fetchPage } = fakeEndpoint(keys);
    assert.throws(() => listing(fetchPage, { maxAmount: -1 }), InvalidArgumentError);
    assert.throws(() => listing(fetchPage, { maxAmount: 1.5 }), InvalidArgumentError);
    assert.throws(() => listing(fetchPage, { pageSize: 0 }), InvalidArgumentError);
    assert.throws(() => listing(fetchPage, { pageSize: 1001 }), InvalidArgumentError);
  });
});
