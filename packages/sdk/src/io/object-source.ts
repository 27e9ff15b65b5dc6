/**
 * Range sources for stored objects: proxied through lakeFS, or straight from the storage through
 * a presigned URL when the server supports it (decided on first use, not at construction).
 */
import type { CallOptions } from "../api/http.js";
import { ServerError } from "../errors.js";
import { getRange, type ObjectLocation, statObject } from "./object-api.js";
import type { RangeResponse, RangeSource } from "./reader.js";
import { isServerRuntime } from "./runtime.js";
import { storageFor } from "./storage.js";

/** Refresh a presigned URL this long before it expires. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * A source for `location`. `preSign` true forces presigned reads, false forces proxied reads,
 * undefined follows the server's `pre_sign_support`.
 */
export function objectRangeSource(location: ObjectLocation, preSign?: boolean): RangeSource {
  return new ObjectRangeSource(location, preSign);
}

class ObjectRangeSource implements RangeSource {
  readonly #location: ObjectLocation;
  #preSign: boolean | undefined;
  #url: { href: string; expiresAt: number } | undefined;

  constructor(location: ObjectLocation, preSign: boolean | undefined) {
    this.#location = location;
    this.#preSign = preSign;
  }

  async open(start: number, length: number | undefined, call: CallOptions): Promise<RangeResponse> {
    this.#preSign ??= (
      await storageFor(this.#location.client, this.#location.repository, call)
    ).preSignSupport;
    if (!this.#preSign) return getRange(this.#location, start, length, call);
    if (start === 0 && length === undefined && this.#url === undefined && isServerRuntime()) {
      // A whole read (bytes, text, stream) needs no URL of its own: lakeFS answers 302 to a fresh
      // presigned one, which the transport follows — one stat request and its parsing saved.
      // (Not in browsers: after a cross-origin redirect they send `Origin: null` to the storage.)
      return getRange(this.#location, 0, undefined, call, { redirect: true });
    }
    const url = await this.#presignedUrl(call);
    try {
      return await getRange(this.#location, start, length, call, { url });
    } catch (error) {
      // An expired or revoked URL: get a new one once.
      if (!(error instanceof ServerError) || error.status !== 403) throw error;
      this.#url = undefined;
      return getRange(this.#location, start, length, call, { url: await this.#presignedUrl(call) });
    }
  }

  async size(call: CallOptions): Promise<number> {
    const stats = await statObject(this.#location, { userMetadata: false }, call);
    return stats.size_bytes ?? 0;
  }

  async #presignedUrl(call: CallOptions): Promise<string> {
    if (this.#url && this.#url.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return this.#url.href;
    const stats = await statObject(this.#location, { presign: true, userMetadata: false }, call);
    const expiry = stats.physical_address_expiry;
    this.#url = {
      href: stats.physical_address,
      expiresAt: expiry === undefined ? Number.POSITIVE_INFINITY : expiry * 1000,
    };
    return this.#url.href;
  }
}
