/**
 * `lakefs-ts-server fsck --data DIR`: an offline integrity check of a data directory. It walks
 * every repository's branches, tags and staged entries, every commit reachable from them, their
 * metaranges and ranges, and every object those point at, verifying ids, hashes and sizes. It
 * only reads: problems are reported, never repaired. Run it on a stopped (or killed) server's
 * directory; SQLite replays its own write-ahead log on open, which is recovery, not repair.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { CompositeObject, CorruptComposite } from "./block/composite.js";
import { hashFile } from "./block/files.js";
import { MAX_ABSOLUTE_PATH_BYTES, safeSegments } from "./block/paths.js";
import { type CliIO, UsageError } from "./cli-io.js";
import type { Entry } from "./core/entry.js";
import { commitId } from "./engine/commit-id.js";
import { Store } from "./engine/store.js";
import { TreeFiles } from "./engine/tree/files.js";
import type { Commit } from "./engine/types.js";

/** One inconsistency: where it is (repository, ref, commit, file) and what is wrong. */
export interface FsckProblem {
  readonly where: string;
  readonly message: string;
}

/** What `fsck` looked at, and what it found wrong (empty when the directory is consistent). */
export interface FsckReport {
  readonly repositories: number;
  readonly commits: number;
  readonly metaranges: number;
  readonly ranges: number;
  readonly stagedEntries: number;
  /**
   * Distinct objects read and hashed: files (only size-checked when their ETag is a multipart
   * one) and composite objects (every part hashed against its name).
   */
  readonly objects: number;
  readonly objectBytes: number;
  readonly problems: readonly FsckProblem[];
}

const LOCAL_SCHEME = "local://";
/** Ranges hold a few thousand entries; keeps memory flat on trees with many ranges. */
const TREE_CACHE_RANGES = 4;

interface Counters {
  repositories: number;
  commits: number;
  metaranges: number;
  ranges: number;
  stagedEntries: number;
  objects: number;
  objectBytes: number;
}

class Checker {
  readonly problems: FsckProblem[] = [];
  readonly counts: Counters = {
    repositories: 0,
    commits: 0,
    metaranges: 0,
    ranges: 0,
    stagedEntries: 0,
    objects: 0,
    objectBytes: 0,
  };
  /** Object paths already verified, with their outcome, so shared objects are hashed once. */
  private readonly objectsSeen = new Map<string, ObjectCheck>();

  constructor(
    private readonly store: Store,
    private readonly blockRoot: string,
  ) {}

  report(where: string, message: string): void {
    this.problems.push({ where, message });
  }

  async repository(repo: { id: string; storageNamespace: string }): Promise<void> {
    this.counts.repositories++;
    const where = `repository ${repo.id}`;
    const nsDir = this.namespaceDir(repo.storageNamespace, where);
    if (nsDir === undefined) return;
    if (!existsSync(join(nsDir, "_lakefs", "dummy"))) {
      this.report(where, `storage namespace ${repo.storageNamespace} has no _lakefs/dummy`);
    }
    const tree = new TreeFiles(join(nsDir, "_lakefs"), TREE_CACHE_RANGES);
    const heads: { ref: string; commit: string }[] = [];
    for (const branch of this.store.allBranches(repo.id)) {
      heads.push({ ref: `branch ${branch.id}`, commit: branch.commitId });
      for (const token of [branch.stagingToken, ...branch.sealedTokens]) {
        for (const change of this.store.scanStaged(token)) {
          this.counts.stagedEntries++;
          if (change.value === null) continue;
          await this.object(
            nsDir,
            change.value,
            `${where} branch ${branch.id} staged ${change.key}`,
          );
        }
      }
    }
    const tags = this.store.listTags(repo.id, { prefix: "", after: "", limit: -1 });
    for (const tag of tags) heads.push({ ref: `tag ${tag.id}`, commit: tag.commitId });
    await this.history(repo.id, nsDir, tree, heads);
  }

