/**
 * Group commit for staging writes: writes submitted in the same turn of the event loop share one
 * SQLite transaction, so concurrent uploads pay one WAL fsync (synchronous = FULL) between them
 * instead of one each. Each write runs in its own savepoint, so one refused write (a 403, an
 * `If-None-Match` failure) leaves the others in the batch committed. A write's promise settles
 * only after the whole batch has committed: an acknowledged write is durable.
 */
import type Database from "better-sqlite3";

interface Pending {
  readonly run: () => void;
  resolve(): void;
  reject(err: unknown): void;
}

export class WriteBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: Database.Database) {}

  /** Runs `write` (synchronous SQLite work) in the next batch. */
  submit(write: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ run: write, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Writes whose bytes became durable in this turn (their fsync callbacks) join the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const failures = new Map<Pending, unknown>();
    try {
      this.db
        .transaction(() => {
          for (const write of batch) {
            try {
              // Nested: a savepoint, rolled back alone when this write throws.
              this.db.transaction(write.run)();
            } catch (err) {
              failures.set(write, err);
            }
          }
        })
        .immediate();
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
