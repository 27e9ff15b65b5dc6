/**
 * Where action runs are kept: with the repository, under `_lakefs/actions/log/<run id>/` in its
 * storage namespace — `run.manifest` (the run and its hook runs, JSON) and `<hook run id>.log`
 * (each hook's output). Files are written durably (temp, fsync, rename, directory fsync) before
 * the operation that ran the hooks is acknowledged. Run ids sort newest first, so a listing is a
 * directory scan in name order.
 */
import { randomBytes } from "node:crypto";
import { open, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { renameDurably } from "../block/files.js";

export type RunStatus = "completed" | "failed";

export interface HookRunRecord {
  readonly hookRunId: string;
  readonly actionName: string;
  readonly hookId: string;
  /** ISO timestamps; a skipped hook has neither (and counts as failed, as in lakeFS). */
  readonly startTime?: string | undefined;
  readonly endTime?: string | undefined;
  readonly passed: boolean;
}

export interface RunRecord {
  readonly runId: string;
  readonly eventType: string;
  readonly branchId: string;
  readonly sourceRef: string;
  readonly commitId: string;
  readonly startTime: string;
  readonly endTime: string;
  readonly passed: boolean;
}

export interface RunManifest {
  readonly run: RunRecord;
  readonly hooks: readonly HookRunRecord[];
}

const LOG_DIR = "_lakefs/actions/log";
const MANIFEST = "run.manifest";
const SAFE_ID = /^[0-9a-z_]{1,64}$/;

/** Run and hook-run ids come from URLs: only our own id alphabet may reach the filesystem. */
export function isSafeId(id: string): boolean {
  return SAFE_ID.test(id);
}

/**
 * Writes `data` to `path` so that it survives a crash once this resolves. The temp file lives in
 * `_lakefs/` (which every namespace has), so the run directory is created by the durable rename.
 */
async function writeDurably(nsDir: string, path: string, data: string): Promise<void> {
  const temp = join(nsDir, "_lakefs", `.actions-${randomBytes(8).toString("hex")}.tmp`);
  const handle = await open(temp, "w", 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await renameDurably(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export class RunsStore {
  private runDir(nsDir: string, runId: string): string {
    return join(nsDir, LOG_DIR, runId);
  }

  async writeOutput(nsDir: string, runId: string, hookRunId: string, text: string): Promise<void> {
    await writeDurably(nsDir, join(this.runDir(nsDir, runId), `${hookRunId}.log`), text);
  }

  async writeManifest(nsDir: string, manifest: RunManifest): Promise<void> {
    await writeDurably(
      nsDir,
      join(this.runDir(nsDir, manifest.run.runId), MANIFEST),
      JSON.stringify(manifest),
    );
  }

  /** The manifest of a run, or undefined when there is no such run. */
  async readManifest(nsDir: string, runId: string): Promise<RunManifest | undefined> {
    if (!isSafeId(runId)) return undefined;
    try {
      return JSON.parse(await readFile(join(this.runDir(nsDir, runId), MANIFEST), "utf8"));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  async readOutput(nsDir: string, runId: string, hookRunId: string): Promise<Buffer | undefined> {
    if (!isSafeId(runId) || !isSafeId(hookRunId)) return undefined;
    try {
      return await readFile(join(this.runDir(nsDir, runId), `${hookRunId}.log`));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  /**
   * Runs in id order (newest first) after `after`, keeping those `keep` accepts, until `amount`
   * are found; `hasMore` says whether another page exists.
   */
  async list(
    nsDir: string,
    options: { after: string; amount: number; keep: (run: RunRecord) => boolean },
  ): Promise<{ runs: RunRecord[]; hasMore: boolean }> {
    let names: string[];
    try {
      names = await readdir(join(nsDir, LOG_DIR));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { runs: [], hasMore: false };
      throw err;
    }
    const ids = names.filter((n) => isSafeId(n) && n > options.after).sort();
    const runs: RunRecord[] = [];
    for (const id of ids) {
      const manifest = await this.readManifest(nsDir, id);
      // A run directory without a manifest is a run that was cut short: not a run.
      if (manifest === undefined || !options.keep(manifest.run)) continue;
      if (runs.length === options.amount) return { runs, hasMore: true };
      runs.push(manifest.run);
    }
    return { runs, hasMore: false };
  }
}