  /** Walks the commits reachable from `heads`, checking each commit, its tree and its objects. */
  private async history(
    repo: string,
    nsDir: string,
    tree: TreeFiles,
    heads: readonly { ref: string; commit: string }[],
  ): Promise<void> {
    const where = `repository ${repo}`;
    const seen = new Set<string>();
    const metarangesSeen = new Set<string>();
    const rangesSeen = new Set<string>();
    const pending: { id: string; from: string }[] = heads.map((h) => ({
      id: h.commit,
      from: h.ref,
    }));
    while (pending.length > 0) {
      const { id, from } = pending.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const commit = this.store.getCommit(repo, id);
      if (commit === undefined) {
        this.report(`${where} ${from}`, `commit ${id} is missing`);
        continue;
      }
      this.counts.commits++;
      this.commitRecord(repo, commit);
      for (const parent of commit.parents) pending.push({ id: parent, from: `commit ${id}` });
      if (commit.metarangeId === "" || metarangesSeen.has(commit.metarangeId)) continue;
      metarangesSeen.add(commit.metarangeId);
      await this.metarange(nsDir, tree, commit.metarangeId, rangesSeen, `${where} commit ${id}`);
    }
  }

  /** The id must be the hash of the content, and the generation one more than the parents'. */
  private commitRecord(repo: string, commit: Commit): void {
    const where = `repository ${repo} commit ${commit.id}`;
    const expected = commitId(commit);
    if (expected !== commit.id) this.report(where, `content hashes to ${expected}, not its id`);
    const parents = commit.parents.map((p) => this.store.getCommit(repo, p));
    if (parents.some((p) => p === undefined)) return; // reported when the walk reaches them
    const generation =
      parents.length === 0 ? 1 : Math.max(...parents.map((p) => p!.generation)) + 1;
    if (commit.generation !== generation) {
      this.report(where, `generation ${commit.generation}, expected ${generation}`);
    }
  }

  private async metarange(
    nsDir: string,
    tree: TreeFiles,
    id: string,
    rangesSeen: Set<string>,
    where: string,
  ): Promise<void> {
    let refs: ReturnType<TreeFiles["metarange"]>;
    try {
      refs = tree.metarange(id);
    } catch (err) {
      this.report(where, (err as Error).message);
      return;
    }
    this.counts.metaranges++;
    for (const ref of refs) {
      if (rangesSeen.has(ref.id)) continue;
      rangesSeen.add(ref.id);
      let range: ReturnType<TreeFiles["range"]>;
      try {
        range = tree.range(ref.id);
      } catch (err) {
        this.report(`${where} metarange ${id}`, (err as Error).message);
        continue;
      }
      this.counts.ranges++;
      const keys = range.keys;
      if (keys.length !== ref.count || keys[0] !== ref.minKey || keys.at(-1) !== ref.maxKey) {
        this.report(
          `${where} metarange ${id}`,
          `range ${ref.id} holds ${keys.length} keys ${JSON.stringify(keys[0])}..${JSON.stringify(keys.at(-1))}, metarange says ${ref.count} keys ${JSON.stringify(ref.minKey)}..${JSON.stringify(ref.maxKey)}`,
        );
      }
      for (let i = 0; i < keys.length; i++) {
        let entry: Entry;
        try {
          entry = range.entry(i);
        } catch (err) {
          this.report(`${where} range ${ref.id}`, (err as Error).message);
          continue;
        }
        await this.object(nsDir, entry, `${where} object ${keys[i]}`);
      }
    }
  }

  /**
   * The entry's bytes must exist with its size and hash to its ETag: a file's MD5 (not checked
   * for a file with a multipart ETag), or a composite object's multipart ETag over its parts.
   */
  private async object(nsDir: string, entry: Entry, where: string): Promise<void> {
    const path = this.objectPath(nsDir, entry, where);
    if (path === undefined) return;
    let found = this.objectsSeen.get(path);
    if (found === undefined) {
      found = await checkObject(path, entry.addressType === "relative");
      this.objectsSeen.set(path, found);
      if ("size" in found) {
        this.counts.objects++;
        this.counts.objectBytes += found.size;
      }
    }
    const etag = entry.etag.replaceAll('"', "");
    if (!("size" in found)) {
      this.report(where, `object data ${path} ${found.problem}`);
    } else if (found.size !== entry.size) {
      this.report(where, `object data ${path} has ${found.size} bytes, entry says ${entry.size}`);
    } else if (found.composite && found.etag !== etag) {
      this.report(where, `object data ${path} has ETag ${found.etag}, entry says ${entry.etag}`);
    } else if (!found.composite && !etag.includes("-") && found.etag !== etag) {
      this.report(where, `object data ${path} has MD5 ${found.etag}, entry says ${entry.etag}`);
    }
  }

