/**
 * A loopback static server for the browser check: serves fixed files and forwards `/api/` to the
 * lakeFS server, so the page talks to lakeFS from its own origin (the embedded server sends no
 * CORS headers, as lakeFS itself doesn't by default).
 */
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface PageFile {
  readonly contentType: string;
  readonly body: string;
}

export interface PageServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startPageServer(
  files: Readonly<Record<string, PageFile>>,
  apiOrigin: string,
): Promise<PageServer> {
  const api = new URL(apiOrigin);
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith("/api/")) {
      const upstream = request(
        { host: api.hostname, port: api.port, method: req.method, path: url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", (err) => {
        if (res.headersSent) res.destroy(err);
        else res.writeHead(502, { "content-type": "text/plain" }).end(`proxy: ${err.message}`);
      });
      req.pipe(upstream);
      return;
    }
    const file = files[url.split("?")[0] ?? ""];
    if (!file || req.method !== "GET") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": file.contentType, "cache-control": "no-store" });
    res.end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
