/**
 * Background imports: walk each source with the caller's walker, spool the entries into a
 * private staging token (SQLite keeps them sorted by key), then let the engine commit them onto
 * the branch in one step. Status is persisted so it survives the job; progress is saved every
 * second while running. Spooling goes a batch per event-loop turn and the staging sweeper
 * deletes the spool afterwards, so the HTTP thread keeps serving through an import of any size.
 */
import { randomBytes } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Entry } from "../core/entry.js";
import { conflict, notFound } from "../core/errors.js";
import type { Store } from "./store.js";
import type { Commit, ImportSourceSpec, ImportStatus, ImportWalker } from "./types.js";
import { validatePath } from "./validate.js";

const SPOOL_BATCH = 250;
const REFRESH_MS = 1000;
const CANCELED = "Canceled";

/** What an import job runs besides the walk (see `Imports.start`). */
export interface ImportSteps {
  readonly check: () => void;
  readonly commit: (token: string) => Promise<Commit>;
}

interface Job {
  readonly repo: string;
  readonly id: string;
  status: ImportStatus;
  cancelled: boolean;
  timer?: NodeJS.Timeout | undefined;
}

export class Imports {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  /**
   * Starts a job: `steps.check()` runs first (its failure ends the job before any source is
   * read), then the walk; `steps.commit(token)` turns the spooled entries into the new commit.
   */
  start(
    repo: string,
    branch: string,
    sources: readonly ImportSourceSpec[],
    walker: ImportWalker,
    steps: ImportSteps,
  ): string {
    const id = randomBytes(10).toString("hex");
    const job: Job = {
      repo,
      id,
      status: { completed: false, updateTime: this.now(), ingestedObjects: 0 },
      cancelled: false,
    };
    this.store.putImport(repo, id, branch, JSON.stringify(job.status));
    this.jobs.set(jobKey(repo, id), job);
    // Progress needs no fsync: after a crash the status reads "interrupted" whatever it says.
    job.timer = setInterval(() => this.save(job, {}, { durable: false }), REFRESH_MS);
    job.timer.unref();
    void this.run(job, sources, walker, steps);
    return id;
  }

  status(repo: string, branch: string, id: string): ImportStatus {
    const row = this.store.getImport(repo, id);
    if (!row || row.branch !== branch) throw notFound(); // lakeFS: graveler.ErrNotFound, unwrapped
    // A job running here knows its progress better than its last saved row.
    const running = this.jobs.get(jobKey(repo, id));
    if (running) return running.status;
    const status = JSON.parse(row.status) as ImportStatus;
    if (!status.completed && !status.error) {
      // The process that ran it is gone (restart): it will never finish.
      return { ...status, error: "import error: interrupted" };
    }
    return status;
  }

  /** Idempotent; 409 once completed. */
  cancel(repo: string, branch: string, id: string): void {
    const status = this.status(repo, branch, id);
    if (status.completed) throw conflict();
    const job = this.jobs.get(jobKey(repo, id));
    if (job) this.stop(job, { error: CANCELED });
  }

  cancelRepository(repo: string): void {
    for (const job of this.jobs.values())
      if (job.repo === repo) this.stop(job, { error: CANCELED });
  }

  cancelAll(): void {
    for (const job of this.jobs.values()) this.stop(job, { error: CANCELED });
  }

  private async run(
    job: Job,
    sources: readonly ImportSourceSpec[],
    walker: ImportWalker,
    steps: ImportSteps,
  ): Promise<void> {
    const token = `import:${job.repo}:${job.id}`;
    let ingested = 0;
    let batch: { key: string; entry: Entry }[] = [];
    const flush = () => {
      const rows = batch;
      batch = [];
      // No fsync per batch: the spool needs no durability of its own (a crash ends the job),
      // and the import's commit makes it durable with itself.
      this.store.unsyncedTransaction(() => {
        for (const r of rows) this.store.putStaged(token, r.key, r.entry);
      });
      ingested += rows.length;
      // Saved with the next refresh: a write per batch would cost an fsync each.
      job.status = { ...job.status, ingestedObjects: ingested, updateTime: this.now() };
    };
    try {
      // Let the request that started the job return (202) before its checks run.
      await Promise.resolve();
      steps.check();
      for (const source of sources) {
        for await (const obj of walker(source)) {
          if (job.cancelled) return;
          const key =
            source.type === "object" ? source.destination : source.destination + obj.relPath;
          validatePath(key, "destination");
          batch.push({ key, entry: obj.entry });
          if (batch.length >= SPOOL_BATCH) {
            flush();
            // The walker hands over files in bulk: let requests in between the batches.
            await nextTurn();
          }
        }
      }
      if (job.cancelled) return;
      flush();
      const c = await steps.commit(token);
      this.stop(job, {
        completed: true,
        ingestedObjects: ingested,
        metarangeId: c.metarangeId,
        commit: c,
      });
    } catch (err) {
      if (job.cancelled) return;
      // Walker and commit failures alike end the job; the client reads them from the status.
      const cause = err instanceof Error ? err.message : String(err);
      this.stop(job, { error: `import error: ${cause}` });
    } finally {
      this.dropSpool(token);
    }
  }

  /** Hands the spool to the staging sweeper (rows a close or crash leaves are never read). */
  private dropSpool(token: string): void {
    if (!this.isClosed()) this.store.unsyncedTransaction(() => this.store.dropTokens([token]));
  }

  private isClosed(): boolean {
    return !this.store.db.open;
  }

  private stop(job: Job, patch: Partial<ImportStatus>): void {
    if (job.cancelled || job.status.completed || job.status.error) return;
    job.cancelled = patch.error !== undefined;
    clearInterval(job.timer);
    this.jobs.delete(jobKey(job.repo, job.id));
    this.save(job, patch);
  }

  private save(job: Job, patch: Partial<ImportStatus>, { durable = true } = {}): void {
    if (this.isClosed()) return;
    job.status = { ...job.status, ...patch, updateTime: this.now() };
    const write = () => {
      const row = this.store.getImport(job.repo, job.id);
      if (row) this.store.putImport(job.repo, job.id, row.branch, JSON.stringify(job.status));
    };
    if (durable) this.store.transaction(write);
    else this.store.unsyncedTransaction(write);
  }
}

const jobKey = (repo: string, id: string) => `${repo}\0${id}`;
