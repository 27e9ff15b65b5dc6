import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { QUICKSTART_CREDENTIALS } from "lakefs-ts-server";
import { type CliProcess, spawnCli, waitForBanner } from "./cli-helpers.js";
import {
  basicAuth,
  openApi,
  readReply,
  stalledBody,
  streamedPrefix,
  untilUploadStreams,
} from "./http-helpers.js";

const auth = basicAuth(QUICKSTART_CREDENTIALS.accessKeyId, QUICKSTART_CREDENTIALS.secretAccessKey);

async function call(endpoint: string, method: string, path: string, body?: string | object) {
  const headers: Record<string, string> = { authorization: auth };
  let payload: string | undefined;
  if (typeof body === "string") {
    headers["content-type"] = "application/octet-stream";
    payload = body;
  } else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  return readReply(await fetch(endpoint + path, { method, headers, body: payload }));
}

describe("RunningServer.close", () => {
  it("lets an in-flight upload finish, then refuses new connections", async () => {
    const api = await openApi();
    const repo = await api.createRepo("drain");
    const first = streamedPrefix("first half, ");
    const { body, resume } = stalledBody(first, "second half");
    const upload = fetch(`${api.endpoint}/repositories/${repo}/branches/main/objects?path=x`, {
      method: "POST",
      headers: { authorization: api.auth, "content-type": "application/octet-stream" },
      body,
      duplex: "half",
    } as RequestInit);
    await untilUploadStreams(api.server);

    let closed = false;
    const closing = api.server.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(closed, false, "close() must wait for the in-flight request");
    resume();
    const response = await upload;
    assert.equal(response.status, 201);
    const written = (await response.json()) as { size_bytes: number };
    assert.equal(written.size_bytes, first.length + "second half".length);
    await closing;
    await assert.rejects(fetch(`${api.endpoint}/healthcheck`));
    await api.close();
  });
});

describe("HTTP durability across kill -9", () => {
  let dataDir: string;
  let running: CliProcess | undefined;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), "lakefs-ts-durable-"));
  });
  after(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill("SIGKILL");
      await running.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<string> {
    running = spawnCli(["run", "--quickstart", "--port", "0", "--data", dataDir]);
    return (await waitForBanner(running)).endpoint;
  }

  it("keeps every acknowledged write, committed or staged, after the process is killed", async () => {
    let endpoint = await start();
    const repo = "durable";
    const created = await call(endpoint, "POST", "/repositories", {
      name: repo,
      storage_namespace: `local://${repo}`,
    });
    assert.equal(created.status, 201);
    const put = (path: string, content: string) =>
      call(endpoint, "POST", `/repositories/${repo}/branches/main/objects?path=${path}`, content);
    assert.equal((await put("committed.txt", "committed bytes")).status, 201);
    const commit = await call(endpoint, "POST", `/repositories/${repo}/branches/main/commits`, {
      message: "before the crash",
    });
    assert.equal(commit.status, 201);
    assert.equal((await put("staged.txt", "staged bytes")).status, 201);
    const branch = await call(endpoint, "POST", `/repositories/${repo}/branches`, {
      name: "feature",
      source: "main",
    });
    assert.equal(branch.status, 201);

    running!.child.kill("SIGKILL");
    assert.equal(await running!.exited, "SIGKILL");

    endpoint = await start();
    const read = (ref: string, path: string) =>
      call(endpoint, "GET", `/repositories/${repo}/refs/${ref}/objects?path=${path}`);
    assert.equal((await read("main", "committed.txt")).text, "committed bytes");
    assert.equal((await read("main", "staged.txt")).text, "staged bytes");
    assert.equal((await read("main@", "staged.txt")).status, 404);
    assert.equal((await read("feature", "committed.txt")).text, "committed bytes");
    const log = await call(endpoint, "GET", `/repositories/${repo}/refs/main/commits`);
    assert.equal(log.json.results[0].id, commit.json.id);
    const diff = await call(endpoint, "GET", `/repositories/${repo}/branches/main/diff`);
    assert.deepEqual(
      diff.json.results.map((d: { path: string }) => d.path),
      ["staged.txt"],
    );
    // The restarted server keeps working on the recovered state.
    const second = await call(endpoint, "POST", `/repositories/${repo}/branches/main/commits`, {
      message: "after the crash",
    });
    assert.equal(second.status, 201);
    assert.deepEqual(second.json.parents, [commit.json.id]);
    running!.child.kill("SIGTERM");
    assert.equal(await running!.exited, 0);
  });
});
