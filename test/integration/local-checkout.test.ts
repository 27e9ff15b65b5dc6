/**
 * lakectl-compatible local checkouts against a real server: clone, status, pull and commit,
 * the `.lakefs_ref.yaml` marker as lakectl writes it, objects uploaded the way lakectl uploads
 * them (X-Lakefs-Internal-client-mtime), and refusals.
 */
import assert from "node:assert/strict";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Branch, type Client, InvalidArgumentError, repository } from "lakefs-ts";
import {
  CheckoutError,
  CLIENT_MTIME_KEY,
  localClone,
  localCommit,
  localPull,
  localStatus,
  uploadDirectory,
} from "lakefs-ts/node";
import { parse } from "yaml";
import { openTarget, type TestTarget } from "../support/lakefs.js";

const mtimeOf = (p: string) => Math.floor(statSync(p).mtimeMs / 1000);

describe("local checkouts (lakectl local)", () => {
  let target: TestTarget;
  let client: Client;
  let branch: Branch;
  let repoName: string;
  const dirs: string[] = [];
  const scratch = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), `lakefs-ts-local-${name}-`));
    dirs.push(d);
    return d;
  };

  before(async () => {
    target = await openTarget();
    client = target.client();
    const { name, storageNamespace } = target.newRepo("local");
    repoName = name;
    branch = (await repository(name, { client }).create(storageNamespace)).branch("main");
    const seed = scratch("seed");
    mkdirSync(join(seed, "nested", "deeper"), { recursive: true });
    writeFileSync(join(seed, "a.txt"), "alpha");
    writeFileSync(join(seed, "nested", "b.txt"), "bravo");
    writeFileSync(join(seed, "nested", "deeper", "c.txt"), "charlie");
    await uploadDirectory(seed, branch, "data", {});
    await branch.object("outside.txt").upload("not under the prefix");
    await branch.commit("seed");
  });
  after(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await target.close();
  });

  test("clone writes lakectl's marker and the files with their recorded mtimes", async () => {
    const dir = join(scratch("clone"), "work");
    const { checkout, summary } = await localClone(`lakefs://${repoName}/main/data/`, dir, {
      client,
    });
    assert.equal(summary.transferred, 3);
    const head = await branch.getCommit();
    const marker = parse(readFileSync(join(dir, ".lakefs_ref.yaml"), "utf8"));
    assert.deepEqual(marker, {
      src: `lakefs://${repoName}/main/data/`,
      at_head: head.id,
      active_operation: "",
    });
    assert.equal(checkout.prefix, "data/");
    assert.equal(readFileSync(join(dir, "nested", "deeper", "c.txt"), "utf8"), "charlie");
    const stat = await branch.object("data/a.txt").stat();
    assert.equal(String(mtimeOf(join(dir, "a.txt"))), stat.metadata[CLIENT_MTIME_KEY]);
    const status = await localStatus(dir, { client });
    assert.deepEqual([status.local, status.remote, status.conflicts], [[], [], []]);
    // Found from a subdirectory too.
    assert.equal((await localStatus(join(dir, "nested"), { client })).checkout.root, dir);
  });

  test("status, commit, remote changes, refusals, pull", async () => {
    const dir = scratch("cycle");
    await localClone(`lakefs://${repoName}/main/data`, dir, { client });
    appendFileSync(join(dir, "a.txt"), " and more");
    writeFileSync(join(dir, "new.txt"), "new");
    rmSync(join(dir, "nested", "b.txt"));
    mkdirSync(join(dir, ".git"));
    writeFileSync(join(dir, ".git", "HEAD"), "ignored: hidden directory");
    const touched = new Date(Date.now() + 10_000);
    utimesSync(join(dir, "nested", "deeper", "c.txt"), touched, touched);
    const status = await localStatus(dir, { client });
    assert.deepEqual(status.local, [
      { path: "a.txt", type: "modified" },
      { path: "nested/b.txt", type: "removed" },
      { path: "nested/deeper/c.txt", type: "modified" },
      { path: "new.txt", type: "added" },
    ]);

    // Someone else commits under the prefix: status shows it, commit and pull refuse.
    await branch.object("data/theirs.txt").upload("theirs");
    await branch.commit("theirs");
    const moved = await localStatus(dir, { client });
    assert.deepEqual(moved.remote, [{ path: "theirs.txt", type: "added" }]);
    await assert.rejects(localCommit(dir, "mine", { client }), (e: unknown) => {
      return e instanceof CheckoutError && e.reason === "remote_changed";
    });
    await assert.rejects(localPull(dir, { client }), (e: unknown) => {
      return e instanceof CheckoutError && e.reason === "local_changes";
    });

    // Forced commit: our changes land, theirs stay.
    const committed = await localCommit(dir, "mine", { client, force: true });
    assert.ok(committed.commitId);
    assert.equal(committed.summary.transferred, 3);
    assert.equal(committed.summary.deleted, 1);
    assert.equal(committed.checkout.atHead, committed.commitId);
    assert.equal(await branch.object("data/a.txt").text(), "alpha and more");
    assert.equal(await branch.object("data/theirs.txt").text(), "theirs");
    assert.equal(await branch.object("data/nested/b.txt").exists(), false);
    assert.equal(await branch.object("data/.git/HEAD").exists(), false);
    const after = await localStatus(dir, { client });
    assert.deepEqual(after.local, [{ path: "theirs.txt", type: "removed" }]);

    // Nothing changed locally: no commit.
    const clean = scratch("clean");
    await localClone(`lakefs://${repoName}/main/data/`, clean, { client });
    const nothing = await localCommit(clean, "nothing", { client });
    assert.equal(nothing.commitId, undefined);

    // Pull with force brings the directory to the head and drops local edits.
    writeFileSync(join(clean, "scratch.tmp"), "local only");
    await branch.object("data/nested/b.txt").upload("bravo again");
    await branch.commit("b again");
    const pulled = await localPull(clean, { client, force: true });
    assert.equal(pulled.summary.transferred, 1);
    assert.equal(pulled.summary.deleted, 1);
    assert.equal(readFileSync(join(clean, "nested", "b.txt"), "utf8"), "bravo again");
    const final = await localStatus(clean, { client });
    assert.deepEqual([final.local, final.remote], [[], []]);
  });

  test("objects uploaded the way lakectl uploads them compare as unchanged", async () => {
    const mtime = 1_600_000_000;
    const response = await fetch(
      `${target.endpoint}/repositories/${repoName}/branches/main/objects?path=lakectl/file.bin`,
      {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${target.accessKeyId}:${target.secretAccessKey}`).toString("base64")}`,
          "content-type": "application/octet-stream",
          "X-Lakefs-Internal-client-mtime": String(mtime),
        },
        body: "from lakectl",
      },
    );
    assert.equal(response.status, 201);
    await branch.commit("lakectl upload");
    const dir = scratch("lakectl");
    await localClone(`lakefs://${repoName}/main/lakectl/`, dir, { client });
    assert.equal(mtimeOf(join(dir, "file.bin")), mtime);
    assert.deepEqual((await localStatus(dir, { client })).local, []);

    // A marker written by lakectl (possibly in the older `operation` spelling) is read as is.
    const head = await branch.getCommit();
    const handmade = scratch("handmade");
    writeFileSync(join(handmade, "file.bin"), "from lakectl");
    utimesSync(join(handmade, "file.bin"), mtime, mtime);
    writeFileSync(
      join(handmade, ".lakefs_ref.yaml"),
      `src: lakefs://${repoName}/main/lakectl/\nat_head: ${head.id}\noperation: ""\n`,
    );
    const status = await localStatus(handmade, { client });
    assert.deepEqual(status.local, []);
    assert.equal(status.checkout.activeOperation, "");
  });

  test("refusals: no checkout, non-empty directory, bad URI, empty message", async () => {
    const empty = scratch("none");
    await assert.rejects(localStatus(empty, { client }), (e: unknown) => {
      return e instanceof CheckoutError && e.reason === "not_a_checkout";
    });
    writeFileSync(join(empty, "x"), "x");
    await assert.rejects(
      localClone(`lakefs://${repoName}/main/`, empty, { client }),
      (e: unknown) => {
        return e instanceof CheckoutError && e.reason === "directory_not_empty";
      },
    );
    await assert.rejects(
      localClone("s3://bucket/x", scratch("bad"), { client }),
      InvalidArgumentError,
    );
    await assert.rejects(
      localClone(`lakefs://${repoName}`, scratch("bad"), { client }),
      /missing ref/,
    );
    const dir = scratch("msg");
    await localClone(`lakefs://${repoName}/main/data/`, dir, { client });
    await assert.rejects(localCommit(dir, "", { client }), InvalidArgumentError);
    const bogus = scratch("bogus");
    writeFileSync(join(bogus, ".lakefs_ref.yaml"), "at_head: x\n");
    await assert.rejects(localStatus(bogus, { client }), /has no src/);
  });
});
