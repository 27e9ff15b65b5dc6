/**
 * New physical addresses in lakeFS's shape: `data/<partition>/<name>`, unique per write (lakeFS
 * never content-addresses object data). Both parts are xids (xid.ts): the name a fresh one per
 * object, the partition one made from a time counting down to the year 4000, so newer
 * partitions sort first in a listing; a new partition starts every hour or every 50,000
 * addresses to keep directories small. Addresses written by earlier versions
 * (`data/<14 digits>/<32 hex>`) stay valid: reads take any address inside the namespace.
 */
import { XidGenerator } from "./xid.js";

const YEAR_4000_SECONDS = Date.UTC(4000, 0, 1) / 1000;
const PARTITION_MAX_AGE_MS = 60 * 60 * 1000;
const PARTITION_MAX_ADDRESSES = 50_000;

export class AddressAllocator {
  private readonly xids = new XidGenerator();
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
      // Kept to 32 bits like lakeFS's (Go's uint32 conversion): descending until 2095.
      this.partition = this.xids.next(YEAR_4000_SECONDS - Math.floor(now / 1000));
      this.openedAt = now;
      this.issued = 0;
    }
    this.issued++;
    return `data/${this.partition}/${this.xids.next(Math.floor(now / 1000))}`;
  }
}
