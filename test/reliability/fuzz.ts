/**
 * Property-based fuzzing of every route in swagger.yml against a server in its own process:
 * fast-check generates path parameters, query parameters, headers and bodies, both within the
 * schemas and outside them (traversal strings, NUL, huge and odd values, wrong types, invalid
 * JSON). Every answer must be a non-5xx status (501 for unimplemented operations excepted), in
 * bounded time, the process must stay up, and its memory must not keep growing.
 *
 * Full run: `npm run test:fuzz` (FUZZ_RUNS per operation, RELIABILITY_SEED).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { call, expectStatus, TransportError } from "./support/api.js";
import { seedFromEnv } from "./support/random.js";
import { spawnServer } from "./support/server-process.js";
import { fillPath, loadSpec, type Operation, type Schema, type Spec } from "./support/swagger.js";

const REPO = "fuzz";
/** A request that takes longer than this counts as a hang. */
const HANG_MS = 30_000;
/** Allowed growth of the server's resident memory over a whole run. */
const MAX_RSS_GROWTH_BYTES = 256 * 1024 * 1024;

/** Strings that have broken path handling somewhere: traversal, encodings, NUL, sizes, scripts. */
const NASTY = [
  "",
  ".",
  "..",
  "../../../etc/passwd",
  "%2e%2e",
  "%2e%2e%2f%2e%2e",
  "..%2f..%2fsecret",
  "a/../../b",
  "/etc/passwd",
  "local:///etc/",
  "local://../outside",
  "local://%2e%2e/x",
  "\u0000",
  "a\u0000b",
  "\\..\\..",
  "~",
  "x".repeat(5000),
  "é🙂\u202e",
  "\ud800",
  "null",
  "-1",
  "9".repeat(40),
  "main~1000",
  "main^^^^",
  "@{-1}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile ref name, not a template
  "${HOME}",
  "<script>",
];

export interface FuzzOptions {
  readonly runsPerOperation: number;
  readonly seed: number;
  readonly log?: (line: string) => void;
}

export interface FuzzResult {
  readonly seed: number;
  readonly operations: number;
  readonly requests: number;
  /** Answers by status class, e.g. {"2xx": 10, "4xx": 900}. */
  readonly statuses: Record<string, number>;
  readonly failures: readonly string[];
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
}

interface FuzzCase {
  readonly pathValues: Record<string, string>;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body:
    | { kind: "json"; value: unknown }
    | { kind: "raw"; bytes: Uint8Array; type: string }
    | { kind: "none" };
}

const nasty = fc.constantFrom(...NASTY);
const anyString = fc.oneof(
  nasty,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);

/** Values within (and slightly outside) a JSON schema: types right most of the time, not always. */
function fromSchema(spec: Spec, schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = spec.resolve(schema) ?? {};
  const wrongType = fc.oneof(
    fc.constant(null),
    fc.integer(),
    anyString,
    fc.boolean(),
    fc.constant([]),
  );
  let right: fc.Arbitrary<unknown>;
  if (s.enum) right = fc.constantFrom(...(s.enum as unknown[]));
  else if (s.type === "object" || s.properties) {
    if (depth > 3) return fc.constant({});
    const props = Object.entries<Schema>(s.properties ?? {});
    const record = fc.record(
      Object.fromEntries(props.map(([k, v]) => [k, fromSchema(spec, v, depth + 1)])),
      { requiredKeys: (s.required as string[] | undefined) ?? [] },
    );
    const extra = s.additionalProperties
      ? fc.dictionary(
          anyString,
          fromSchema(
            spec,
            s.additionalProperties === true ? {} : s.additionalProperties,
            depth + 1,
          ),
          { maxKeys: 3 },
        )
      : fc.constant({});
    right = fc.tuple(record, extra).map(([r, e]) => ({ ...e, ...r }));
  } else if (s.type === "array") {
    right =
      depth > 3
        ? fc.constant([])
        : fc.array(fromSchema(spec, s.items ?? {}, depth + 1), { maxLength: 4 });
  } else if (s.type === "integer") {
    right = fc.oneof(
      fc.integer({ min: -2, max: 1000 }),
      fc.constantFrom(0, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308),
    );
  } else if (s.type === "number") right = fc.oneof(fc.double(), fc.integer());
  else if (s.type === "boolean") right = fc.boolean();
  else right = anyString;
  return fc.oneof({ arbitrary: right, weight: 8 }, { arbitrary: wrongType, weight: 1 });
}

