/**
 * Lazy listings over lakeFS's `{pagination, results}` endpoints: iterate items with
 * `for await`, or walk `.pages()` and keep `nextOffset` to resume later with `after`.
 */
import type { CallOptions, HttpClient, QueryValue } from "./api/http.js";
import type { Schema } from "./api/index.js";
import { InvalidArgumentError } from "./errors.js";

/** Options common to every listing. */
export interface ListOptions extends CallOptions {
  /** Stop after this many items in total (0 yields nothing). Default: everything. */
  readonly maxAmount?: number;
  /** Start after this key (exclusive): a `nextOffset` from an earlier page, a path, or an id. */
  readonly after?: string;
  /** Items per request, 1–1000 (the server's maximum); default 1000. */
  readonly pageSize?: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `after` to continue from here; undefined when nothing follows. */
  readonly nextOffset: string | undefined;
  readonly hasMore: boolean;
}

/** One page as the server sends it. */
export interface WirePage<W> {
  readonly pagination: Schema<"Pagination">;
  readonly results: readonly W[];
}

/** Fetches one page starting after `after` with at most `amount` results. */
export type PageFetcher<W> = (
  page: { readonly after: string | undefined; readonly amount: number },
  call: CallOptions,
) => Promise<WirePage<W>>;

/**
 * The page fetcher of a GET listing endpoint: `after` and `amount`, then the listing's own query.
 * `client.http` is read per request, so a listing resolves configuration when first iterated.
 */
export function getPages<W>(
  client: { readonly http: HttpClient },
  route: string,
  query: Readonly<Record<string, QueryValue>> = {},
): PageFetcher<W> {
  return ({ after, amount }, call) =>
    client.http.request<WirePage<W>>(
      { method: "GET", path: route, query: { after, amount, ...query }, expect: "json" },
      call,
    );
}

const MAX_PAGE_SIZE = 1000;

/** A lazy, re-iterable listing. Nothing is fetched until iteration starts. */
export class Listing<T, W = unknown> implements AsyncIterable<T> {
  private readonly maxAmount: number;
  private readonly pageSize: number;

  /**
   * @param keyOf the cursor value of a wire item (its path or id), used to resume a page that
   *   `maxAmount` cut short.
   */
  constructor(
    private readonly fetchPage: PageFetcher<W>,
    private readonly convert: (item: W) => T,
    private readonly keyOf: (item: W) => string,
    private readonly options: ListOptions = {},
  ) {
    this.maxAmount = options.maxAmount ?? Number.POSITIVE_INFINITY;
    if (
      !(this.maxAmount >= 0) ||
      (Number.isFinite(this.maxAmount) && !Number.isInteger(this.maxAmount))
    ) {
      throw new InvalidArgumentError(
        `maxAmount must be a non-negative integer: ${options.maxAmount}`,
      );
    }
    this.pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize > MAX_PAGE_SIZE) {
      throw new InvalidArgumentError(
        `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}: ${options.pageSize}`,
      );
    }
  }

  /** Pages in order, each fetched when the previous one has been consumed. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    const call: CallOptions = { signal: this.options.signal, timeout: this.options.timeout };
    let after = this.options.after;
    let remaining = this.maxAmount;
    while (remaining > 0) {
      const amount = Math.min(this.pageSize, remaining);
      const page = await this.fetchPage({ after, amount }, call);
      const cut = page.results.length > remaining;
      const results = cut ? page.results.slice(0, remaining) : page.results;
      remaining -= results.length;
      const last = results.at(-1);
      const serverHasMore = page.pagination.has_more && page.pagination.next_offset !== "";
      const hasMore = cut ? last !== undefined : serverHasMore;
      const nextOffset =
        cut && last !== undefined
          ? this.keyOf(last)
          : serverHasMore
            ? page.pagination.next_offset
            : undefined;
      yield { items: results.map(this.convert), nextOffset, hasMore };
      // A server that repeats its cursor would loop forever; treat it as the end.
      if (!hasMore || nextOffset === after) return;
      after = nextOffset;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Collects every item (bounded by `maxAmount`). */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}
