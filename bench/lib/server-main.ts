/**
 * Child-process entry that runs one embedded server for the bench, so the server's CPU and memory
 * are its own process's, separate from the runner and the sides. Prints `READY <json>` once
 * listening; SIGTERM closes it cleanly.
 */
import { type ServerOptions, startServer } from "lakefs-ts-server";

const options = JSON.parse(process.argv[2] ?? "{}") as ServerOptions;
const server = await startServer({ ...options, port: 0, host: "127.0.0.1", quickstart: true });
process.stdout.write(
  `READY ${JSON.stringify({ endpoint: server.endpoint, credentials: server.credentials })}\n`,
);
process.once("SIGTERM", () => {
  server.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