/** A query/path parameter as text: the schema's kind of value, or anything. */
function paramText(spec: Spec, schema: Schema, valid: string | undefined): fc.Arbitrary<string> {
  const typed = fromSchema(spec, schema).map((v) =>
    typeof v === "string" ? v : (JSON.stringify(v) ?? ""),
  );
  return valid === undefined
    ? fc.oneof(typed, anyString)
    : fc.oneof(
        { arbitrary: fc.constant(valid), weight: 3 },
        { arbitrary: typed, weight: 1 },
        { arbitrary: anyString, weight: 1 },
      );
}

function caseArbitrary(
  spec: Spec,
  op: Operation,
  valid: Record<string, string>,
): fc.Arbitrary<FuzzCase> {
  const params = op.parameters.filter((p) => p.in === "path");
  const queries = op.parameters.filter((p) => p.in === "query");
  const pathValues = fc.record(
    Object.fromEntries(params.map((p) => [p.name, paramText(spec, p.schema, valid[p.name])])),
  );
  const query = fc
    .tuple(
      fc.record(
        Object.fromEntries(queries.map((p) => [p.name, paramText(spec, p.schema, valid[p.name])])),
        { requiredKeys: [] },
      ),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), anyString, { maxKeys: 2 }),
    )
    .map(([declared, extra]) => ({ ...extra, ...declared }) as Record<string, string>);
  const headers = fc.record(
    {
      "content-type": fc.constantFrom(
        "application/json",
        "application/octet-stream",
        "text/plain",
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
        "garbage/;;;",
      ),
      range: fc.constantFrom(
        "bytes=0-10",
        "bytes=-5",
        "bytes=10-1",
        "bytes=99999999-",
        "bytes=a-b",
        "items=0-1",
        "bytes=0-1,3-4",
      ),
      "if-none-match": fc.constantFrom("*", '"abc"', "garbage"),
      "x-lakefs-meta-fuzz": fc.string({ maxLength: 20 }).filter((v) => /^[\x20-\x7e]*$/.test(v)),
    },
    { requiredKeys: [] },
  );
  const json = op.jsonBody ? fromSchema(spec, op.jsonBody) : fc.jsonValue();
  const body = fc.oneof(
    { arbitrary: json.map((value) => ({ kind: "json" as const, value })), weight: 4 },
    {
      arbitrary: fc
        .tuple(
          fc.uint8Array({ maxLength: 2048 }),
          fc.constantFrom(
            "application/json",
            "application/octet-stream",
            "multipart/form-data; boundary=b",
          ),
        )
        .map(([bytes, type]) => ({ kind: "raw" as const, bytes, type })),
      weight: 1,
    },
    { arbitrary: fc.constant({ kind: "none" as const }), weight: 1 },
  );
  // fetch cannot send a body with GET or HEAD.
  const sendsBody = op.method !== "GET" && op.method !== "HEAD";
  return fc.record({
    pathValues,
    query,
    headers,
    body: sendsBody ? body : fc.constant({ kind: "none" as const }),
  });
}

