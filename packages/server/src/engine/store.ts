/**
 * The engine's metadata store over SQLite (better-sqlite3, WAL, `synchronous = FULL`): schema and
 * migrations, and row-level access to repositories, branches, commits, tags, staged entries,
 * repository metadata, settings and imports. Object keys are stored as BLOBs so SQLite's ordering
 * is UTF-8 byte order. Branch updates are compare-and-set: they name the values they replace.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { mkdirDurableSync, unsafeSkipFsync } from "../core/durable.js";
import { type Change, compareKeys, type Entry, keyUpperBound } from "../core/entry.js";
import { EngineError } from "../core/errors.js";
import type { Commit, PullRequest, PullRequestStatus } from "./types.js";
import { WalSync } from "./wal-sync.js";

const SCHEMA_VERSION = 3;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE repositories (
     id TEXT PRIMARY KEY, storage_namespace TEXT NOT NULL, default_branch TEXT NOT NULL,
     creation_date INTEGER NOT NULL, read_only INTEGER NOT NULL);
   CREATE TABLE branches (
     repo TEXT NOT NULL, id TEXT NOT NULL, commit_id TEXT NOT NULL, staging_token TEXT NOT NULL,
     sealed_tokens TEXT NOT NULL, hidden INTEGER NOT NULL, PRIMARY KEY (repo, id)) WITHOUT ROWID;
   CREATE TABLE commits (
     repo TEXT NOT NULL, id TEXT NOT NULL, committer TEXT NOT NULL, message TEXT NOT NULL,
     creation_date INTEGER NOT NULL, metarange_id TEXT NOT NULL, metadata TEXT NOT NULL,
     parents TEXT NOT NULL, generation INTEGER NOT NULL, version INTEGER NOT NULL,
     PRIMARY KEY (repo, id)) WITHOUT ROWID;
   CREATE TABLE tags (
     repo TEXT NOT NULL, id TEXT NOT NULL, commit_id TEXT NOT NULL,
     PRIMARY KEY (repo, id)) WITHOUT ROWID;
   CREATE TABLE staged (
     token TEXT NOT NULL, key BLOB NOT NULL, entry TEXT,
     PRIMARY KEY (token, key)) WITHOUT ROWID;
   CREATE TABLE repo_metadata (
     repo TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
     PRIMARY KEY (repo, key)) WITHOUT ROWID;
   CREATE TABLE settings (
     repo TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
     PRIMARY KEY (repo, key)) WITHOUT ROWID;
   CREATE TABLE imports (
     repo TEXT NOT NULL, id TEXT NOT NULL, branch TEXT NOT NULL, status TEXT NOT NULL,
     PRIMARY KEY (repo, id)) WITHOUT ROWID;`,
  // 2: pull requests (ids sort newest first, so id order is listing order).
  `CREATE TABLE pull_requests (
     repo TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, title TEXT NOT NULL,
     description TEXT NOT NULL, author TEXT NOT NULL, source_branch TEXT NOT NULL,
     destination_branch TEXT NOT NULL, creation_date INTEGER NOT NULL,
     merged_commit_id TEXT, closed_date INTEGER,
     PRIMARY KEY (repo, id)) WITHOUT ROWID;`,
  // 3: staging tokens whose rows await deletion (staging-sweeper.ts).
  "CREATE TABLE dropped_tokens (token TEXT PRIMARY KEY) WITHOUT ROWID;",
];

/** Opens `<dataDir>/metadata.db` with the engine's pragmas. */
export function openDatabase(dataDir: string): Database.Database {
  mkdirDurableSync(dataDir);
  return new Database(join(dataDir, "metadata.db"));
}

export interface RepositoryRow {
  readonly id: string;
  readonly storageNamespace: string;
  readonly defaultBranch: string;
  readonly creationDate: number;
  readonly readOnly: boolean;
}

export interface BranchRow {
  readonly id: string;
  readonly commitId: string;
  readonly stagingToken: string;
  /** Newest first. */
  readonly sealedTokens: readonly string[];
  readonly hidden: boolean;
}

