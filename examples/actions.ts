/**
 * Actions: a pre-commit webhook that guards a branch. The action file committed under
 * `_lakefs_actions/` sends every commit on `main` to a tiny local HTTP server, which refuses
 * commit messages without a ticket number; the refused commit raises `HookAbortedError`, and
 * the run it names shows what the hook said.
 *
 *   node --conditions=development --import tsx examples/actions.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { HookAbortedError, repository } from "lakefs-ts/node";
import { openExampleTarget } from "./support/lakefs.js";

// The webhook: lakeFS POSTs the event as JSON; any non-2xx answer blocks a pre- hook.
const webhook = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => {
    const event = JSON.parse(body);
    const ok = /\b[A-Z]+-\d+\b/.test(event.commit_message);
    res.statusCode = ok ? 200 : 400;
    res.end(ok ? "ok" : `"${event.commit_message}" names no ticket (e.g. PROJ-123)`);
  });
});
await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
const hookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/check`;

// The lakeFS in LAKECTL_* (it must reach this machine's loopback), else an embedded server.
const target = await openExampleTarget();
try {
  const { client } = target;
  const { name, storageNamespace } = target.newRepo("actions-demo");
  const repo = await repository(name, { client }).create(storageNamespace);
  const main = repo.branch("main");

  await main.object("_lakefs_actions/ticket.yaml").upload(`name: Require a ticket
on:
  pre-commit:
    branches: [main]
hooks:
  - id: ticket_in_message
    type: webhook
    properties:
      url: ${hookUrl}
      timeout: 10s
`);
  await main.commit("PROJ-1: require a ticket in every commit message on main");

  await main.object("data/report.csv").upload("day,visits\nmon,10\n");
  try {
    await main.commit("add report");
  } catch (err) {
    if (!(err instanceof HookAbortedError)) throw err;
    console.log(`blocked by ${err.eventType} (run ${err.runId})`);
    const run = await repo.actions.run(err.runId);
    for await (const hook of run.hooks()) {
      console.log(`  ${hook.action} / ${hook.hookId}: ${hook.status}`);
      console.log((await hook.output()).replace(/^/gm, "    | "));
    }
  }
  const commit = await main.commit("PROJ-2: add report");
  console.log("committed", commit.id.slice(0, 12), "—", commit.message);
} finally {
  await target.close();
  webhook.close();
}
