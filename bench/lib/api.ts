/**
 * The runner's own lakeFS calls for setting up and timing scenarios (creating repositories,
 * committing, diff, merge). Plain fetch: these are not the figures being compared
 * between clients, and the runner must not depend on the SDK under test to prepare its inputs.
 */
import type { BenchServer } from "./server.js";

export class AdminApi {
  private readonly base: string;
  private readonly authorization: string;

  constructor(server: Pick<BenchServer, "endpoint" | "accessKeyId" | "secretAccessKey">) {
    this.base = server.endpoint.replace(/\/+$/, "");
    this.authorization = `Basic ${Buffer.from(`${server.accessKeyId}:${server.secretAccessKey}`).toString("base64")}`;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: {
      query?: Record<string, string>;
      json?: unknown;
      body?: Uint8Array<ArrayBuffer>;
    } = {},
  ): Promise<T> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { authorization: this.authorization };
    let body: string | Uint8Array<ArrayBuffer> | undefined = options.body;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (body) headers["content-type"] = "application/octet-stream";
    const res = await fetch(url, { method, headers, body });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url.pathname}: ${res.status} ${text}`);
    // Some answers are text (createBranch returns the commit id), not JSON.
    const json = res.headers.get("content-type")?.includes("json");
    return (json && text ? JSON.parse(text) : text) as T;
  }

  createRepo(name: string): Promise<unknown> {
    return this.request("POST", "/repositories", {
      json: { name, storage_namespace: `local://${name}`, default_branch: "main" },
    });
  }

  createBranch(repo: string, name: string, source: string): Promise<unknown> {
    return this.request("POST", `/repositories/${repo}/branches`, { json: { name, source } });
  }

  upload(
    repo: string,
    branch: string,
    path: string,
    body: Uint8Array<ArrayBuffer>,
  ): Promise<unknown> {
    return this.request("POST", `/repositories/${repo}/branches/${branch}/objects`, {
      query: { path },
      body,
    });
  }

  async commit(repo: string, branch: string, message: string): Promise<string> {
    const c = await this.request<{ id: string }>(
      "POST",
      `/repositories/${repo}/branches/${branch}/commits`,
      {
        json: { message },
      },
    );
    return c.id;
  }

  /** Counts the entries of a diff, paging through it. */
  async diffCount(
    repo: string,
    left: string,
    right: string,
    type: "two_dot" | "three_dot",
  ): Promise<number> {
    let after = "";
    let n = 0;
    for (;;) {
      const page = await this.request<{
        results: unknown[];
        pagination: { has_more: boolean; next_offset: string };
      }>("GET", `/repositories/${repo}/refs/${left}/diff/${right}`, {
        query: { amount: "1000", after, type },
      });
      n += page.results.length;
      if (!page.pagination.has_more) return n;
      after = page.pagination.next_offset;
    }
  }

  merge(repo: string, source: string, dest: string): Promise<unknown> {
    return this.request("POST", `/repositories/${repo}/refs/${source}/merge/${dest}`, { json: {} });
  }
}