interface RawBranch {
  id: string;
  commit_id: string;
  staging_token: string;
  sealed_tokens: string;
  hidden: number;
}

interface RawCommit {
  id: string;
  committer: string;
  message: string;
  creation_date: number;
  metarange_id: string;
  metadata: string;
  parents: string;
  generation: number;
  version: number;
}

interface RawRepository {
  id: string;
  storage_namespace: string;
  default_branch: string;
  creation_date: number;
  read_only: number;
}

const STAGED_BATCH = 256;
/** SQLite's `synchronous` levels are 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
const SYNCHRONOUS_NORMAL = 1;

const toRepository = (r: RawRepository): RepositoryRow => ({
  id: r.id,
  storageNamespace: r.storage_namespace,
  defaultBranch: r.default_branch,
  creationDate: r.creation_date,
  readOnly: r.read_only !== 0,
});

const toBranch = (r: RawBranch): BranchRow => ({
  id: r.id,
  commitId: r.commit_id,
  stagingToken: r.staging_token,
  sealedTokens: JSON.parse(r.sealed_tokens) as string[],
  hidden: r.hidden !== 0,
});

const toCommit = (r: RawCommit): Commit => ({
  id: r.id,
  committer: r.committer,
  message: r.message,
  creationDate: r.creation_date,
  metarangeId: r.metarange_id,
  metadata: JSON.parse(r.metadata) as Record<string, string>,
  parents: JSON.parse(r.parents) as string[],
  generation: r.generation,
  version: r.version,
});

const keyBlob = (key: string) => Buffer.from(key, "utf8");
const parseEntry = (json: string | null): Entry | null =>
  json === null ? null : (JSON.parse(json) as Entry);

/** What a WAL checkpoint did: frames in the WAL, frames copied into the database file. */
export interface WalCheckpoint {
  readonly log: number;
  readonly checkpointed: number;
}

/** Rows listed in id order: only ids > `after` that start with `prefix`, at most `limit`. */
interface IdRange {
  readonly prefix: string;
  readonly after: string;
  readonly limit: number;
}

/** Row access for the engine. All methods are synchronous; `transaction` makes them atomic. */
export class Store {
  private readonly stmts = new Map<string, Database.Statement>();

  private readonly wal: WalSync;

  /** Called by `dropTokens` (the engine wakes its staging sweeper). */
  onTokensDropped: (() => void) | undefined;

