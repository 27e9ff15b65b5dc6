/**
 * Makes committed SQLite transactions durable without blocking the HTTP thread. Transactions
 * committed with synchronous = NORMAL (`Store.unsyncedTransaction`) are consistent but sit in the
 * WAL file unsynced; syncing that file (on libuv's pool) makes them, and everything committed
 * before them, durable — what synchronous = FULL does inside the commit, on the calling thread.
 * Concurrent callers share syncs: a caller waits for a sync that started after it asked.
 */
import { open } from "node:fs/promises";
import { unsafeSkipFsync } from "../core/durable.js";

export class WalSync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  /** `flush` syncs the WAL once (the default: fdatasync of `<database>-wal`). */
  constructor(private readonly flush: () => Promise<void>) {}

  /** A syncer for the WAL of the database file `dbPath`. */
  static forDatabase(dbPath: string): WalSync {
    return new WalSync(async () => {
      if (unsafeSkipFsync("sqlite")) return;
      const wal = await open(`${dbPath}-wal`, "r");
      try {
        await wal.datasync();
      } finally {
        await wal.close();
      }
    });
  }

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (this.running === undefined) {
      this.running = this.flush().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    // The running sync may have started before our commit: wait for the one after it.
    this.next ??= this.running
      .catch(() => {})
      .then(() => {
        this.next = undefined;
        return this.sync();
      });
    return this.next;
  }
}
