/** Helpers for the Lua hook tests: install a pre-commit Lua action, commit, read its output. */
import assert from "node:assert/strict";
import type { TestApi } from "./http-helpers.js";

/** An action file with one Lua hook on `event`; `properties` are YAML lines at 6 spaces. */
export function luaAction(name: string, event: string, properties: string): string {
  return [
    `name: ${name}`,
    "on:",
    `  ${event}:`,
    "hooks:",
    "  - id: lua_hook",
    "    type: lua",
    "    properties:",
    properties,
  ].join("\n");
}

/** A script as an inline YAML block under `script: |`. */
export const indent = (code: string) =>
  code
    .trim()
    .split("\n")
    .map((l) => `        ${l}`)
    .join("\n");

/** The output of the first hook of the run a 412 message names. */
export async function hookOutput(api: TestApi, repo: string, message: string): Promise<string> {
  const runId = /run id '([0-9a-v]{20})'/.exec(message)?.[1];
  assert.ok(runId, message);
  const out = await api.call(
    "GET",
    `/repositories/${repo}/actions/runs/${runId}/hooks/0000_0000/output`,
  );
  return out.text;
}

export interface ScriptRun {
  readonly status: number;
  /** The 412 message (the hook's failure), or "" when the commit went through. */
  readonly message: string;
  /** The hook's printed lines. */
  readonly lines: string[];
}

/**
 * Runs `script` as the pre-commit hook of a commit on `repo`'s main branch. The script's
 * outcome is the commit's: 201 when it passed, 412 with its error when it failed.
 */
export async function runPreCommitScript(
  api: TestApi,
  repo: string,
  script: string,
  extraProperties = "",
): Promise<ScriptRun> {
  const props = `      script: |\n${indent(script)}${extraProperties ? `\n${extraProperties}` : ""}`;
  await api.upload(repo, "main", "_lakefs_actions/lua.yaml", luaAction("lua", "pre-commit", props));
  const r = await api.call("POST", `/repositories/${repo}/branches/main/commits`, {
    json: { message: "run the script", allow_empty: true },
  });
  if (r.status !== 412) return { status: r.status, message: "", lines: [] };
  const output = await hookOutput(api, repo, r.json.message);
  return { status: r.status, message: r.json.message, lines: output.split("\n") };
}
