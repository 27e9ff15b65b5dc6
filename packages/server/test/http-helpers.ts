/**
 * Helpers for the HTTP tests: a real server on a loopback port with a temporary data directory,
 * and a small `fetch` wrapper. Well-formed calls are checked against swagger.yml; calls that
 * are wrong on purpose pass `contract: false`.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, type ServerOptions, startServer } from "lakefs-ts-server";
import { ContractChecker, loadDeviations } from "../../../test/support/contract.js";
import { SMALL_FILE_BYTES } from "../src/block/files.js";

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body when it is JSON, else undefined. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary wire shapes
  readonly json: any;
}

export interface CallOptions {
  /** Sent as a JSON body. */
  readonly json?: unknown;
  /** Sent as is. */
  readonly body?: BodyInit;
  readonly headers?: Record<string, string>;
  /** Authorization header to use; null sends none. Default: the admin's Basic credentials. */
  readonly auth?: string | null;
  /** Check the exchange against swagger.yml (default true). */
  readonly contract?: boolean;
}

export function basicAuth(accessKeyId: string, secretAccessKey: string): string {
  return `Basic ${Buffer.from(`${accessKeyId}:${secretAccessKey}`).toString("base64")}`;
}

export async function readReply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown;
  if (response.headers.get("content-type")?.includes("application/json") && text !== "") {
    json = JSON.parse(text);
  }
  return { status: response.status, headers: response.headers, text, json };
}

export class TestApi {
  private readonly checker = new ContractChecker({ deviations: loadDeviations() });
  private readonly checkedFetch = this.checker.wrap(fetch);
  readonly auth: string;

  constructor(
    readonly server: RunningServer,
    private readonly ownsDataDir: boolean,
  ) {
    const creds = server.credentials!;
    this.auth = basicAuth(creds.accessKeyId, creds.secretAccessKey);
  }

  get endpoint(): string {
    return this.server.endpoint;
  }

  /** One API call below `/api/v1`. */
  async call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const auth = options.auth === undefined ? this.auth : options.auth;
    if (auth !== null) headers.authorization = auth;
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] ??= "application/json";
    }
    const doFetch = options.contract === false ? fetch : this.checkedFetch;
    const response = await doFetch(this.endpoint + path, {
      method,
      headers,
      body,
      redirect: "manual",
    });
    return readReply(response);
  }

  /** Creates a repository with namespace `local://<name>`; returns its name. */
  async createRepo(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await this.call("POST", "/repositories", {
      json: { name, storage_namespace: `local://${name}`, ...extra },
    });
    if (r.status !== 201) throw new Error(`create repository ${name}: ${r.status} ${r.text}`);
    return name;
  }

  /** Uploads `content` to a branch; returns the ObjectStats. */
  async upload(repo: string, branch: string, path: string, content: string | Uint8Array) {
    const r = await this.call(
      "POST",
      `/repositories/${repo}/branches/${branch}/objects?path=${encodeURIComponent(path)}`,
      {
        // A copy owns a plain ArrayBuffer, which is what fetch's BodyInit accepts.
        body: typeof content === "string" ? content : new Uint8Array(content),
        headers: { "content-type": "application/octet-stream" },
      },
    );
    if (r.status !== 201) throw new Error(`upload ${path}: ${r.status} ${r.text}`);
    return r.json;
  }

  async commit(repo: string, branch: string, message = "commit") {
    const r = await this.call("POST", `/repositories/${repo}/branches/${branch}/commits`, {
      json: { message },
    });
    if (r.status !== 201) throw new Error(`commit: ${r.status} ${r.text}`);
    return r.json;
  }

  /** Closes the server, removes a temporary data directory, and fails on contract violations. */
  async close(): Promise<void> {
    await this.server.close();
    if (this.ownsDataDir) rmSync(this.server.dataDir, { recursive: true, force: true });
    this.checker.assertClean();
  }
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), "lakefs-ts-http-"));
}

/** Starts a quickstart server on a free port over a fresh data directory. */
export async function openApi(options: Partial<ServerOptions> = {}): Promise<TestApi> {
  const server = await startServer({
    dataDir: tempDataDir(),
    port: 0,
    quickstart: true,
    ...options,
  });
  return new TestApi(server, options.dataDir === undefined);
}

/** A request body that sends `first`, then waits for `resume()` before sending `rest`. */
export function stalledBody(
  first: string,
  rest: string,
): { body: ReadableStream<Uint8Array>; resume: () => void } {
  let resume!: () => void;
  const stalled = new Promise<void>((r) => {
    resume = r;
  });
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
      await stalled;
      controller.enqueue(new TextEncoder().encode(rest));
      controller.close();
    },
  });
  return { body, resume };
}

/**
 * A body's first part long enough to be streamed to a temp file (smaller bodies are gathered in
 * memory first), so that `untilUploadStreams` sees the upload while it stalls: `text` padded.
 */
export function streamedPrefix(text: string): string {
  return text.padEnd(SMALL_FILE_BYTES + 1, ".");
}

/** Resolves once the block store holds a temp file: an upload has passed its checks and streams. */
export async function untilUploadStreams(server: RunningServer): Promise<void> {
  const tmp = join(server.dataDir, "block", ".tmp");
  while (readdirSync(tmp).length === 0) await new Promise((r) => setTimeout(r, 10));
}