  private objectPath(nsDir: string, entry: Entry, where: string): string | undefined {
    try {
      if (entry.addressType === "relative") {
        return join(nsDir, ...safeSegments(entry.address, "physical address"));
      }
      if (!entry.address.startsWith(`${LOCAL_SCHEME}/`)) {
        throw new Error(`expected ${LOCAL_SCHEME}<absolute path>`);
      }
      const rest = entry.address.slice(LOCAL_SCHEME.length + 1);
      return `/${safeSegments(rest, "physical address", MAX_ABSOLUTE_PATH_BYTES).join("/")}`;
    } catch (err) {
      this.report(
        where,
        `bad physical address ${JSON.stringify(entry.address)}: ${(err as Error).message}`,
      );
      return undefined;
    }
  }

  private namespaceDir(namespace: string, where: string): string | undefined {
    if (!namespace.startsWith(LOCAL_SCHEME)) {
      this.report(where, `storage namespace ${namespace} is not local://`);
      return undefined;
    }
    try {
      return join(
        this.blockRoot,
        ...safeSegments(namespace.slice(LOCAL_SCHEME.length), "namespace"),
      );
    } catch (err) {
      this.report(where, `storage namespace ${namespace}: ${(err as Error).message}`);
      return undefined;
    }
  }
}

/** What an object's bytes turned out to be: intact (size and ETag), or what is wrong. */
type ObjectCheck =
  | { readonly size: number; readonly etag: string; readonly composite: boolean }
  | { readonly problem: string };

/**
 * Hashes a regular file, or (when `compositeAllowed`: only the block store's own directories
 * hold them) verifies a composite object's manifest and every part.
 */
async function checkObject(path: string, compositeAllowed: boolean): Promise<ObjectCheck> {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isFile()) {
    const { size, md5 } = await hashFile(path);
    return { size, etag: md5, composite: false };
  }
  if (!compositeAllowed || !stat?.isDirectory()) return { problem: "is missing" };
  let composite: CompositeObject;
  try {
    composite = CompositeObject.load(path);
  } catch (err) {
    if (err instanceof CorruptComposite)
      return { problem: `is a damaged composite object: ${err.message}` };
    throw err;
  }
  const damaged = await composite.damagedParts();
  if (damaged.length > 0) {
    return { problem: `is a damaged composite object: ${damaged.join("; ")}` };
  }
  return { size: composite.size, etag: composite.manifest.etag, composite: true };
}

/**
 * Checks the data directory `dataDir` (read-only) and returns what it covered and every problem
 * found. Throws when there is no metadata database to check.
 */
export async function fsck(dataDir: string): Promise<FsckReport> {
  const dbPath = join(dataDir, "metadata.db");
  if (!existsSync(dbPath))
    throw new Error(`${dbPath} does not exist: not a lakefs-ts data directory`);
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    const store = new Store(db);
    const checker = new Checker(store, join(dataDir, "block"));
    for (const repo of store.allRepositories()) await checker.repository(repo);
    return { ...checker.counts, problems: checker.problems };
  } finally {
    db.close();
  }
}

/** The `fsck` subcommand: exit 0 when consistent, 1 when problems were found, 2 on usage errors. */
export async function fsckCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let values: { data?: string | undefined; help?: boolean | undefined };
  try {
    values = parseArgs({
      args: [...argv],
      options: { data: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    io.out("Usage: lakefs-ts-server fsck --data DIR\n\nChecks a data directory; never repairs.\n");
    return 0;
  }
  if (!values.data?.trim()) throw new UsageError("fsck: --data DIR is required");
  let report: FsckReport;
  try {
    report = await fsck(values.data);
  } catch (err) {
    io.err(`fsck: ${(err as Error).message}\n`);
    return 1;
  }
  for (const p of report.problems) io.out(`PROBLEM ${p.where}: ${p.message}\n`);
  io.out(
    `checked ${report.repositories} repositories, ${report.commits} commits, ${report.metaranges} metaranges, ${report.ranges} ranges, ${report.stagedEntries} staged entries, ${report.objects} objects (${report.objectBytes} bytes): ${report.problems.length === 0 ? "no problems" : `${report.problems.length} problems`}\n`,
  );
  return report.problems.length === 0 ? 0 : 1;
}
