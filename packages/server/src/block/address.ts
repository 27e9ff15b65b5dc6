/**
 * New physical addresses: `data/<partition>/<id>`, unique per write (lakeFS never content-addresses
 * object data). Partitions are named by a time counting down to the year 4000, so newer partitions
 * sort first in a listing; a new one starts every hour or every 50,000 addresses to keep
 * directories small.
 */
import { randomBytes } from "node:crypto";

const YEAR_4000_MS = Date.UTC(4000, 0, 1);
const PARTITION_MAX_AGE_MS = 60 * 60 * 1000;
const PARTITION_MAX_ADDRESSES = 50_000;

export class AddressAllocator {
  private partition = "";
  private openedAt = 0;
  private issued = 0;

  /** A fresh address relative to a storage namespace. */
  next(now = Date.now()): string {
    if (
      this.partition === "" ||
      this.issued >= PARTITION_MAX_ADDRESSES ||
      now - this.openedAt >= PARTITION_MAX_AGE_MS
    ) {
      this.partition = String(YEAR_4000_MS - now).padStart(14, "0");
      this.openedAt = now;
      this.issued = 0;
    }
    this.issued++;
    return `data/${this.partition}/${randomBytes(16).toString("hex")}`;
  }
}
