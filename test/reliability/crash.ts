/**
 * Crash-consistency harness. The server runs as a child process; several clients drive a random
 * workload (uploads, presigned multipart uploads, S3-gateway puts, multipart uploads and deletes,
 * deletes, commits guarded by a pre-commit webhook action, merges, branch and tag operations,
 * imports) each on its own branch, and the server is SIGKILLed at a random moment —
 * with fault "power", its data directory is on powerfs and the power is cut right after the
 * kill, so only what the server fsynced survives (`power-loss.ts`). Between trials `fsck` checks
 * the data directory, and after each restart every acknowledged write, commit, branch and tag is
 * checked: present, same bytes and metadata, and nothing unacknowledged visible except the single
 * in-flight operation of each client (old or new state, never a partial one).
 *
 * Full run: `npm run test:crash` (50 trials; CRASH_TRIALS, CRASH_CLIENTS, RELIABILITY_SEED).
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { QUICKSTART_CREDENTIALS } from "lakefs-ts-server";
import { fsck } from "../../packages/server/src/fsck.js";
import { call, expectStatus, TransportError } from "./support/api.js";
import {
  type Content,
  contentDifferences,
  listContent,
  type ObjectState,
  objectState,
  readMatches,
  sameObject,
} from "./support/model.js";
import { PowerFs } from "./support/powerfs.js";
import { Random, seedFromEnv } from "./support/random.js";
import { type ServerProcess, spawnServer } from "./support/server-process.js";

const REPO = "crash";
const PATHS_PER_CLIENT = 10;
const IMPORT_SOURCES = 3;
const S3_MIN_PART = 5 * 1024 * 1024;
/** A pre-commit webhook on every client branch: each acknowledged commit must keep its run. */
const ACTION_FILE = "_lakefs_actions/audit.yaml";

export interface CrashOptions {
  readonly trials: number;
  readonly clients: number;
  readonly seed: number;
  /** Longest wait before the kill, per trial. */
  readonly maxRunMs: number;
  readonly log?: (line: string) => void;
  /**
   * "kill" (default): SIGKILL only, so the page cache survives. "power": the data directory is on
   * powerfs, and each SIGKILL is followed by a power cut, so only what was fsynced survives.
   */
  readonly fault?: "kill" | "power";
  /** Offer presign: adds presigned multipart uploads to the workload. */
  readonly presign?: boolean;
  /** Extra server environment (the negative controls' LAKEFS_TS_UNSAFE_NO_FSYNC). */
  readonly serverEnv?: Readonly<Record<string, string>>;
}

export interface CrashResult {
  readonly seed: number;
  readonly trials: number;
  readonly fault: "kill" | "power";
  /** SIGKILLs (each followed by a power cut when the fault is "power"). */
  readonly kills: number;
  /** Acknowledged operations by kind, over all trials. */
  readonly acknowledged: Record<string, number>;
  /** Operations in flight when the server died (their outcome may go either way). */
  readonly inFlightAtKill: number;
  readonly commitsVerified: number;
  readonly objectsVerified: number;
  /** Everything that was acknowledged but not found intact, and every fsck problem. */
  readonly lost: readonly string[];
}

interface CommitRecord {
  readonly id: string;
  readonly message: string;
  readonly snapshot: Content;
  verified: boolean;
}

/** What happened to the operation a client had in flight when the connection broke. */
type Pending =
  | {
      kind: "object";
      path: string;
      before: ObjectState | undefined;
      after: ObjectState | undefined;
    }
  | { kind: "head"; before: string; prefix?: string; snapshot?: Content }
  | { kind: "ref"; name: string; type: "tag" | "branch"; commit: string };

/** One client: works on its own branch, so the branch's acknowledged state is known exactly. */
class CrashClient {
  readonly branch: string;
  readonly files: Content = new Map();
  head = "";
  pending: Pending | undefined;
  readonly commits: CommitRecord[] = [];
  /** Acknowledged tags and branches, the commit each points at, and whether it may be gone. */
  readonly refs = new Map<string, { type: "tag" | "branch"; commit: string; maybeGone: boolean }>();
  /** Merge commits on `main` whose merge was acknowledged. */
  readonly merges: string[] = [];
  private seq = 0;
  private dirty = false;

