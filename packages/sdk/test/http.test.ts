import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  backoffDelay,
  effectiveTimeout,
  HttpClient,
  type HttpClientOptions,
  normalizeEndpoint,
  parseRetryAfter,
  path,
} from "../src/api/http.js";
import { SDK_VERSION } from "../src/api/version.js";
import {
  BadRequestError,
  ConfigurationError,
  ConflictError,
  InvalidArgumentError,
  NetworkError,
  NotFoundError,
  ObjectExistsError,
  ObjectNotFoundError,
  PermissionError,
  RangeNotSatisfiableError,
  RequestTimeoutError,
  ServerError,
  TooManyRequestsError,
} from "../src/errors.js";

describe("normalizeEndpoint", () => {
  const cases: [string, string][] = [
    ["myhost:8000", "http://myhost:8000/api/v1"],
    ["https://x.io/", "https://x.io/api/v1"],
    ["https://x.io", "https://x.io/api/v1"],
    ["http://127.0.0.1:8000/api/v1", "http://127.0.0.1:8000/api/v1"],
    ["http://127.0.0.1:8000/api/v1///", "http://127.0.0.1:8000/api/v1"],
    ["https://proxy.example/lakefs", "https://proxy.example/lakefs/api/v1"],
    ["  localhost  ", "http://localhost/api/v1"],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(normalizeEndpoint(input), expected);
    });
  }
  it("rejects empty, unparsable and non-http endpoints", () => {
    assert.throws(() => normalizeEndpoint(""), ConfigurationError);
    assert.throws(() => normalizeEndpoint("http://"), ConfigurationError);
    assert.throws(() => normalizeEndpoint("ftp://host"), ConfigurationError);
  });
});

describe("path", () => {
  it("percent-encodes parameters, not the template", () => {
    assert.equal(
      path`/repositories/${"my repo"}/refs/${"main~1"}/objects/${"a/b?c#d"}`,
      "/repositories/my%20repo/refs/main~1/objects/a%2Fb%3Fc%23d",
    );
    assert.equal(path`/x/${"br@"}/${"é"}`, "/x/br%40/%C3%A9");
  });
  it("rejects empty parameters", () => {
    assert.throws(() => path`/repositories/${""}/branches`, InvalidArgumentError);
  });
});

describe("effectiveTimeout", () => {
  it("prefers the call's timeout, and gives long-running work at least 10 minutes", () => {
    assert.equal(effectiveTimeout(60_000, {}), 60_000);
    assert.equal(effectiveTimeout(60_000, { longRunning: true }), 600_000);
    assert.equal(effectiveTimeout(900_000, { longRunning: true }), 900_000);
    assert.equal(effectiveTimeout(0, { longRunning: true }), 0);
    assert.equal(effectiveTimeout(60_000, { longRunning: true }, 5), 5);
    assert.equal(effectiveTimeout(60_000, {}, 0), 0);
  });
});

describe("parseRetryAfter / backoffDelay", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("3", now), 3000);
    assert.equal(parseRetryAfter("0.5", now), 500);
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now), 10_000);
    assert.equal(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now), 0);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });
  it("draws below an exponentially growing, capped ceiling", () => {
    const retry = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(
      backoffDelay(0, retry, () => 0.999),
      99,
    );
    assert.equal(
      backoffDelay(2, retry, () => 0.5),
      200,
    );
    assert.equal(
      backoffDelay(10, retry, () => 0.999),
      999,
    );
    assert.equal(
      backoffDelay(3, retry, () => 0),
      0,
    );
  });
});

