/**
 * WAL checkpoints off the HTTP thread. SQLite's automatic checkpoint runs inside whichever commit
 * grows the WAL past 1,000 pages, on that connection's thread, and writes and syncs the database
 * file there: tens of milliseconds on the HTTP thread during a bulk import. The engine turns it
 * off on its connection and instead asks the tree worker for a PASSIVE checkpoint whenever the
 * WAL file has grown past the same size, checked once a second.
 */
import { statSync } from "node:fs";

/** SQLite's own default: 1,000 pages of 4 KiB. */
export const WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024;
const CHECK_INTERVAL_MS = 1000;

export class WalCheckpointer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  /** `checkpoint` runs one checkpoint elsewhere (the tree worker). */
  constructor(
    private readonly walPath: string,
    private readonly checkpoint: () => Promise<unknown>,
    private readonly thresholdBytes = WAL_CHECKPOINT_BYTES,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    // An idle engine must not keep the process alive for its checkpoints.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Runs a checkpoint if the WAL is past the threshold and none is running; errors are dropped (the next check retries). */
  check(): Promise<void> {
    if (this.running) return this.running;
    let size: number;
    try {
      size = statSync(this.walPath).size;
    } catch {
      return Promise.resolve(); // no WAL yet
    }
    if (size < this.thresholdBytes) return Promise.resolve();
    this.running = this.checkpoint()
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
