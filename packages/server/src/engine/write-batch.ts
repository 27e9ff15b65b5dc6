/**
 * Group commit for staging writes: writes submitted in the same turn of the event loop share one
 * SQLite transaction, so concurrent uploads pay one WAL fsync between them instead of one each,
 * and that fsync runs off the HTTP thread (`Store.durableTransaction`). Each write runs in its own savepoint, so one refused write (a 403, an
 * `If-None-Match` failure) leaves the others in the batch committed. A write's promise settles
 * only after the whole batch has committed: an acknowledged write is durable.
 */
import type { Store } from "./store.js";

interface Pending {
  readonly run: () => void;
  resolve(): void;
  reject(err: unknown): void;
}

export class WriteBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly store: Store) {}

  /** Runs `write` (synchronous SQLite work) in the next batch. */
  submit(write: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ run: write, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Writes whose bytes became durable in this turn (their fsync callbacks) join the batch.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const failures = new Map<Pending, unknown>();
    const db = this.store.db;
    try {
      await this.store.durableTransaction(() => {
        for (const write of batch) {
          try {
            // Nested: a savepoint, rolled back alone when this write throws.
            db.transaction(write.run)();
          } catch (err) {
            failures.set(write, err);
          }
        }
      });
    } catch (err) {
      for (const write of batch) write.reject(err);
      return;
    }
    for (const write of batch) {
      if (failures.has(write)) write.reject(failures.get(write));
      else write.resolve();
    }
  }
}
