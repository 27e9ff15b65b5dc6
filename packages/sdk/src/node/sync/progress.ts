/** Progress and results of a directory transfer. */

/** Totals so far. `planned*` grow while the scan runs ahead of the transfers. */
export interface TransferTotals {
  /** Files (and deletions) found to need work so far. */
  readonly filesPlanned: number;
  readonly bytesPlanned: number;
  readonly filesDone: number;
  readonly bytesDone: number;
  /** True once both trees have been scanned, so the planned figures are final. */
  readonly scanComplete: boolean;
}

/** One file's progress. */
export interface FileProgress {
  /** Path relative to the directory / prefix, `/`-separated. */
  readonly key: string;
  readonly loadedBytes: number;
  readonly totalBytes: number;
}

/** A progress update: the file it is about (if any) and the running totals. */
export interface DirectoryProgress {
  readonly file?: FileProgress;
  readonly totals: TransferTotals;
}

/** One completed change. */
export interface DirectoryChange {
  readonly key: string;
  readonly action: "uploaded" | "downloaded" | "deleted";
  readonly sizeBytes: number;
}

/** What a directory transfer changed. */
export interface DirectorySummary {
  /** Files uploaded or downloaded. */
  readonly transferred: number;
  readonly transferredBytes: number;
  /** Files already identical on both sides. */
  readonly unchanged: number;
  /** Files deleted on the destination (with `deleteExtraneous`). */
  readonly deleted: number;
}

export interface ProgressOptions {
  /** Called on every progress update (errors thrown by it are ignored). */
  readonly onProgress?: (progress: DirectoryProgress) => void;
  /** Called after each file is transferred or deleted (errors thrown by it are ignored). */
  readonly onChange?: (change: DirectoryChange) => void;
}

/** Keeps the totals and the summary, and reports them. */
export class TransferLedger {
  filesPlanned = 0;
  bytesPlanned = 0;
  filesDone = 0;
  bytesDone = 0;
  scanComplete = false;
  transferred = 0;
  transferredBytes = 0;
  unchanged = 0;
  deleted = 0;

  constructor(private readonly options: ProgressOptions) {}

  planned(bytes: number): void {
    this.filesPlanned += 1;
    this.bytesPlanned += bytes;
  }

  /** `delta` more bytes of `file` arrived. */
  progressed(file: FileProgress, delta: number): void {
    this.bytesDone += delta;
    this.report(file);
  }

  completed(change: DirectoryChange): void {
    this.filesDone += 1;
    if (change.action === "deleted") this.deleted += 1;
    else {
      this.transferred += 1;
      this.transferredBytes += change.sizeBytes;
    }
    quietly(() => this.options.onChange?.(change));
    this.report();
  }

  scanned(): void {
    this.scanComplete = true;
    this.report();
  }

  report(file?: FileProgress): void {
    const onProgress = this.options.onProgress;
    if (onProgress === undefined) return;
    const totals: TransferTotals = {
      filesPlanned: this.filesPlanned,
      bytesPlanned: this.bytesPlanned,
      filesDone: this.filesDone,
      bytesDone: this.bytesDone,
      scanComplete: this.scanComplete,
    };
    quietly(() => onProgress(file === undefined ? { totals } : { file, totals }));
  }

  summary(): DirectorySummary {
    return {
      transferred: this.transferred,
      transferredBytes: this.transferredBytes,
      unchanged: this.unchanged,
      deleted: this.deleted,
    };
  }
}

// A broken progress display must not fail a transfer.
function quietly(callback: () => void): void {
  try {
    callback();
  } catch {
    // ignored on purpose
  }
}