/** Resident memory of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

/** A repository with a commit, a second branch and a tag, so valid values reach deep code. */
async function seedRepository(endpoint: string, n: number): Promise<Record<string, string>> {
  await expectStatus(endpoint, "POST", "/repositories", 201, {
    json: { name: REPO, storage_namespace: `local://fuzz-${n}`, default_branch: "main" },
  });
  const base = `/repositories/${REPO}`;
  await expectStatus(endpoint, "POST", `${base}/branches/main/objects`, 201, {
    query: { path: "a/b.txt" },
    raw: Buffer.from("hello"),
  });
  const commit = await expectStatus(endpoint, "POST", `${base}/branches/main/commits`, 201, {
    json: { message: "seed" },
  });
  await expectStatus(endpoint, "POST", `${base}/branches`, 201, {
    json: { name: "dev", source: "main" },
  });
  await expectStatus(endpoint, "POST", `${base}/tags`, 201, { json: { id: "v1", ref: "main" } });
  const commitId = (commit.body as { id: string }).id;
  return {
    repository: REPO,
    branch: "main",
    sourceBranch: "dev",
    destinationBranch: "main",
    sourceRef: "dev",
    leftRef: "main",
    rightRef: "dev",
    ref: "main",
    tag: "v1",
    commitId,
    path: "a/b.txt",
    prefix: "a/",
  };
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const log = options.log ?? (() => {});
  const spec = loadSpec();
  const dataDir = mkdtempSync(join(tmpdir(), "lakefs-ts-fuzz-"));
  const server = await spawnServer(dataDir);
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  let requests = 0;
  let seeded = 0;
  try {
    let valid = await seedRepository(server.endpoint, seeded++);
    const rssBefore = rssOf(server.child.pid!);
    for (const [i, op] of spec.operations.entries()) {
      const cases = fc.sample(caseArbitrary(spec, op, valid), {
        numRuns: options.runsPerOperation,
        seed: options.seed + i,
      });
      for (const c of cases) {
        const path = fillPath(op.path, (name) => c.pathValues[name] ?? "x");
        const described = `${op.operationId} ${op.method} ${path.slice(0, 200)} ${JSON.stringify(c).slice(0, 400)}`;
        let status: number;
        try {
          const res = await call(server.endpoint, op.method, path, {
            query: c.query,
            headers:
              c.body.kind === "raw" ? { ...c.headers, "content-type": c.body.type } : c.headers,
            ...(c.body.kind === "json" ? { json: c.body.value } : {}),
            ...(c.body.kind === "raw" ? { raw: c.body.bytes } : {}),
            signal: AbortSignal.timeout(HANG_MS),
          });
          status = res.status;
          if (status >= 500 && status !== 501)
            failures.push(`${status} ${res.bytes.toString().slice(0, 200)}: ${described}`);
        } catch (err) {
          if (!(err instanceof TransportError)) throw err;
          failures.push(`no answer (${err.message.slice(-80)}): ${described}`);
          if (server.child.exitCode !== null) throw new Error(`server died: ${described}`);
          continue;
        } finally {
          requests++;
        }
        const cls = status === 501 ? "501" : `${Math.floor(status / 100)}xx`;
        statuses[cls] = (statuses[cls] ?? 0) + 1;
      }
      // Fuzzing may delete the repository or its refs; put them back so later operations reach deep code.
      const repo = await call(server.endpoint, "GET", `/repositories/${REPO}/branches/dev`);
      if (repo.status === 404) {
        await call(server.endpoint, "DELETE", `/repositories/${REPO}`, { query: { force: true } });
        valid = await seedRepository(server.endpoint, seeded++);
      }
      if (i % 20 === 19)
        log(
          `${i + 1}/${spec.operations.length} operations, ${requests} requests, ${failures.length} failures`,
        );
    }
    const health = await call(server.endpoint, "GET", "/healthcheck", { auth: null });
    if (health.status !== 204) failures.push(`healthcheck after fuzzing: ${health.status}`);
    const rssAfter = rssOf(server.child.pid!);
    if (rssAfter - rssBefore > MAX_RSS_GROWTH_BYTES)
      failures.push(`server RSS grew from ${rssBefore} to ${rssAfter} bytes`);
    return {
      seed: options.seed,
      operations: spec.operations.length,
      requests,
      statuses,
      failures,
      rssBeforeBytes: rssBefore,
      rssAfterBytes: rssAfter,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runFuzz({
    runsPerOperation: Number(process.env.FUZZ_RUNS ?? 200),
    seed: seedFromEnv(),
    log: (line) => console.log(line),
  });
  console.log(
    JSON.stringify(
      { ...result, failures: result.failures.slice(0, 50), failureCount: result.failures.length },
      null,
      2,
    ),
  );
  process.exit(result.failures.length === 0 ? 0 : 1);
}