/** A scripted local server: each handler answers one request, in order. */
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe("HttpClient against a scripted server", () => {
  const script: Handler[] = [];
  const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] =
    [];
  let closedEarly = 0;
  let endpoint = "";
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const handler = script.shift();
      if (!handler) {
        res.writeHead(500).end('{"message":"unexpected request"}');
        return;
      }
      res.on("close", () => {
        if (!res.writableFinished) closedEarly += 1;
      });
      handler(req, res, body);
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const reset = (...handlers: Handler[]) => {
    script.length = 0;
    seen.length = 0;
    script.push(...handlers);
  };
  const client = (options: Partial<HttpClientOptions> = {}) =>
    new HttpClient({
      endpoint,
      credentials: { accessKeyId: "AKIA", secretAccessKey: "secret" },
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      ...options,
    });
  const json =
    (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
    (_req, res) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
  const hang: Handler = () => {};

  it("sends auth, client header, query and JSON body to the API base", async () => {
    reset(json(200, { ok: true }));
    const result = await client().request<{ ok: boolean }>({
      method: "POST",
      path: path`/repositories/${"r"}/branches`,
      query: { a: "x y", b: 2, skip: undefined, many: ["1", "2"], flag: false },
      json: { name: "b" },
      expect: "json",
    });
    assert.deepEqual(result, { ok: true });
    const req = seen[0]!;
    assert.equal(req.url, "/api/v1/repositories/r/branches?a=x+y&b=2&many=1&many=2&flag=false");
    assert.equal(
      req.headers.authorization,
      `Basic ${Buffer.from("AKIA:secret").toString("base64")}`,
    );
    assert.equal(req.headers["x-lakefs-client"], `lakefs-ts/${SDK_VERSION}`);
    assert.equal(req.headers["content-type"], "application/json");
    assert.equal(req.body, '{"name":"b"}');
  });

  it("sends a bearer token and omits credentials for absolute URLs", async () => {
    reset(json(200, {}), json(200, {}));
    const http = client({ credentials: { token: "jwt" } });
    await http.request({ method: "GET", path: "/config", expect: "none" });
    await http.request({ method: "GET", url: `${endpoint}/presigned?sig=1`, expect: "none" });
    assert.equal(seen[0]!.headers.authorization, "Bearer jwt");
    assert.equal(seen[1]!.headers.authorization, undefined);
    assert.equal(seen[1]!.url, "/presigned?sig=1");
  });

  it("retries idempotent requests on 503/502/504/429, honouring Retry-After", async () => {
    reset(
      json(503, { message: "busy" }),
      json(502, { message: "bad gateway" }),
      json(429, { message: "slow down" }, { "retry-after": "0" }),
      json(200, { n: 1 }),
    );
    assert.deepEqual(await client().request({ method: "GET", path: "/x", expect: "json" }), {
      n: 1,
    });
    assert.equal(seen.length, 4);
  });

  it("gives up after maxRetries and throws the last error", async () => {
    reset(json(503, { message: "a" }), json(503, { message: "b" }), json(503, { message: "c" }));
    const error = await client({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } })
      .request({ method: "GET", path: "/x", expect: "json" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ServerError);
    assert.equal(error.status, 503);
    assert.equal(error.message, "c");
    assert.equal(seen.length, 3);
  });

  it("never retries a POST unless marked idempotent", async () => {
    reset(json(503, { message: "busy" }));
    await assert.rejects(
      client().request({ method: "POST", path: "/commit", json: {}, expect: "json" }),
      (e: unknown) => e instanceof ServerError && e.status === 503,
    );
    assert.equal(seen.length, 1);

    reset(json(503, { message: "busy" }), json(200, { errors: [] }));
    await client().request({
      method: "POST",
      path: "/delete",
      json: { paths: ["a"] },
      idempotent: true,
      expect: "json",
    });
    assert.equal(seen.length, 2);
    assert.equal(seen[1]!.body, '{"paths":["a"]}');
  });

  it("does not retry 500 or client errors", async () => {
    reset(json(500, { message: "boom" }));
    await assert.rejects(
      client().request({ method: "GET", path: "/x", expect: "none" }),
      ServerError,
    );
    assert.equal(seen.length, 1);
  });

  it("never re-sends a one-shot stream body", async () => {
    reset(json(503, { message: "busy" }));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("payload"));
        controller.close();
      },
    });
    await assert.rejects(
      client().request({ method: "PUT", path: "/upload", body: stream, expect: "none" }),
      (e: unknown) => e instanceof ServerError && e.status === 503,
    );
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.body, "payload");
  });

  it("surfaces a Retry-After longer than a minute instead of waiting", async () => {
    reset(json(429, { message: "later" }, { "retry-after": "3600" }));
    await assert.rejects(
      client().request({ method: "GET", path: "/x", expect: "none" }),
      TooManyRequestsError,
    );
    assert.equal(seen.length, 1);
  });

  it("maps statuses and lakeFS messages to typed errors", async () => {
    reset(
      json(404, { message: "repository not found" }),
      json(404, { message: "object not found" }),
      json(412, { message: "path already exists" }),
      json(409, { reference: "" }),
      json(403, { message: "insufficient permissions" }),
      (_req, res) => res.writeHead(400, { "content-type": "text/plain" }).end("plain words"),
      (_req, res) => res.writeHead(416, { "content-range": "bytes */42" }).end(),
    );
    const http = client();
    const notFound = await http
      .request({ method: "GET", path: "/repositories/r", expect: "json" })
      .catch((e: unknown) => e);
    assert.ok(notFound instanceof NotFoundError && !(notFound instanceof ObjectNotFoundError));
    assert.equal(notFound.message, "repository not found");
    assert.equal(notFound.operation, "GET /repositories/r");
    assert.deepEqual(notFound.body, { message: "repository not found" });

    await assert.rejects(
      http.request({ method: "GET", path: "/o", object: true, expect: "response" }),
      ObjectNotFoundError,
    );
    await assert.rejects(
      http.request({ method: "POST", path: "/o", object: true, body: "x", expect: "json" }),
      ObjectExistsError,
    );
    await assert.rejects(
      http.request({ method: "POST", path: "/m", expect: "json" }),
      (e: unknown) => {
        assert.ok(e instanceof ConflictError);
        assert.deepEqual(e.body, { reference: "" });
        assert.equal(e.message, "Conflict");
        return true;
      },
    );
    await assert.rejects(
      http.request({ method: "GET", path: "/p", expect: "json" }),
      PermissionError,
    );
    await assert.rejects(
      http.request({ method: "GET", path: "/b", expect: "json" }),
      (e: unknown) => {
        assert.ok(e instanceof BadRequestError);
        assert.equal(e.message, "plain words");
        return true;
      },
    );
    await assert.rejects(
      http.request({ method: "GET", path: "/r", expect: "json" }),
      (e: unknown) => {
        assert.ok(e instanceof RangeNotSatisfiableError);
        assert.equal(e.size, 42);
        return true;
      },
    );
  });

  it("times out a call and aborts its connection", async () => {
    reset(hang);
    const before = closedEarly;
    await assert.rejects(
      client().request({ method: "GET", path: "/slow", expect: "json" }, { timeout: 50 }),
      RequestTimeoutError,
    );
    await waitFor(() => closedEarly > before);
    assert.equal(seen.length, 1, "a timed-out call is not retried");
  });

  it("rejects with the signal's reason when aborted, and stops the request", async () => {
    reset(hang);
    const before = closedEarly;
    const controller = new AbortController();
    const pending = client().request(
      { method: "GET", path: "/slow", expect: "json" },
      {
        signal: controller.signal,
      },
    );
    await waitFor(() => seen.length === 1);
    const reason = new Error("user cancelled");
    controller.abort(reason);
    await assert.rejects(pending, (e: unknown) => e === reason);
    await waitFor(() => closedEarly > before);
  });

  it("rejects at once for an already-aborted signal", async () => {
    reset();
    const controller = new AbortController();
    controller.abort(new Error("already"));
    await assert.rejects(
      client().request(
        { method: "GET", path: "/x", expect: "none" },
        { signal: controller.signal },
      ),
      /already/,
    );
    assert.equal(seen.length, 0);
  });

  it("hands back an unread response for streaming", async () => {
    reset((_req, res) => res.writeHead(200).end("streamed bytes"));
    const response = await client().request({ method: "GET", path: "/o", expect: "response" });
    assert.equal(await response.text(), "streamed bytes");
  });

  it("refreshes provider credentials once after a 401", async () => {
    reset(json(401, { message: "error authenticating request" }), json(200, { ok: 1 }));
    const calls: boolean[] = [];
    const http = client({
      credentials: async ({ forceRefresh }) => {
        calls.push(forceRefresh);
        return { token: forceRefresh ? "fresh" : "stale" };
      },
    });
    await http.request({ method: "POST", path: "/commit", json: {}, expect: "json" });
    assert.deepEqual(calls, [false, true]);
    assert.equal(seen[0]!.headers.authorization, "Bearer stale");
    assert.equal(seen[1]!.headers.authorization, "Bearer fresh");
  });

  it("lets a failing credentials provider's error through, unretried", async () => {
    reset();
    let calls = 0;
    const failure = new Error("no AWS credentials");
    const http = client({
      credentials: async () => {
        calls += 1;
        throw failure;
      },
    });
    await assert.rejects(
      http.request({ method: "GET", path: "/x", expect: "none" }),
      (e: unknown) => e === failure,
    );
    assert.equal(calls, 1);
    assert.equal(seen.length, 0);
  });

  it("stops a call without a timeout through the caller's signal alone", async () => {
    reset(hang);
    const before = closedEarly;
    const controller = new AbortController();
    const pending = client().request(
      { method: "GET", path: "/slow", expect: "json" },
      { signal: controller.signal, timeout: 0 },
    );
    await waitFor(() => seen.length === 1);
    const reason = new Error("user cancelled");
    controller.abort(reason);
    await assert.rejects(pending, (e: unknown) => e === reason);
    await waitFor(() => closedEarly > before);
  });

  it("leaves no listener on the caller's signal once a call is over", async () => {
    // (With a timeout the SDK forwards the caller's abort itself; fetch only sees its own signal.)
    reset(json(200, {}), json(404, { message: "nope" }));
    const http = client({ retry: { maxRetries: 0 } });
    const { signal } = new AbortController();
    await http.request({ method: "GET", path: "/a", expect: "json" }, { signal });
    await assert.rejects(http.request({ method: "GET", path: "/b", expect: "none" }, { signal }));
    assert.equal(getEventListeners(signal, "abort").length, 0);
  });

  it("lets per-request headers replace client headers whatever their case", async () => {
    reset(json(200, {}));
    const http = client({ headers: { "X-Custom": "client", "X-Other": "kept" } });
    await http.request({
      method: "GET",
      path: "/h",
      headers: { "x-custom": "call" },
      expect: "none",
    });
    assert.equal(seen[0]!.headers["x-custom"], "call");
    assert.equal(seen[0]!.headers["x-other"], "kept");
  });

  it("appends query parameters to an absolute URL's own query, leaving it as sent", async () => {
    reset(json(200, {}), json(200, {}));
    const http = client();
    const url = `${endpoint}/presigned?X-Sig=a%2Fb&e=1`;
    await http.request({ method: "GET", url, expect: "none" });
    await http.request({ method: "GET", url, query: { part: 2, skip: undefined }, expect: "none" });
    assert.equal(seen[0]!.url, "/presigned?X-Sig=a%2Fb&e=1");
    assert.equal(seen[1]!.url, "/presigned?X-Sig=a%2Fb&e=1&part=2");
  });

  it("limits a streaming response's timeout to the headers, not the body", async () => {
    reset((_req, res) => {
      res.writeHead(200);
      res.write("first ");
      setTimeout(() => res.end("second"), 1300);
    });
    const response = await client().request(
      { method: "GET", path: "/o", expect: "response" },
      { timeout: 1000 },
    );
    assert.equal(await response.text(), "first second");
  });

  it("wraps connection failures in NetworkError after retrying", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    let attempts = 0;
    const http = client({
      endpoint: `127.0.0.1:${port}`,
      fetch: (input, init) => {
        attempts += 1;
        return fetch(input, init);
      },
    });
    await assert.rejects(http.request({ method: "GET", path: "/x", expect: "none" }), NetworkError);
    assert.equal(attempts, 4);
  });

  it("validates its inputs before sending", async () => {
    reset();
    const http = client();
    await assert.rejects(
      http.request({ method: "POST", path: "/x", json: {}, body: "y", expect: "none" }),
      InvalidArgumentError,
    );
    await assert.rejects(
      http.request({ method: "GET", path: "x", expect: "none" }),
      InvalidArgumentError,
    );
    assert.throws(() => client({ retry: { maxRetries: -1 } }), ConfigurationError);
    assert.equal(seen.length, 0);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), "condition not reached");
}
