/**
 * Load and concurrency on one branch: writers upload and commit to `main` concurrently, mergers
 * merge their own branches into it, readers read it, for a bounded time against a server in its
 * own process. Afterwards: no acknowledged upload or commit is missing, history is closed under
 * parents, and no reader ever saw half of a merge (each merge carries a pair of objects written
 * together). Reports operations completed and errors by kind (including 429s, which the server
 * only answers once its own compare-and-set retries are exhausted).
 *
 * Full run: `npm run test:load` (LOAD_SECONDS, LOAD_WRITERS, RELIABILITY_SEED).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, expectStatus, TransportError } from "./support/api.js";
import {
  type Content,
  contentDifferences,
  listContent,
  type ObjectState,
  objectState,
} from "./support/model.js";
import { Random, seedFromEnv } from "./support/random.js";
import { spawnServer } from "./support/server-process.js";

const REPO = "load";
const BASE = `/repositories/${REPO}`;

export interface LoadOptions {
  readonly seconds: number;
  readonly writers: number;
  readonly mergers: number;
  readonly readers: number;
  readonly seed: number;
}

export interface LoadResult {
  readonly seed: number;
  readonly seconds: number;
  readonly clients: number;
  /** Completed (acknowledged) operations by kind. */
  readonly completed: Record<string, number>;
  /** Failed operations by kind: `<operation> <status> <message>`. */
  readonly errors: Record<string, number>;
  readonly tooManyAttempts: number;
  /** Acknowledged writes or commits missing afterwards, torn reads, history holes. */
  readonly violations: readonly string[];
}

class Tally {
  readonly completed: Record<string, number> = {};
  readonly errors: Record<string, number> = {};
  ok(kind: string): void {
    this.completed[kind] = (this.completed[kind] ?? 0) + 1;
  }
  failed(kind: string, status: number, body: unknown): void {
    const message = String((body as { message?: string })?.message ?? "").slice(0, 60);
    const key = `${kind} ${status} ${message}`;
    this.errors[key] = (this.errors[key] ?? 0) + 1;
  }
}