  constructor(
    readonly index: number,
    private readonly rng: Random,
    private readonly counts: Record<string, number>,
    private readonly importRoot: string,
    private readonly presign: boolean,
  ) {
    this.branch = `client-${index}`;
  }

  private ack(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  /** Runs operations until the server dies (a transport error), recording the in-flight one. */
  async run(endpoint: string, trial: number): Promise<void> {
    const s3 = gatewayClient(endpoint);
    try {
      for (;;) {
        await this.step(endpoint, s3, trial);
        this.pending = undefined;
      }
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
    } finally {
      s3.destroy();
    }
  }

  private async step(endpoint: string, s3: S3Client, trial: number): Promise<void> {
    const op = this.rng.weighted({
      upload: 40,
      delete: 8,
      commit: 18,
      merge: 8,
      tag: 6,
      branch: 6,
      deleteRef: 6,
      import: this.dirty ? 0 : 8,
      multipart: this.presign ? 8 : 0,
      s3put: 8,
      s3multipart: 4,
      s3delete: 3,
    });
    const base = `/repositories/${REPO}`;
    switch (op) {
      case "upload": {
        const path = `${this.branch}/f${this.rng.int(0, PATHS_PER_CLIENT - 1)}`;
        const size =
          this.rng.next() < 0.1 ? this.rng.int(256 * 1024, 2 * 1024 * 1024) : this.rng.int(0, 8192);
        const bytes = this.rng.bytes(size);
        const metadata = { trial: String(trial), seq: String(this.seq++) };
        const after = objectState(bytes, metadata);
        this.pending = { kind: "object", path, before: this.files.get(path), after };
        await expectStatus(endpoint, "POST", `${base}/branches/${this.branch}/objects`, 201, {
          query: { path },
          raw: bytes,
          headers: { "x-lakefs-meta-trial": metadata.trial, "x-lakefs-meta-seq": metadata.seq },
        });
        this.files.set(path, after);
        this.dirty = true;
        return this.ack("upload");
      }
      case "multipart": {
        const path = `${this.branch}/f${this.rng.int(0, PATHS_PER_CLIENT - 1)}`;
        const parts = Array.from({ length: this.rng.int(1, 3) }, () =>
          this.rng.bytes(this.rng.int(1, 300 * 1024)),
        );
        const metadata = { trial: String(trial), seq: String(this.seq++) };
        const after = multipartState(parts, metadata);
        this.pending = { kind: "object", path, before: this.files.get(path), after };
        const staging = `${base}/branches/${this.branch}/staging/pmpu`;
        const created = await expectStatus(endpoint, "POST", staging, 201, {
          query: { path, parts: parts.length },
        });
        const upload = created.body as {
          upload_id: string;
          physical_address: string;
          presigned_urls: string[];
        };
        for (const [i, url] of upload.presigned_urls.entries()) {
          await expectStatus(url, "PUT", "", 200, { raw: parts[i]!, auth: null });
        }
        await expectStatus(endpoint, "PUT", `${staging}/${upload.upload_id}`, 200, {
          query: { path },
          json: {
            physical_address: upload.physical_address,
            parts: parts.map((p, i) => ({ part_number: i + 1, etag: md5(p) })),
            user_metadata: metadata,
          },
        });
        this.files.set(path, after);
        this.dirty = true;
        return this.ack("multipart upload");
      }
      case "s3put":
      case "s3multipart": {
        const path = `${this.branch}/f${this.rng.int(0, PATHS_PER_CLIENT - 1)}`;
        const metadata = { trial: String(trial), seq: String(this.seq++) };
        const target = { Bucket: REPO, Key: `${this.branch}/${path}` };
        // S3 wants every part but the last to hold at least 5 MiB: mostly one small part.
        const big = op === "s3multipart" && this.rng.next() < 0.2;
        const parts = [this.rng.bytes(big ? S3_MIN_PART : this.rng.int(0, 200 * 1024))];
        if (big) parts.push(this.rng.bytes(this.rng.int(1, 64 * 1024)));
        const after =
          op === "s3put" ? objectState(parts[0]!, metadata) : multipartState(parts, metadata);
        this.pending = { kind: "object", path, before: this.files.get(path), after };
        if (op === "s3put") {
          await gateway(
            s3.send(new PutObjectCommand({ ...target, Body: parts[0], Metadata: metadata })),
          );
        } else {
          const { UploadId } = await gateway(
            s3.send(new CreateMultipartUploadCommand({ ...target, Metadata: metadata })),
          );
          const done = [];
          for (const [i, Body] of parts.entries()) {
            const part = { ...target, UploadId, PartNumber: i + 1, Body };
            const { ETag } = await gateway(s3.send(new UploadPartCommand(part)));
            done.push({ PartNumber: i + 1, ETag });
          }
          await gateway(
            s3.send(
              new CompleteMultipartUploadCommand({
                ...target,
                UploadId,
                MultipartUpload: { Parts: done },
              }),
            ),
          );
        }
        this.files.set(path, after);
        this.dirty = true;
        return this.ack(op === "s3put" ? "s3 put" : "s3 multipart upload");
      }
      case "delete":
      case "s3delete": {
        const path = this.rng.pick(
          [...this.files.keys()].filter((p) => !p.includes("/imported/") && p !== ACTION_FILE),
        );
        if (path === undefined) return;
        this.pending = { kind: "object", path, before: this.files.get(path), after: undefined };
        if (op === "s3delete") {
          await gateway(
            s3.send(new DeleteObjectCommand({ Bucket: REPO, Key: `${this.branch}/${path}` })),
          );
        } else {
          await expectStatus(endpoint, "DELETE", `${base}/branches/${this.branch}/objects`, 204, {
            query: { path },
          });
        }
        this.files.delete(path);
        this.dirty = true;
        return this.ack(op === "s3delete" ? "s3 delete" : "delete");
      }
      case "commit": {
        const message = `${this.branch} trial ${trial} #${this.seq++}`;
        this.pending = { kind: "head", before: this.head, snapshot: new Map(this.files) };
        const res = await expectStatus(
          endpoint,
          "POST",
          `${base}/branches/${this.branch}/commits`,
          [201, 400],
          { json: { message, metadata: { client: this.branch } } },
        );
        if (res.status === 400) return; // "commit: no changes" after a restart left nothing staged
        const id = (res.body as { id: string }).id;
        this.head = id;
        this.dirty = false;
        this.commits.push({ id, message, snapshot: new Map(this.files), verified: false });
        return this.ack("commit");
      }
      case "merge": {
        if (this.head === "") return;
        const res = await expectStatus(
          endpoint,
          "POST",
          `${base}/refs/${this.branch}/merge/main`,
          [200, 400, 429],
          { json: { message: `merge ${this.branch}` } },
        );
        // 400: nothing new to merge; 429: main stayed contended through the server's retries.
        if (res.status !== 200) return;
        this.merges.push((res.body as { reference: string }).reference);
        return this.ack("merge");
      }
      case "tag":
      case "branch": {
        if (this.head === "") return;
        const name = `${op === "tag" ? "t" : "b"}-${this.index}-${trial}-${this.seq++}`;
        this.pending = { kind: "ref", name, type: op, commit: this.head };
        if (op === "tag") {
          await expectStatus(endpoint, "POST", `${base}/tags`, 201, {
            json: { id: name, ref: this.head },
          });
        } else {
          await expectStatus(endpoint, "POST", `${base}/branches`, 201, {
            json: { name, source: this.head },
          });
        }
        this.refs.set(name, { type: op, commit: this.head, maybeGone: false });
        return this.ack(op);
      }
      case "deleteRef": {
        const known = [...this.refs].filter(([, r]) => !r.maybeGone);
        if (known.length === 0) return;
        const [name, ref] = this.rng.pick(known);
        this.pending = { kind: "ref", name, type: ref.type, commit: ref.commit };
        const path = ref.type === "tag" ? `${base}/tags/${name}` : `${base}/branches/${name}`;
        await expectStatus(endpoint, "DELETE", path, 204);
        this.refs.delete(name);
        return this.ack(`delete ${ref.type}`);
      }
      case "import": {
        const source = this.rng.int(0, IMPORT_SOURCES - 1);
        const prefix = `${this.branch}/imported/`;
        const snapshot = new Map([...this.files].filter(([p]) => !p.startsWith(prefix)));
        for (const [name, state] of importSourceFiles(source)) snapshot.set(prefix + name, state);
        this.pending = { kind: "head", before: this.head, prefix, snapshot };
        const started = await expectStatus(
          endpoint,
          "POST",
          `${base}/branches/${this.branch}/import`,
          202,
          {
            json: {
              paths: [
                {
                  type: "common_prefix",
                  path: `local://${join(this.importRoot, `src-${source}`)}/`,
                  destination: prefix,
                },
              ],
              commit: { message: `import ${source}` },
            },
          },
        );
        const id = (started.body as { id: string }).id;
        for (;;) {
          const status = await expectStatus(
            endpoint,
            "GET",
            `${base}/branches/${this.branch}/import`,
            200,
            {
              query: { id },
            },
          );
          const s = status.body as {
            completed: boolean;
            commit?: { id: string };
            error?: { message: string };
          };
          if (s.error) throw new Error(`import failed: ${s.error.message}`);
          if (s.completed) {
            this.head = s.commit!.id;
            this.files.clear();
            for (const [p, state] of snapshot) this.files.set(p, state);
            this.commits.push({
              id: this.head,
              message: `import ${source}`,
              snapshot,
              verified: false,
            });
            return this.ack("import");
          }
          await sleep(20);
        }
      }
    }
  }

  /**
   * After a restart: settles the in-flight operation from what the server shows (it must be the
   * before or after state), then requires the branch to match the model exactly.
   */
  async reconcile(endpoint: string, lost: string[]): Promise<void> {
    const branch = await expectStatus(
      endpoint,
      "GET",
      `/repositories/${REPO}/branches/${this.branch}`,
      200,
    );
    const serverHead = (branch.body as { commit_id: string }).commit_id;
    const actual = await listContent(endpoint, REPO, this.branch);
    const p = this.pending;
    this.pending = undefined;
    this.dirty = true; // an in-flight write may have landed; a commit may then say "no changes"
    if (p?.kind === "object") {
      const got = actual.get(p.path);
      if (sameObject(got, p.after)) {
        if (p.after) this.files.set(p.path, p.after);
        else this.files.delete(p.path);
      } else if (!sameObject(got, p.before)) {
        lost.push(`${this.branch}/${p.path}: in-flight write left ${JSON.stringify(got ?? null)}`);
      }
    }
    if (p?.kind === "head" && serverHead !== p.before) {
      // The in-flight commit or import landed: adopt it, but only with its exact content.
      const commit = await expectStatus(
        endpoint,
        "GET",
        `/repositories/${REPO}/commits/${serverHead}`,
        200,
      );
      const parents = (commit.body as { parents: string[] }).parents;
      if (parents[0] !== p.before)
        lost.push(`${this.branch}: head moved to ${serverHead} not on top of ${p.before}`);
      this.head = serverHead;
      if (p.prefix !== undefined && p.snapshot) {
        this.files.clear();
        for (const [path, state] of p.snapshot) this.files.set(path, state);
      }
    }
    if (p?.kind === "ref") {
      // Whether the create or delete happened is unknown: accept either, remember it may be gone.
      this.refs.set(p.name, { type: p.type, commit: p.commit, maybeGone: true });
    }
    if (serverHead !== this.head)
      lost.push(`${this.branch}: head ${serverHead}, acknowledged ${this.head}`);
    for (const d of contentDifferences(this.files, actual)) lost.push(`${this.branch} ${d}`);
  }
}

/** An S3 client for the gateway on the server's port, with the quickstart credentials. */
function gatewayClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint: endpoint.replace(/\/api\/v1$/, ""),
    forcePathStyle: true,
    region: "us-east-1",
    credentials: QUICKSTART_CREDENTIALS,
    maxAttempts: 1,
  });
}

