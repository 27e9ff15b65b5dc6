/**
 * The lakefs-ts command line against a real embedded server: every command family, `--json`
 * output, exit codes, and bad input (URIs, config, directories).
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { EXIT, main, memoryIO } from "lakefs-ts-cli";
import { openTarget, type TestTarget } from "../../../test/support/lakefs.js";

interface Run {
  code: number;
  out: string;
  err: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed --json output of any command
  json: any;
}

async function run(...argv: string[]): Promise<Run> {
  const io = memoryIO();
  const code = await main(argv, io);
  const out = io.out();
  let json: unknown;
  if (argv.includes("--json") && out.trim() !== "") json = JSON.parse(out);
  return { code, out, err: io.err(), json };
}

describe("lakefs-ts CLI", () => {
  let target: TestTarget;
  let work: string;
  const saved = { ...process.env };
  const repo = "cli-repo";

  before(async () => {
    target = await openTarget();
    work = mkdtempSync(join(tmpdir(), "lakefs-ts-cli-"));
    const config = join(work, "lakectl.yaml");
    writeFileSync(
      config,
      `credentials:\n  access_key_id: ${target.accessKeyId}\n  secret_access_key: ${target.secretAccessKey}\nserver:\n  endpoint_url: ${target.endpoint}\n`,
    );
    for (const key of Object.keys(process.env))
      if (key.startsWith("LAKECTL_")) delete process.env[key];
    process.env.LAKECTL_CONFIG_FILE = config;
  });
  after(async () => {
    process.env = saved;
    rmSync(work, { recursive: true, force: true });
    await target.close();
  });

  test("help everywhere, version, and usage errors exit 2", async () => {
    const help = await run("--help");
    assert.equal(help.code, EXIT.ok);
    for (const name of ["fs", "local", "repo", "branch", "tag", "commit", "log", "diff", "merge"]) {
      assert.match(help.out, new RegExp(`\\b${name}\\b`));
    }
    for (const argv of [
      ["fs", "upload", "--help"],
      ["local", "--help"],
      ["local", "commit", "--help"],
      ["merge", "--help"],
    ]) {
      const r = await run(...argv);
      assert.equal(r.code, EXIT.ok, argv.join(" "));
      assert.match(r.out, /Usage: lakefs-ts/);
    }
    assert.equal((await run("--version")).code, EXIT.ok);
    assert.equal((await run("nonsense")).code, EXIT.usage);
    assert.equal((await run("fs", "ls", "--bogus")).code, EXIT.usage);
    assert.equal((await run("fs", "ls")).code, EXIT.usage);
    const badUri = await run("fs", "ls", "s3://bucket/x");
    assert.equal(badUri.code, EXIT.usage);
    assert.match(badUri.err, /not a lakeFS URI/);
    assert.equal((await run("fs", "stat", `lakefs://${repo}/main`)).code, EXIT.usage);
    assert.equal((await run("fs", "ls", "lakefs://UPPER/main/")).code, EXIT.usage);
    assert.equal((await run("log", `lakefs://${repo}/main/extra/path`)).code, EXIT.usage);
    assert.equal(
      (await run("fs", "upload", `lakefs://${repo}/main/x`, "-p", "0", "-s", "f")).code,
      EXIT.usage,
    );
  });

  test("repositories, objects, directories, commits, logs, diffs, tags and merges", async () => {
    const created = await run("--json", "repo", "create", `lakefs://${repo}`, `local://${repo}`);
    assert.equal(created.code, EXIT.ok, created.err);
    assert.equal(created.json.default_branch, "main");
    assert.equal(
      (await run("repo", "create", `lakefs://${repo}`, `local://${repo}`)).code,
      EXIT.conflict,
    );

    const tree = join(work, "tree");
    mkdirSync(join(tree, "sub"), { recursive: true });
    writeFileSync(join(tree, "a.txt"), "alpha");
    writeFileSync(join(tree, "sub", "b.txt"), "bravo");
    const up = await run("--json", "fs", "upload", "-r", `lakefs://${repo}/main/data/`, "-s", tree);
    assert.equal(up.code, EXIT.ok, up.err);
    assert.equal(up.json.transferred, 2);
    const again = await run(
      "--json",
      "fs",
      "upload",
      "-r",
      `lakefs://${repo}/main/data/`,
      "-s",
      tree,
    );
    assert.equal(again.json.transferred, 0);
    assert.equal(again.json.unchanged, 2);
    const single = await run(
      "fs",
      "upload",
      `lakefs://${repo}/main/one.txt`,
      "-s",
      join(tree, "a.txt"),
    );
    assert.equal(single.code, EXIT.ok, single.err);

    const ls = await run("--json", "fs", "ls", `lakefs://${repo}/main/`);
    assert.deepEqual(
      ls.json.map((e: { type: string; path: string }) => [e.type, e.path]),
      [
        ["common_prefix", "data/"],
        ["object", "one.txt"],
      ],
    );
    const human = await run("fs", "ls", "-r", `lakefs://${repo}/main/data/`);
    assert.match(human.out, /object .* data\/sub\/b\.txt/);

    const cat = await run("fs", "cat", `lakefs://${repo}/main/data/sub/b.txt`);
    assert.equal(cat.out, "bravo");
    const stat = await run("--json", "fs", "stat", `lakefs://${repo}/main/data/a.txt`);
    assert.equal(stat.json.size_bytes, 5);
    assert.ok(stat.json.metadata["::lakefs::client-mtime"]);
    const missing = await run("fs", "stat", `lakefs://${repo}/main/nope.txt`);
    assert.equal(missing.code, EXIT.notFound);
    assert.equal((await run("fs", "rm", `lakefs://${repo}/main/nope.txt`)).code, EXIT.notFound);

    const diff = await run("--json", "diff", `lakefs://${repo}/main`);
    assert.equal(diff.json.length, 3);
    const commit = await run(
      "--json",
      "commit",
      `lakefs://${repo}/main`,
      "-m",
      "first",
      "--meta",
      "k=v",
    );
    assert.equal(commit.code, EXIT.ok, commit.err);
    assert.equal(commit.json.message, "first");
    assert.deepEqual(commit.json.metadata, { k: "v" });
    assert.equal((await run("commit", `lakefs://${repo}/main`, "-m", "again")).code, EXIT.failure);
    const log = await run("--json", "log", `lakefs://${repo}/main`, "-n", "1");
    assert.equal(log.json[0].id, commit.json.id);

    assert.equal(
      (await run("branch", "create", `lakefs://${repo}/dev`, "-s", `lakefs://${repo}/main`)).code,
      EXIT.ok,
    );
    const branches = await run("--json", "branch", "list", `lakefs://${repo}`);
    assert.deepEqual(
      branches.json.map((b: { id: string }) => b.id),
      ["dev", "main"],
    );
    assert.equal(
      (await run("fs", "cp", `lakefs://${repo}/main/one.txt`, `lakefs://${repo}/dev/two.txt`)).code,
      EXIT.ok,
    );
    assert.equal((await run("fs", "rm", "-r", `lakefs://${repo}/dev/data/`)).code, EXIT.ok);
    assert.equal((await run("commit", `lakefs://${repo}/dev`, "-m", "on dev")).code, EXIT.ok);
    const between = await run("--json", "diff", `lakefs://${repo}/main`, `lakefs://${repo}/dev`);
    assert.deepEqual(
      between.json.map((c: { type: string; path: string }) => `${c.type} ${c.path}`),
      ["removed data/a.txt", "removed data/sub/b.txt", "added two.txt"],
    );
    const merged = await run("--json", "merge", `lakefs://${repo}/dev`, `lakefs://${repo}/main`);
    assert.equal(merged.code, EXIT.ok, merged.err);
    assert.match(merged.json.reference, /^[0-9a-f]{64}$/);
    assert.equal(
      (await run("tag", "create", `lakefs://${repo}/v1`, `lakefs://${repo}/main`)).code,
      EXIT.ok,
    );
    const tags = await run("--json", "tag", "list", `lakefs://${repo}`);
    assert.equal(tags.json[0].commit_id, merged.json.reference);

    const down = join(work, "down");
    const got = await run("--json", "fs", "download", "-r", `lakefs://${repo}/v1/`, down);
    assert.equal(got.json.transferred, 2);
    assert.equal(readFileSync(join(down, "two.txt"), "utf8"), "alpha");
    const file = await run("fs", "download", `lakefs://${repo}/v1/one.txt`, down);
    assert.equal(file.code, EXIT.ok, file.err);
    assert.equal(readFileSync(join(down, "one.txt"), "utf8"), "alpha");

    assert.equal((await run("branch", "delete", `lakefs://${repo}/dev`)).code, EXIT.usage);
    assert.equal((await run("branch", "delete", `lakefs://${repo}/dev`, "--yes")).code, EXIT.ok);
    assert.equal((await run("branch", "show", `lakefs://${repo}/dev`)).code, EXIT.notFound);
    assert.equal((await run("fs", "ls", "lakefs://no-such-repo/main/")).code, EXIT.notFound);
  });

  test("local clone / status / commit / pull, with refusals as exit code 4", async () => {
    const dir = join(work, "checkout");
    const cloned = await run("--json", "local", "clone", `lakefs://${repo}/main/`, dir);
    assert.equal(cloned.code, EXIT.ok, cloned.err);
    assert.equal(cloned.json.summary.transferred, 2);
    const clean = await run("--json", "local", "status", dir);
    assert.deepEqual(clean.json.local, []);
    writeFileSync(join(dir, "new.txt"), "new");
    const dirty = await run("local", "status", dir);
    assert.match(dirty.out, /local\tadded\tnew\.txt/);
    assert.equal((await run("local", "pull", dir)).code, EXIT.conflict);
    const committed = await run("--json", "local", "commit", dir, "-m", "from the CLI");
    assert.equal(committed.code, EXIT.ok, committed.err);
    assert.ok(committed.json.commitId);
    assert.equal((await run("fs", "cat", `lakefs://${repo}/main/new.txt`)).out, "new");
    const pulled = await run("local", "pull", dir);
    assert.equal(pulled.code, EXIT.ok, pulled.err);
    assert.equal((await run("local", "status", join(work, "tree"))).code, EXIT.notFound);
    assert.equal((await run("local", "clone", `lakefs://${repo}/main/`, dir)).code, EXIT.conflict);
  });

  test("bad configuration and local paths", async () => {
    const nonexistent = await run(
      "fs",
      "upload",
      "-r",
      `lakefs://${repo}/main/x/`,
      "-s",
      join(work, "missing"),
    );
    assert.equal(nonexistent.code, EXIT.usage);
    assert.match(nonexistent.err, /not a directory/);
    const noFile = await run(
      "fs",
      "upload",
      `lakefs://${repo}/main/x`,
      "-s",
      join(work, "missing"),
    );
    assert.equal(noFile.code, EXIT.usage);
    const noConfig = await run("-c", join(work, "no-such.yaml"), "repo", "list");
    assert.equal(noConfig.code, EXIT.auth);
    assert.match(noConfig.err, /no lakeFS endpoint configured/);
    const wrongKeys = join(work, "wrong.yaml");
    writeFileSync(
      wrongKeys,
      `credentials:\n  access_key_id: AKIAWRONG\n  secret_access_key: nope\nserver:\n  endpoint_url: ${target.endpoint}\n`,
    );
    assert.equal((await run("-c", wrongKeys, "repo", "list")).code, EXIT.auth);
  });
});