  constructor(readonly db: Database.Database) {
    this.wal = WalSync.forDatabase(db.name);
    db.pragma("journal_mode = WAL");
    db.pragma(unsafeSkipFsync("sqlite") ? "synchronous = OFF" : "synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    this.migrate();
  }

  private migrate(): void {
    this.db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const row = this.db.prepare("SELECT version FROM schema_version").get() as
      | { version: number }
      | undefined;
    const current = row?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(`metadata.db schema version ${current} is newer than this server`);
    }
    if (current === SCHEMA_VERSION) return;
    this.db
      .transaction(() => {
        for (const sql of MIGRATIONS.slice(current)) this.db.exec(sql);
        this.db.exec("DELETE FROM schema_version");
        this.db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(SCHEMA_VERSION);
      })
      .immediate();
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** Runs `fn` in a write transaction (BEGIN IMMEDIATE), so reads inside see a stable state. */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn).immediate();
  }

  /**
   * `transaction` that does not wait for the disk (synchronous = NORMAL for its commit): for rows
   * whose loss in a power cut costs nothing, such as an import's private spool (a crash ends the
   * import anyway). WAL stays consistent at NORMAL, and the next synchronous commit makes these
   * rows durable with its own; what it saves is an fsync on the calling thread per call.
   */
  unsyncedTransaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    const level = this.db.pragma("synchronous", { simple: true }) as number;
    if (level <= SYNCHRONOUS_NORMAL) return this.transaction(fn);
    this.db.pragma(`synchronous = ${SYNCHRONOUS_NORMAL}`);
    try {
      return this.transaction(fn);
    } finally {
      this.db.pragma(`synchronous = ${level}`);
    }
  }

  /**
   * `transaction` that leaves the calling thread before the disk does: committed unsynced, then
   * resolved once the WAL is synced on libuv's pool (`WalSync`), so it is durable when it
   * resolves, as with `transaction`. For the frequent writes (staging batches, branch updates).
   */
  async durableTransaction<T>(fn: () => T): Promise<T> {
    const result = this.unsyncedTransaction(fn);
    await this.wal.sync();
    return result;
  }

  /** A PASSIVE checkpoint of the WAL: how many frames it holds and how many are now in the database. */
  checkpoint(): WalCheckpoint {
    const [r] = this.db.pragma("wal_checkpoint(PASSIVE)") as WalCheckpoint[];
    return { log: r!.log, checkpointed: r!.checkpointed };
  }

  private listIds<R>(sql: string, args: unknown[], range: IdRange): R[] {
    const end = keyUpperBound(range.prefix);
    const afterWins = compareKeys(range.after, range.prefix) >= 0 && range.after !== "";
    const from = afterWins ? range.after : range.prefix;
    const fromOp = afterWins ? ">" : ">=";
    const endClause = end ? "AND id < ?" : "";
    const q = sql.replace("$RANGE", `id ${fromOp} ? ${endClause}`);
    return this.stmt(q).all(...args, from, ...(end ? [end] : []), range.limit) as R[];
  }

  // ---- repositories ------------------------------------------------------------------------

  getRepository(id: string): RepositoryRow | undefined {
    const r = this.stmt("SELECT * FROM repositories WHERE id = ?").get(id) as
      | RawRepository
      | undefined;
    return r && toRepository(r);
  }

  listRepositories(range: IdRange): RepositoryRow[] {
    return this.listIds<RawRepository>(
      "SELECT * FROM repositories WHERE $RANGE ORDER BY id LIMIT ?",
      [],
      range,
    ).map(toRepository);
  }

  /** All repositories (for namespace checks and search filters). */
  allRepositories(): RepositoryRow[] {
    return (this.stmt("SELECT * FROM repositories ORDER BY id").all() as RawRepository[]).map(
      toRepository,
    );
  }

  insertRepository(r: RepositoryRow): void {
    this.stmt(
      "INSERT INTO repositories (id, storage_namespace, default_branch, creation_date, read_only) VALUES (?, ?, ?, ?, ?)",
    ).run(r.id, r.storageNamespace, r.defaultBranch, r.creationDate, r.readOnly ? 1 : 0);
  }

  setReadOnly(id: string, readOnly: boolean): void {
    this.stmt("UPDATE repositories SET read_only = ? WHERE id = ?").run(readOnly ? 1 : 0, id);
  }

  /** Deletes every metadata row of a repository; its branches' staged entries are dropped. */
  deleteRepository(id: string): void {
    for (const b of this.allBranches(id)) this.dropTokens([b.stagingToken, ...b.sealedTokens]);
    const tables = ["branches", "commits", "tags", "repo_metadata", "settings", "imports"];
    for (const table of [...tables, "pull_requests"]) {
      this.stmt(`DELETE FROM ${table} WHERE repo = ?`).run(id);
    }
    this.stmt("DELETE FROM repositories WHERE id = ?").run(id);
  }

  // ---- branches ----------------------------------------------------------------------------

  getBranch(repo: string, id: string): BranchRow | undefined {
    const r = this.stmt("SELECT * FROM branches WHERE repo = ? AND id = ?").get(repo, id) as
      | RawBranch
      | undefined;
    return r && toBranch(r);
  }

  listBranches(repo: string, range: IdRange, showHidden: boolean): BranchRow[] {
    const hidden = showHidden ? "" : "AND hidden = 0";
    return this.listIds<RawBranch>(
      `SELECT * FROM branches WHERE repo = ? ${hidden} AND $RANGE ORDER BY id LIMIT ?`,
      [repo],
      range,
    ).map(toBranch);
  }

  allBranches(repo: string): BranchRow[] {
    return (this.stmt("SELECT * FROM branches WHERE repo = ?").all(repo) as RawBranch[]).map(
      toBranch,
    );
  }

  insertBranch(repo: string, b: BranchRow): void {
    this.stmt(
      "INSERT INTO branches (repo, id, commit_id, staging_token, sealed_tokens, hidden) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(repo, b.id, b.commitId, b.stagingToken, JSON.stringify(b.sealedTokens), b.hidden ? 1 : 0);
  }

  /**
   * Compare-and-set of a branch record: succeeds only if the row still holds `expected`'s
   * commit and tokens. Returns false when someone else changed it first.
   */
  updateBranch(repo: string, expected: BranchRow, next: BranchRow): boolean {
    const res = this.stmt(
      `UPDATE branches SET commit_id = ?, staging_token = ?, sealed_tokens = ?
       WHERE repo = ? AND id = ? AND commit_id = ? AND staging_token = ? AND sealed_tokens = ?`,
    ).run(
      next.commitId,
      next.stagingToken,
      JSON.stringify(next.sealedTokens),
      repo,
      expected.id,
      expected.commitId,
      expected.stagingToken,
      JSON.stringify(expected.sealedTokens),
    );
    return res.changes === 1;
  }

  deleteBranch(repo: string, id: string): void {
    this.stmt("DELETE FROM branches WHERE repo = ? AND id = ?").run(repo, id);
  }

  // ---- commits -----------------------------------------------------------------------------

  getCommit(repo: string, id: string): Commit | undefined {
    const r = this.stmt("SELECT * FROM commits WHERE repo = ? AND id = ?").get(repo, id) as
      | RawCommit
      | undefined;
    return r && toCommit(r);
  }

  /** Up to two commit ids starting with `prefix` (two means ambiguous). */
  commitIdsWithPrefix(repo: string, prefix: string): string[] {
    const rows = this.stmt(
      "SELECT id FROM commits WHERE repo = ? AND id >= ? AND id < ? ORDER BY id LIMIT 2",
    ).all(repo, prefix, keyUpperBound(prefix)) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** Every commit of a repository, by id. */
  allCommits(repo: string): Commit[] {
    return (
      this.stmt("SELECT * FROM commits WHERE repo = ? ORDER BY id").all(repo) as RawCommit[]
    ).map(toCommit);
  }

  /** Stores a commit; an identical commit (same id) already present is kept as is. */
  insertCommit(repo: string, c: Commit): void {
    this.stmt(
      `INSERT OR IGNORE INTO commits
       (repo, id, committer, message, creation_date, metarange_id, metadata, parents, generation, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      repo,
      c.id,
      c.committer,
      c.message,
      c.creationDate,
      c.metarangeId,
      JSON.stringify(c.metadata),
      JSON.stringify(c.parents),
      c.generation,
      c.version,
    );
  }

  // ---- tags --------------------------------------------------------------------------------

  getTag(repo: string, id: string): string | undefined {
    const r = this.stmt("SELECT commit_id FROM tags WHERE repo = ? AND id = ?").get(repo, id) as
      | { commit_id: string }
      | undefined;
    return r?.commit_id;
  }

  listTags(repo: string, range: IdRange): { id: string; commitId: string }[] {
    return this.listIds<{ id: string; commit_id: string }>(
      "SELECT id, commit_id FROM tags WHERE repo = ? AND $RANGE ORDER BY id LIMIT ?",
      [repo],
      range,
    ).map((r) => ({ id: r.id, commitId: r.commit_id }));
  }

  /** Every tag of a repository, by id. */
  allTags(repo: string): { id: string; commitId: string }[] {
    const rows = this.stmt("SELECT id, commit_id FROM tags WHERE repo = ? ORDER BY id").all(
      repo,
    ) as {
      id: string;
      commit_id: string;
    }[];
    return rows.map((r) => ({ id: r.id, commitId: r.commit_id }));
  }

  insertTag(repo: string, id: string, commitId: string): void {
    this.stmt("INSERT INTO tags (repo, id, commit_id) VALUES (?, ?, ?)").run(repo, id, commitId);
  }

  deleteTag(repo: string, id: string): void {
    this.stmt("DELETE FROM tags WHERE repo = ? AND id = ?").run(repo, id);
  }

  // ---- staged entries ----------------------------------------------------------------------

  /** The staged value in one token: undefined = not staged there, null = tombstone. */
  getStaged(token: string, key: string): Entry | null | undefined {
    const r = this.stmt("SELECT entry FROM staged WHERE token = ? AND key = ?").get(
      token,
      keyBlob(key),
    ) as { entry: string | null } | undefined;
    return r === undefined ? undefined : parseEntry(r.entry);
  }

  putStaged(token: string, key: string, value: Entry | null): void {
    this.stmt("INSERT OR REPLACE INTO staged (token, key, entry) VALUES (?, ?, ?)").run(
      token,
      keyBlob(key),
      value === null ? null : JSON.stringify(value),
    );
  }

  /** Staged changes of one token in key order, from the first key >= `from`. */
  *scanStaged(token: string, from = ""): Generator<Change> {
    let rows = this.stmt(
      "SELECT key, entry FROM staged WHERE token = ? AND key >= ? ORDER BY key LIMIT ?",
    ).all(token, keyBlob(from), STAGED_BATCH) as { key: Buffer; entry: string | null }[];
    // Batches instead of a live cursor: callers may write to the database between items.
    while (rows.length > 0) {
      for (const r of rows) yield { key: r.key.toString("utf8"), value: parseEntry(r.entry) };
      if (rows.length < STAGED_BATCH) return;
      const last = rows[rows.length - 1]!.key;
      rows = this.stmt(
        "SELECT key, entry FROM staged WHERE token = ? AND key > ? ORDER BY key LIMIT ?",
      ).all(token, last, STAGED_BATCH) as { key: Buffer; entry: string | null }[];
    }
  }

  /** True when the token holds at least one row. */
  hasStaged(token: string): boolean {
    return this.stmt("SELECT 1 FROM staged WHERE token = ? LIMIT 1").get(token) !== undefined;
  }

  /**
   * Marks `tokens` for deletion: nothing reads them any more, and the staging sweeper deletes
   * their rows in the background. Call inside the transaction that stops referencing them.
   */
  dropTokens(tokens: readonly string[]): void {
    const insert = this.stmt("INSERT OR IGNORE INTO dropped_tokens (token) VALUES (?)");
    for (const t of tokens) insert.run(t);
    this.onTokensDropped?.();
  }

  /** A dropped token whose rows may remain. */
  nextDroppedToken(): string | undefined {
    const row = this.stmt("SELECT token FROM dropped_tokens LIMIT 1").get() as
      | { token: string }
      | undefined;
    return row?.token;
  }

  /** Forgets a dropped token once its rows are gone (unsynced: redoing it costs nothing). */
  forgetDroppedToken(token: string): void {
    this.unsyncedTransaction(() => {
      this.stmt("DELETE FROM dropped_tokens WHERE token = ?").run(token);
    });
  }

  /** Deletes up to `limit` of `token`'s rows without waiting for the disk; returns how many. */
  deleteStagedChunk(token: string, limit: number): number {
    return this.unsyncedTransaction(
      () =>
        this.stmt(
          "DELETE FROM staged WHERE token = ? AND key IN (SELECT key FROM staged WHERE token = ? LIMIT ?)",
        ).run(token, token, limit).changes,
    );
  }

  // ---- repository metadata and settings ----------------------------------------------------

  getRepoMetadata(repo: string): Record<string, string> {
    const rows = this.stmt("SELECT key, value FROM repo_metadata WHERE repo = ? ORDER BY key").all(
      repo,
    ) as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  setRepoMetadata(repo: string, key: string, value: string): void {
    this.stmt("INSERT OR REPLACE INTO repo_metadata (repo, key, value) VALUES (?, ?, ?)").run(
      repo,
      key,
      value,
    );
  }

  deleteRepoMetadata(repo: string, key: string): void {
    this.stmt("DELETE FROM repo_metadata WHERE repo = ? AND key = ?").run(repo, key);
  }

  getSetting(repo: string, key: string): string | undefined {
    const r = this.stmt("SELECT value FROM settings WHERE repo = ? AND key = ?").get(repo, key) as
      | { value: string }
      | undefined;
    return r?.value;
  }

  setSetting(repo: string, key: string, value: string): void {
    this.stmt("INSERT OR REPLACE INTO settings (repo, key, value) VALUES (?, ?, ?)").run(
      repo,
      key,
      value,
    );
  }

  deleteSetting(repo: string, key: string): void {
    this.stmt("DELETE FROM settings WHERE repo = ? AND key = ?").run(repo, key);
  }

  // ---- imports -----------------------------------------------------------------------------

  getImport(repo: string, id: string): { branch: string; status: string } | undefined {
    return this.stmt("SELECT branch, status FROM imports WHERE repo = ? AND id = ?").get(
      repo,
      id,
    ) as { branch: string; status: string } | undefined;
  }

  putImport(repo: string, id: string, branch: string, status: string): void {
    this.stmt("INSERT OR REPLACE INTO imports (repo, id, branch, status) VALUES (?, ?, ?, ?)").run(
      repo,
      id,
      branch,
      status,
    );
  }

  // ---- pull requests -----------------------------------------------------------------------

  getPullRequest(repo: string, id: string): PullRequest | undefined {
    const r = this.stmt("SELECT * FROM pull_requests WHERE repo = ? AND id = ?").get(repo, id) as
      | RawPullRequest
      | undefined;
    return r && toPullRequest(r);
  }

  /** Pull requests in id order whose status is one of `statuses`. */
  listPullRequests(
    repo: string,
    statuses: readonly PullRequestStatus[],
    range: IdRange,
  ): PullRequest[] {
    const marks = statuses.map(() => "?").join(", ");
    return this.listIds<RawPullRequest>(
      `SELECT * FROM pull_requests WHERE repo = ? AND status IN (${marks}) AND $RANGE ORDER BY id LIMIT ?`,
      [repo, ...statuses],
      range,
    ).map(toPullRequest);
  }

  /** Inserts or replaces a pull request record. */
  putPullRequest(repo: string, pr: PullRequest): void {
    this.stmt(
      `INSERT OR REPLACE INTO pull_requests
       (repo, id, status, title, description, author, source_branch, destination_branch,
        creation_date, merged_commit_id, closed_date)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      repo,
      pr.id,
      pr.status,
      pr.title,
      pr.description,
      pr.author,
      pr.sourceBranch,
      pr.destinationBranch,
      pr.creationDate,
      pr.mergedCommitId ?? null,
      pr.closedDate ?? null,
    );
  }
}

interface RawPullRequest {
  id: string;
  status: PullRequestStatus;
  title: string;
  description: string;
  author: string;
  source_branch: string;
  destination_branch: string;
  creation_date: number;
  merged_commit_id: string | null;
  closed_date: number | null;
}

const toPullRequest = (r: RawPullRequest): PullRequest => ({
  id: r.id,
  status: r.status,
  title: r.title,
  description: r.description,
  author: r.author,
  sourceBranch: r.source_branch,
  destinationBranch: r.destination_branch,
  creationDate: r.creation_date,
  ...(r.merged_commit_id !== null && { mergedCommitId: r.merged_commit_id }),
  ...(r.closed_date !== null && { closedDate: r.closed_date }),
});

/** Thrown when a compare-and-set lost every retry: lakeFS's 429. */
export const tooManyAttempts = () =>
  new EngineError("too_many_attempts", "Too many attempts, try again later");