/** An S3 call's result; a failure without an HTTP status (the server died) is a TransportError. */
async function gateway<T>(sent: Promise<T>): Promise<T> {
  try {
    return await sent;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === undefined) throw new TransportError(`S3: ${(err as Error).message}`);
    throw err;
  }
}

function md5(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** An object uploaded in parts: its ETag is the MD5 of the parts' MD5s, then "-<parts>". */
function multipartState(parts: readonly Buffer[], metadata: Record<string, string>): ObjectState {
  const digests = Buffer.concat(parts.map((p) => createHash("md5").update(p).digest()));
  return {
    checksum: `${md5(digests)}-${parts.length}`,
    size: parts.reduce((sum, p) => sum + p.length, 0),
    metadata,
    contentMd5: md5(Buffer.concat(parts)),
  };
}

/** Files of import source `n` (deterministic, so the model knows their checksums). */
function importSourceFiles(n: number): [string, ObjectState][] {
  return [0, 1, 2, 3].map((i) => [`dir/file-${i}.txt`, objectState(importFileBytes(n, i), {})]);
}

function importFileBytes(n: number, i: number): Buffer {
  return Buffer.from(`import source ${n} file ${i}\n`.repeat(10 * (i + 1)));
}

function writeImportSources(root: string): void {
  for (let n = 0; n < IMPORT_SOURCES; n++) {
    for (let i = 0; i < 4; i++) {
      const dir = join(root, `src-${n}`, "dir");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `file-${i}.txt`), importFileBytes(n, i));
    }
  }
}

