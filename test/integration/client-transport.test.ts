import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createServer as createTlsServer } from "node:tls";
import { Client, NetworkError, nodeFetch, repositories } from "lakefs-ts/node";
import { needsEmbedded, openTarget, type TestTarget } from "../support/lakefs.js";

/** Listens on a free loopback port and returns it. */
async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

describe("Node transport: TLS and proxy in front of a real server", { skip: needsEmbedded }, () => {
  let target: TestTarget;
  let tlsPort = 0;
  let proxyPort = 0;
  let tunnels = 0;
  const sockets = new Set<Socket>();
  const dir = mkdtempSync(join(tmpdir(), "lakefs-tls-"));
  const caFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const servers: Server[] = [];

  before(async () => {
    target = await openTarget();
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        keyFile,
        "-out",
        caFile,
      ],
      { stdio: "ignore" },
    );
    const backendPort = Number(new URL(target.endpoint).port);
    // TLS termination in front of the embedded server.
    const tls = createTlsServer(
      { key: readFileSync(keyFile), cert: readFileSync(caFile) },
      (socket) => {
        sockets.add(socket);
        const upstream = connect(backendPort, "127.0.0.1");
        sockets.add(upstream);
        socket.pipe(upstream).pipe(socket);
        socket.on("error", () => upstream.destroy());
        upstream.on("error", () => socket.destroy());
      },
    );
    // A CONNECT proxy.
    const proxy = createHttpServer();
    proxy.on("connect", (req, client, head) => {
      tunnels += 1;
      const [host, port] = (req.url ?? "").split(":");
      const upstream = connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      sockets.add(client as Socket);
      sockets.add(upstream);
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    servers.push(tls, proxy);
    tlsPort = await listen(tls);
    proxyPort = await listen(proxy as unknown as Server);
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const clientWith = (fetch?: typeof globalThis.fetch) =>
    new Client({
      endpoint: `https://127.0.0.1:${tlsPort}`,
      credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
      retry: { maxRetries: 0 },
      ...(fetch && { fetch }),
    });

  it("rejects an untrusted certificate by default", async () => {
    await assert.rejects(clientWith().version(), NetworkError);
  });

  it("trusts a CA bundle given by file", async () => {
    assert.equal(typeof (await clientWith(nodeFetch({ caFile })).version()), "string");
  });

  it("can skip verification when asked", async () => {
    const client = clientWith(nodeFetch({ verifySsl: false }));
    assert.ok(Array.isArray(await repositories({ client }).toArray()));
  });

  it("tunnels through a proxy", async () => {
    const before = tunnels;
    const client = clientWith(nodeFetch({ caFile, proxy: `http://127.0.0.1:${proxyPort}` }));
    assert.equal(typeof (await client.version()), "string");
    assert.ok(tunnels > before);
  });
});
