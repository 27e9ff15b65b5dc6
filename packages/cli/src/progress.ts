/**
 * Transfer progress on the terminal (cli-progress): one bar for the whole transfer, drawn on
 * stderr only when it is a TTY and neither `--quiet` nor `--json` is given.
 */
import { SingleBar } from "cli-progress";
import type { DirectoryProgress } from "lakefs-ts/node";
import { type CliIO, humanBytes } from "./output.js";

export interface ProgressDisplay {
  readonly onProgress?: (progress: DirectoryProgress) => void;
  stop(): void;
}

const SILENT: ProgressDisplay = { stop() {} };

export function progressDisplay(io: CliIO, enabled: boolean, label: string): ProgressDisplay {
  if (!enabled || !io.interactive) return SILENT;
  const bar = new SingleBar({
    stream: io.stderr as NodeJS.WriteStream,
    format: `${label} [{bar}] {percentage}% | {files} files | {done} / {total}`,
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  return {
    onProgress({ totals }) {
      const payload = {
        files: `${totals.filesDone}/${totals.filesPlanned}${totals.scanComplete ? "" : "+"}`,
        done: humanBytes(totals.bytesDone),
        total: humanBytes(totals.bytesPlanned),
      };
      const total = Math.max(totals.bytesPlanned, 1);
      if (!started) {
        bar.start(total, totals.bytesDone, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(totals.bytesDone, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
