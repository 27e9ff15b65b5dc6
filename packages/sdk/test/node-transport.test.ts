import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Agent } from "undici";
import { HttpClient } from "../src/api/http.js";
import { NetworkError } from "../src/errors.js";
import { dispatcherFetch } from "../src/node/transport.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}
type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

/** A loopback server answering with `handler`, recording every request it read to the end. */
async function scriptedServer(handler: Handler) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      seen.push(entry);
      handler(req, res, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("dispatcherFetch (lakefs-ts/node transport)", () => {
  const agent = new Agent();
  const transport = dispatcherFetch(agent);
  let main: Awaited<ReturnType<typeof scriptedServer>>;
  let other: Awaited<ReturnType<typeof scriptedServer>>;

  before(async () => {
    other = await scriptedServer((_req, res, seen) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`other ${seen.method} ${seen.headers.authorization ?? "-"}`);
    });
    main = await scriptedServer((req, res, seen) => {
      const path = (req.url ?? "").split("?")[0];
      switch (path) {
        case "/echo":
          res.writeHead(201, { "content-type": "application/json", "x-multi": ["a", "b"] });
          res.end(
            JSON.stringify({
              length: seen.headers["content-length"] ?? null,
              chunked: seen.headers["transfer-encoding"] ?? null,
              type: seen.headers["content-type"] ?? null,
              body: seen.body.toString(),
            }),
          );
          return;
        case "/same":
          res.writeHead(302, { location: "/echo" }).end();
          return;
        case "/away":
          res.writeHead(307, { location: `${other.url}/x` }).end();
          return;
        case "/see-other":
          res.writeHead(303, { location: "/echo" }).end();
          return;
        case "/keep":
          res.writeHead(307, { location: "/echo" }).end();
          return;
        case "/empty":
          res.writeHead(204).end();
          return;
        case "/slow-body":
          res.writeHead(200);
          res.write("first");
          return; // never ends
        case "/hang":
          return;
        default:
          res.writeHead(404).end("no");
      }
    });
  });
  after(async () => {
    await main.close();
    await other.close();
    await agent.close();
  });

  it("sends method, headers and byte bodies with their length", async () => {
    const response = await transport(`${main.url}/echo?q=1`, {
      method: "PUT",
      headers: { "X-Custom": "v", "Content-Type": "application/octet-stream" },
      body: new Uint8Array([104, 105]),
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("x-multi"), "a, b");
    assert.deepEqual(await response.json(), {
      length: "2",
      chunked: null,
      type: "application/octet-stream",
      body: "hi",
    });
    assert.equal(main.seen.at(-1)!.headers["x-custom"], "v");
    assert.equal(main.seen.at(-1)!.url, "/echo?q=1");
  });

  it("sends a Blob with its length and type, and a string as text", async () => {
    const blob = await transport(`${main.url}/echo`, {
      method: "PUT",
      body: new Blob(["ab", new Uint8Array([99])], { type: "text/x-test" }),
    });
    assert.deepEqual(await blob.json(), {
      length: "3",
      chunked: null,
      type: "text/x-test",
      body: "abc",
    });
    const text = await transport(`${main.url}/echo`, { method: "POST", body: "héllo" });
    const answer = (await text.json()) as { type: string; body: string };
    assert.equal(answer.type, "text/plain;charset=UTF-8");
    assert.equal(answer.body, "héllo");
  });

  it("streams an async iterable or ReadableStream body chunked", async () => {
    async function* chunks() {
      yield new TextEncoder().encode("one ");
      yield new TextEncoder().encode("two");
    }
    // ReadableStream.from exists in Node 20.6+, though TypeScript's DOM types lack it.
    const fromIterable = (
      ReadableStream as unknown as {
        from(i: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array>;
      }
    ).from;
    for (const body of [chunks(), fromIterable(chunks())]) {
      const response = await transport(`${main.url}/echo`, {
        method: "POST",
        body: body as unknown as BodyInit,
        duplex: "half",
      } as RequestInit);
      const answer = (await response.json()) as { chunked: string; body: string };
      assert.equal(answer.chunked, "chunked");
      assert.equal(answer.body, "one two");
    }
  });

  it("follows a same-origin redirect with the credentials", async () => {
    const response = await transport(`${main.url}/same`, {
      headers: { authorization: "Basic x" },
    });
    assert.equal(response.status, 201);
    assert.equal(main.seen.at(-1)!.headers.authorization, "Basic x");
  });

  it("drops credentials on a redirect to another origin", async () => {
    const response = await transport(`${main.url}/away`, {
      headers: { authorization: "Basic x" },
    });
    assert.equal(await response.text(), "other GET -");
  });

  it("turns a POST into a bodiless GET on 303, and keeps a replayable body on 307", async () => {
    const seeOther = await transport(`${main.url}/see-other`, { method: "POST", body: "data" });
    assert.equal(((await seeOther.json()) as { body: string }).body, "");
    assert.equal(main.seen.at(-1)!.method, "GET");
    const keep = await transport(`${main.url}/keep`, { method: "PUT", body: "data" });
    assert.equal(((await keep.json()) as { body: string }).body, "data");
    assert.equal(main.seen.at(-1)!.method, "PUT");
  });

  it("refuses to replay a streamed body, and honours redirect: manual and error", async () => {
    async function* once() {
      yield new Uint8Array([1]);
    }
    await assert.rejects(
      transport(`${main.url}/keep`, { method: "PUT", body: once() as unknown as BodyInit }),
      TypeError,
    );
    const manual = await transport(`${main.url}/same`, { redirect: "manual" });
    assert.equal(manual.status, 302);
    assert.equal(manual.headers.get("location"), "/echo");
    await assert.rejects(transport(`${main.url}/same`, { redirect: "error" }), TypeError);
  });

  it("answers a real Response whose body reads whole, streams, clones, and reads only once", async () => {
    const whole = await transport(`${main.url}/echo`, { method: "POST", body: "x" });
    assert.ok(whole instanceof Response);
    assert.equal(whole.ok, true);
    assert.equal(whole.bodyUsed, false);
    const text = await whole.text();
    assert.equal(JSON.parse(text).body, "x");
    assert.equal(whole.bodyUsed, true);
    await assert.rejects(whole.text(), TypeError, "a body reads once");

    const streamed = await transport(`${main.url}/echo`, { method: "POST", body: "yz" });
    const copy = streamed.clone();
    const parts: Uint8Array[] = [];
    for await (const chunk of streamed.body as unknown as AsyncIterable<Uint8Array>)
      parts.push(chunk);
    assert.equal(JSON.parse(Buffer.concat(parts).toString()).body, "yz");
    assert.equal(
      ((await copy.json()) as { body: string }).body,
      "yz",
      "the clone has its own copy",
    );
    assert.equal((await (await transport(`${main.url}/echo`)).blob()).type, "application/json");
  });

  it("cancelling a body never read releases it without an uncaught error", async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    try {
      for (const path of ["/echo", "/slow-body"]) {
        const response = await transport(`${main.url}${path}`);
        await response.body!.cancel();
      }
      // Still usable: the released connection (or a new one) serves the next request.
      assert.equal(
        ((await (await transport(`${main.url}/echo`)).json()) as { body: string }).body,
        "",
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(uncaught, []);
    } finally {
      process.off("uncaughtException", record);
    }
  });

  it("gives null bodies for 204 and HEAD", async () => {
    const empty = await transport(`${main.url}/empty`);
    assert.equal(empty.status, 204);
    assert.equal(empty.body, null);
    const head = await transport(`${main.url}/echo`, { method: "HEAD" });
    assert.equal(head.body, null);
  });

  it("rejects with the signal's reason, before the headers and while the body streams", async () => {
    const early = new AbortController();
    const pending = transport(`${main.url}/hang`, { signal: early.signal });
    const reason = new Error("stop");
    setTimeout(() => early.abort(reason), 20);
    await assert.rejects(pending, (e: unknown) => e === reason);

    const late = new AbortController();
    const response = await transport(`${main.url}/slow-body`, { signal: late.signal });
    const reader = response.body!.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), "first");
    const lateReason = new Error("late stop");
    late.abort(lateReason);
    await assert.rejects(reader.read(), (e: unknown) => e === lateReason);
  });

  it("fails like fetch when the server is unreachable (HttpClient: NetworkError)", async () => {
    const closed = await scriptedServer(() => {});
    await closed.close();
    await assert.rejects(transport(`${closed.url}/x`), (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.ok((e as TypeError).cause instanceof Error);
      return true;
    });
    const http = new HttpClient({
      endpoint: closed.url,
      fetch: transport,
      retry: { maxRetries: 0 },
    });
    await assert.rejects(http.request({ method: "GET", path: "/x", expect: "none" }), NetworkError);
  });
});