/** Commit ids of the branch's completed pre-commit action runs. */
async function auditedCommits(endpoint: string, branch: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let after = "";
  for (;;) {
    const res = await expectStatus(endpoint, "GET", `/repositories/${REPO}/actions/runs`, 200, {
      query: { branch, after, amount: 1000 },
    });
    const page = res.body as {
      results: { commit_id: string; event_type: string; status: string }[];
      pagination: { has_more: boolean; next_offset: string };
    };
    for (const run of page.results) {
      if (run.event_type === "pre-commit" && run.status === "completed") ids.add(run.commit_id);
    }
    if (!page.pagination.has_more) return ids;
    after = page.pagination.next_offset;
  }
}

/** A webhook that accepts every event (the harness process outlives each server it kills). */
async function acceptingWebhook(): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Checks commits (content for new ones and a sample of old ones), refs and some bytes. */
async function verifyHistory(
  endpoint: string,
  clients: readonly CrashClient[],
  rng: Random,
  lost: string[],
): Promise<{ commits: number; objects: number }> {
  let commits = 0;
  let objects = 0;
  for (const client of clients) {
    for (const c of client.commits) {
      const res = await call(endpoint, "GET", `/repositories/${REPO}/commits/${c.id}`);
      commits++;
      if (res.status !== 200 || (res.body as { message: string }).message !== c.message) {
        lost.push(`commit ${c.id} (${c.message}): HTTP ${res.status}`);
        continue;
      }
      if (c.verified && rng.next() > 0.1) continue;
      const actual = await listContent(endpoint, REPO, c.id);
      for (const d of contentDifferences(c.snapshot, actual)) lost.push(`commit ${c.id} ${d}`);
      c.verified = true;
    }
    for (const [name, ref] of client.refs) {
      const path =
        ref.type === "tag"
          ? `/repositories/${REPO}/tags/${name}`
          : `/repositories/${REPO}/branches/${name}`;
      const res = await call(endpoint, "GET", path);
      if (res.status === 404 && ref.maybeGone) {
        client.refs.delete(name);
        continue;
      }
      const at = (res.body as { commit_id?: string }).commit_id;
      if (res.status !== 200 || at !== ref.commit) {
        lost.push(
          `${ref.type} ${name}: HTTP ${res.status} at ${at}, acknowledged at ${ref.commit}`,
        );
      }
      ref.maybeGone = false;
    }
    // The pre-commit run of an acknowledged commit was recorded before the commit answered.
    const audited = await auditedCommits(endpoint, client.branch);
    for (const c of client.commits) {
      if (!audited.has(c.id)) lost.push(`commit ${c.id}: no completed pre-commit action run`);
    }
    for (const id of client.merges) {
      const res = await call(endpoint, "GET", `/repositories/${REPO}/commits/${id}`);
      if (res.status !== 200) lost.push(`merge commit ${id}: HTTP ${res.status}`);
    }
    const paths = [...client.files.keys()];
    for (let i = 0; i < Math.min(3, paths.length); i++) {
      const path = rng.pick(paths);
      const problem = await readMatches(
        endpoint,
        REPO,
        client.branch,
        path,
        client.files.get(path)!,
      );
      objects++;
      if (problem) lost.push(problem);
    }
  }
  return { commits, objects };
}

