/**
 * Deletes the staged rows of dropped staging tokens in the background, a batch per event-loop
 * turn. A token is dropped when nothing may read it again: a commit's sealed tokens, a reset or
 * deleted branch's tokens, a deleted repository's, a finished import's spool. Dropping it is one
 * row in `dropped_tokens`, written in the transaction that stops referencing it; deleting its
 * rows there instead held the HTTP thread for as long as that took (a commit of 500,000 changes:
 * one 0.3 s stall). The table is durable, so a sweep cut short by a crash or close resumes when
 * the engine next opens.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Store } from "./store.js";

/** Rows deleted per transaction (one event-loop turn). */
const SWEEP_BATCH = 500;

export class StagingSweeper {
  private sweep: Promise<void> | undefined;
  private running = false;
  private stopped = false;

  constructor(private readonly store: Store) {}

  /**
   * Starts a sweep on a later turn (so outside the caller's transaction) unless one runs: a
   * running sweep reads the next dropped token after each one, so it finds this drop too.
   */
  wake(): void {
    if (this.stopped || this.running) return;
    this.running = true;
    this.sweep = this.run();
  }

  /** Resolves once no sweep is running. */
  async idle(): Promise<void> {
    while (this.running) await this.sweep;
  }

  /** Ends the running sweep after its current batch; later wakes do nothing. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async run(): Promise<void> {
    try {
      await nextTurn();
      for (let token = this.next(); token !== undefined; token = this.next()) {
        while (this.store.deleteStagedChunk(token, SWEEP_BATCH) === SWEEP_BATCH) {
          await nextTurn();
          if (this.stopped) return; // the token stays listed: the next open finishes it
        }
        this.store.forgetDroppedToken(token);
      }
    } catch {
      // Left for the next wake (the next drop, or the next start): the tokens are still listed.
    } finally {
      // Cleared in the same turn as the last read of the table, so no drop can fall in between.
      this.running = false;
    }
  }

  private next(): string | undefined {
    return this.stopped ? undefined : this.store.nextDroppedToken();
  }
}
