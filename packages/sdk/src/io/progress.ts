/** Transfer progress reporting. */

/** A progress snapshot: bytes transferred so far and, when known, the total. */
export interface Progress {
  readonly loadedBytes: number;
  readonly totalBytes?: number;
}

export type ProgressCallback = (progress: Progress) => void;

/**
 * Accumulates transferred bytes and reports each change. Callback errors are swallowed: a broken
 * progress bar must not fail a transfer.
 */
export class ProgressTracker {
  #loaded = 0;
  readonly #total: number | undefined;
  readonly #callback: ProgressCallback | undefined;

  constructor(callback: ProgressCallback | undefined, totalBytes?: number) {
    this.#callback = callback;
    this.#total = totalBytes;
  }

  get loadedBytes(): number {
    return this.#loaded;
  }

  /** Whether anyone listens (so callers can skip work done only for progress). */
  get wantsUpdates(): boolean {
    return this.#callback !== undefined;
  }

  /** Records `bytes` more transferred and notifies the callback. */
  add(bytes: number): void {
    if (bytes <= 0) return;
    this.#loaded += bytes;
    this.#notify();
  }

  /** Reports the current state once (e.g. a zero-byte transfer that completed). */
  report(): void {
    this.#notify();
  }

  #notify(): void {
    if (!this.#callback) return;
    const progress: Progress =
      this.#total === undefined
        ? { loadedBytes: this.#loaded }
        : { loadedBytes: this.#loaded, totalBytes: this.#total };
    try {
      this.#callback(progress);
    } catch {
      // ignored on purpose, see class comment
    }
  }
}

/** Passes chunks through, counting them into `tracker` as they are consumed. */
export async function* counted(
  chunks: AsyncIterable<Uint8Array>,
  tracker: ProgressTracker,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    yield chunk;
    tracker.add(chunk.byteLength);
  }
}