/** Runs the harness; the work directory is removed afterwards unless something was lost. */
export async function runCrashTrials(
  options: CrashOptions,
): Promise<CrashResult & { dataDir: string }> {
  const log = options.log ?? (() => {});
  const fault = options.fault ?? "kill";
  const rng = new Random(options.seed);
  const work = mkdtempSync(join(tmpdir(), `lakefs-ts-${fault === "power" ? "power" : "crash"}-`));
  let disk: PowerFs | undefined;
  if (fault === "power") {
    mkdirSync(join(work, "disk"));
    mkdirSync(join(work, "mnt"));
    disk = await PowerFs.mount(join(work, "disk"), join(work, "mnt"));
  }
  // The server creates the data directory itself: making that durable is its job too.
  const dataDir = join(disk?.mountpoint ?? work, "data");
  const importRoot = join(work, "import");
  writeImportSources(importRoot);
  const counts: Record<string, number> = {};
  const clients = Array.from(
    { length: options.clients },
    (_, i) => new CrashClient(i, rng, counts, importRoot, options.presign ?? false),
  );
  const lost: string[] = [];
  let inFlight = 0;
  let commitsVerified = 0;
  let objectsVerified = 0;
  let kills = 0;
  const start = () =>
    spawnServer(dataDir, [importRoot], { presign: options.presign, env: options.serverEnv });

  let server: ServerProcess | undefined = await start();
  await expectStatus(server.endpoint, "POST", "/repositories", 201, {
    json: { name: REPO, storage_namespace: `local://${REPO}`, default_branch: "main" },
  });
  const webhook = await acceptingWebhook();
  const action = Buffer.from(
    `name: audit\non:\n  pre-commit:\n    branches: ["client-*"]\nhooks:\n  - id: audit\n    type: webhook\n    properties:\n      url: ${webhook.url}\n`,
  );
  await expectStatus(server.endpoint, "POST", `/repositories/${REPO}/branches/main/objects`, 201, {
    query: { path: ACTION_FILE },
    raw: action,
  });
  await expectStatus(server.endpoint, "POST", `/repositories/${REPO}/branches/main/commits`, 201, {
    json: { message: "install the audit action" },
  });
  for (const c of clients) {
    const res = await expectStatus(server.endpoint, "POST", `/repositories/${REPO}/branches`, 201, {
      json: { name: c.branch, source: "main" },
    });
    c.head = String(res.body instanceof Buffer ? res.body.toString() : res.body).trim();
    c.files.set(ACTION_FILE, objectState(action, {}));
  }
  for (let trial = 1; trial <= options.trials && server; trial++) {
    const runs = clients.map((c) => c.run(server!.endpoint, trial));
    await sleep(rng.int(50, options.maxRunMs));
    await server.kill();
    server = undefined;
    kills++;
    if (disk) {
      await disk.cutPower();
      disk = await PowerFs.mount(disk.backing, disk.mountpoint);
    }
    await Promise.all(runs);
    inFlight += clients.filter((c) => c.pending !== undefined).length;

    // After a lossy outage anything may fail; every failure is reported as a loss.
    let fsckSummary = "";
    try {
      const report = await fsck(dataDir);
      fsckSummary = `fsck ${report.commits} commits ${report.objects} objects`;
      for (const p of report.problems) {
        lost.push(`fsck after trial ${trial}: ${p.where}: ${p.message}`);
      }
      server = await start();
      for (const c of clients) await c.reconcile(server.endpoint, lost);
      const verified = await verifyHistory(server.endpoint, clients, rng, lost);
      commitsVerified += verified.commits;
      objectsVerified += verified.objects;
    } catch (err) {
      lost.push(`after trial ${trial}: ${(err as Error).message.slice(0, 500)}`);
    }
    log(
      `trial ${trial}/${options.trials}: ${JSON.stringify(counts)}; ${fsckSummary}; lost ${lost.length}`,
    );
    if (lost.length > 0) break;
  }
  await server?.stop();
  webhook.close();
  await disk?.unmount();
  if (lost.length === 0) rmSync(work, { recursive: true, force: true });
  return {
    seed: options.seed,
    trials: options.trials,
    fault,
    kills,
    acknowledged: counts,
    inFlightAtKill: inFlight,
    commitsVerified,
    objectsVerified,
    lost,
    dataDir: disk ? join(disk.backing, "data") : dataDir,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seed = seedFromEnv();
  const result = await runCrashTrials({
    trials: Number(process.env.CRASH_TRIALS ?? 50),
    clients: Number(process.env.CRASH_CLIENTS ?? 4),
    maxRunMs: Number(process.env.CRASH_MAX_RUN_MS ?? 2500),
    seed,
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.lost.length === 0 ? 0 : 1);
}
