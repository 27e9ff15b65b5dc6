/**
 * Child-process entry for the write-path floor: the least any Node server must do to accept an
 * object durably and serve it back. PUT /<name> streams the body into a new file, fsyncs it,
 * renames it into place and fsyncs the directory (the same durability the embedded server
 * gives); GET /<name> streams the file. Prints `READY <url>` once listening.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, open, rename, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = await mkdtemp(join(tmpdir(), "lakefs-ts-floor-"));
let next = 0;

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  await handle.sync().finally(() => handle.close());
}

const server = createServer(async (req, res) => {
  const name = encodeURIComponent(req.url!.slice(1));
  try {
    if (req.method === "PUT") {
      const tmp = join(dir, `.tmp-${next++}`);
      const handle = await open(tmp, "wx");
      try {
        for await (const chunk of req) await handle.write(chunk as Buffer);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, join(dir, name));
      await fsyncPath(dir);
      res.writeHead(201).end();
    } else {
      const stream = createReadStream(join(dir, name));
      stream.on("error", () => res.writeHead(404).end());
      stream.once("open", () => res.writeHead(200));
      stream.pipe(res);
    }
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address() as { port: number };
  process.stdout.write(`READY http://127.0.0.1:${address.port}\n`);
});
process.once("SIGTERM", () => {
  server.close();
  void rm(dir, { recursive: true, force: true }).then(() => process.exit(0));
});