/** Pages through the log of `ref`, returning every commit's id and parents. */
async function history(endpoint: string, ref: string): Promise<Map<string, string[]>> {
  const commits = new Map<string, string[]>();
  let after = "";
  for (;;) {
    const res = await expectStatus(endpoint, "GET", `${BASE}/refs/${ref}/commits`, 200, {
      query: { after, amount: 1000 },
    });
    const page = res.body as {
      results: { id: string; parents: string[] }[];
      pagination: { has_more: boolean; next_offset: string };
    };
    for (const c of page.results) commits.set(c.id, c.parents);
    if (!page.pagination.has_more) return commits;
    after = page.pagination.next_offset;
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const rng = new Random(options.seed);
  const dataDir = mkdtempSync(join(tmpdir(), "lakefs-ts-load-"));
  const server = await spawnServer(dataDir);
  const { endpoint } = server;
  const tally = new Tally();
  const violations: string[] = [];
  /** Uploads acknowledged on main; `committed` once a later commit by the writer returned. */
  const uploads = new Map<string, { state: ObjectState; committed: boolean }>();
  const commits = new Set<string>();
  const deadline = Date.now() + options.seconds * 1000;
  const running = () => Date.now() < deadline;

  await expectStatus(endpoint, "POST", "/repositories", 201, {
    json: { name: REPO, storage_namespace: `local://${REPO}`, default_branch: "main" },
  });
  for (let j = 0; j < options.mergers; j++) {
    await expectStatus(endpoint, "POST", `${BASE}/branches`, 201, {
      json: { name: `feature-${j}`, source: "main" },
    });
  }

  const writer = async (i: number) => {
    for (let n = 0; running(); n++) {
      const path = `w${i}/${n}`;
      const bytes = rng.bytes(rng.int(0, 4096));
      const state = objectState(bytes, { n: String(n) });
      const up = await call(endpoint, "POST", `${BASE}/branches/main/objects`, {
        query: { path },
        raw: bytes,
        headers: { "x-lakefs-meta-n": String(n) },
      });
      if (up.status !== 201) {
        tally.failed("upload", up.status, up.body);
        continue;
      }
      tally.ok("upload");
      const mine = { state, committed: false };
      uploads.set(path, mine);
      const res = await call(endpoint, "POST", `${BASE}/branches/main/commits`, {
        json: { message: `writer ${i} #${n}` },
      });
      if (res.status === 201) {
        commits.add((res.body as { id: string }).id);
        tally.ok("commit");
      } else {
        tally.failed("commit", res.status, res.body);
      }
      // 201, or "no changes" because another writer's commit already took this upload.
      if (res.status === 201 || res.status === 400) mine.committed = true;
    }
  };

  const merger = async (j: number) => {
    const branch = `feature-${j}`;
    for (let gen = 0; running(); gen++) {
      for (const name of ["x", "y"]) {
        const up = await call(endpoint, "POST", `${BASE}/branches/${branch}/objects`, {
          query: { path: `m${j}/${name}` },
          raw: Buffer.from(`merger ${j} generation ${gen}`),
          headers: { "x-lakefs-meta-gen": String(gen) },
        });
        if (up.status !== 201) tally.failed("upload", up.status, up.body);
      }
      const c = await call(endpoint, "POST", `${BASE}/branches/${branch}/commits`, {
        json: { message: `gen ${gen}` },
      });
      if (c.status !== 201) {
        tally.failed("commit", c.status, c.body);
        continue;
      }
      // The destination is dirty whenever a writer has staged but not yet committed: try again.
      while (running()) {
        const m = await call(endpoint, "POST", `${BASE}/refs/${branch}/merge/main`, {
          json: { message: `merge ${branch} gen ${gen}` },
        });
        if (m.status === 200) {
          commits.add((m.body as { reference: string }).reference);
          tally.ok("merge");
          break;
        }
        tally.failed("merge", m.status, m.body);
      }
    }
  };

  const reader = async () => {
    while (running()) {
      const head = await call(endpoint, "GET", `${BASE}/branches/main`);
      if (head.status !== 200) {
        tally.failed("read", head.status, head.body);
        continue;
      }
      const commitId = (head.body as { commit_id: string }).commit_id;
      const first = await listContent(endpoint, REPO, commitId);
      for (let j = 0; j < options.mergers; j++) {
        const x = first.get(`m${j}/x`)?.metadata.gen;
        const y = first.get(`m${j}/y`)?.metadata.gen;
        if (x !== y)
          violations.push(
            `commit ${commitId} shows half a merge: m${j}/x gen ${x}, m${j}/y gen ${y}`,
          );
      }
      const again = await listContent(endpoint, REPO, commitId);
      for (const d of contentDifferences(first, again))
        violations.push(`commit ${commitId} changed between reads: ${d}`);
      tally.ok("read");
    }
  };

  try {
    await Promise.all([
      ...Array.from({ length: options.writers }, (_, i) => writer(i)),
      ...Array.from({ length: options.mergers }, (_, j) => merger(j)),
      ...Array.from({ length: options.readers }, () => reader()),
    ]);

    const staged = await listContent(endpoint, REPO, "main");
    const head = (await expectStatus(endpoint, "GET", `${BASE}/branches/main`, 200)).body as {
      commit_id: string;
    };
    const committed = await listContent(endpoint, REPO, head.commit_id);
    const expectStaged: Content = new Map();
    const expectCommitted: Content = new Map();
    for (const [path, u] of uploads) {
      expectStaged.set(path, u.state);
      if (u.committed) expectCommitted.set(path, u.state);
    }
    const only = (c: Content, keep: (path: string) => boolean) =>
      new Map([...c].filter(([p]) => keep(p)));
    for (const d of contentDifferences(
      expectStaged,
      only(staged, (p) => p.startsWith("w")),
      20,
    )) {
      violations.push(`main: ${d}`);
    }
    for (const d of contentDifferences(
      expectCommitted,
      only(committed, (p) => expectCommitted.has(p)),
      20,
    )) {
      violations.push(`head commit: ${d}`);
    }
    const log = await history(endpoint, "main");
    for (const id of commits)
      if (!log.has(id)) violations.push(`acknowledged commit ${id} is not in main's history`);
    for (const [id, parents] of log) {
      for (const p of parents)
        if (!log.has(p)) violations.push(`commit ${id}: parent ${p} missing from history`);
    }
  } catch (err) {
    if (err instanceof TransportError) violations.push(`server stopped answering: ${err.message}`);
    else throw err;
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const tooManyAttempts = Object.entries(tally.errors)
    .filter(([k]) => / 429 /.test(k))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    seed: options.seed,
    seconds: options.seconds,
    clients: options.writers + options.mergers + options.readers,
    completed: tally.completed,
    errors: tally.errors,
    tooManyAttempts,
    violations,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runLoad({
    seconds: Number(process.env.LOAD_SECONDS ?? 60),
    writers: Number(process.env.LOAD_WRITERS ?? 16),
    mergers: 2,
    readers: 2,
    seed: seedFromEnv(),
  });
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.violations.length === 0 ? 0 : 1);
}
