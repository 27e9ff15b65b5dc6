/**
 * Shell completion: the candidates the CLI gives for half-typed command lines, and the bash
 * script driving a real bash.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { EXIT, main, memoryIO } from "lakefs-ts-cli";

async function complete(...words: string[]): Promise<string[]> {
  const io = memoryIO();
  assert.equal(await main(["__complete", ...words], io), EXIT.ok);
  return io.out().split("\n").filter(Boolean);
}

test("subcommands, then options of the command reached, filtered by what is typed", async () => {
  assert.deepEqual(await complete(""), [
    "branch",
    "commit",
    "completion",
    "diff",
    "fs",
    "local",
    "log",
    "merge",
    "repo",
    "tag",
  ]);
  assert.deepEqual(await complete("b"), ["branch"]);
  assert.deepEqual(await complete("fs", "u"), ["upload"]);
  const uploadFlags = await complete("fs", "upload", "--");
  assert.ok(uploadFlags.includes("--recursive") && uploadFlags.includes("--json"));
  assert.ok(!uploadFlags.includes("--version"), "--version belongs to the root only");
  assert.ok((await complete("--")).includes("--version"));
  // An option's value is skipped, not taken for a command.
  assert.deepEqual(await complete("-c", "fs", "br"), ["branch"]);
  assert.deepEqual(await complete("--config", "x.yaml", "fs", "c"), ["cat", "cp"]);
  // Nothing matches: no candidates (the shell then falls back to file names).
  assert.deepEqual(await complete("fs", "zz"), []);
  assert.deepEqual(await complete(), await complete(""));
});

test("`completion` prints each script and refuses unknown shells with exit code 2", async () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    const io = memoryIO();
    assert.equal(await main(["completion", shell], io), EXIT.ok);
    assert.match(io.out(), /lakefs-ts __complete/);
  }
  const io = memoryIO();
  assert.equal(await main(["completion", "tcsh"], io), EXIT.usage);
  assert.match(io.err(), /one of bash, zsh, fish/);
});

const bin = mkdtempSync(join(tmpdir(), "lakefs-ts-completion-"));
after(() => rmSync(bin, { recursive: true, force: true }));

test("the bash script completes through a real bash", { skip: !hasBash() }, () => {
  const root = resolve(import.meta.dirname, "../../..");
  const cli = join(bin, "lakefs-ts");
  writeFileSync(
    cli,
    `#!/bin/sh\ncd '${root}' && exec '${process.execPath}' --conditions=development --import tsx packages/cli/test/run-cli.ts "$@"\n`,
  );
  chmodSync(cli, 0o755);
  const script = `source <(lakefs-ts completion bash)
COMP_WORDS=(lakefs-ts fs d); COMP_CWORD=2; _lakefs_ts; echo "\${COMPREPLY[*]}"
COMP_WORDS=(lakefs-ts local ""); COMP_CWORD=2; _lakefs_ts; echo "\${COMPREPLY[*]}"
complete -p lakefs-ts`;
  const out = spawnSync("bash", ["-c", script], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  assert.equal(out.status, 0, out.stderr);
  assert.deepEqual(out.stdout.trim().split("\n"), [
    "download",
    "clone commit pull status",
    "complete -o default -F _lakefs_ts lakefs-ts",
  ]);
});

function hasBash(): boolean {
  return spawnSync("bash", ["--version"]).status === 0;
}
