/**
 * Child-process entry for the reliability harnesses: starts the embedded server on a free
 * loopback port over the data directory in argv[2] (import roots follow; `--presign` first offers
 * presigned URLs) and prints one JSON line `{"url": ...}` once it listens. The parent kills it
 * with SIGKILL or SIGTERM.
 */
import { startServer } from "lakefs-ts-server";

const args = process.argv.slice(2);
const presign = args[0] === "--presign";
const [dataDir, ...importRoots] = presign ? args.slice(1) : args;
if (!dataDir) {
  process.stderr.write("usage: serve.ts [--presign] DATA_DIR [IMPORT_ROOT...]\n");
  process.exit(2);
}
const server = await startServer({ dataDir, port: 0, quickstart: true, importRoots, presign });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.once("SIGTERM", () => {
  server.close().then(() => process.exit(0));
});
