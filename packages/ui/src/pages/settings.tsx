/** Repository settings: branch protection rules, and deleting the repository. */
import { path } from "lakefs-ts";
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso/router";
import { client, repo, type Schema } from "../api";
import { ErrorText, Loading } from "../components/common";
import { useAsync } from "../hooks";
import type { RepoView } from "./view";

interface Rules {
  readonly patterns: readonly string[];
  /** The server's version of the rules, sent back with a change (If-Match). */
  readonly etag: string;
}

async function readRules(repository: string): Promise<Rules> {
  const response = await client.http.request({
    method: "GET",
    path: path`/repositories/${repository}/settings/branch_protection`,
    expect: "response",
  });
  const rules = (await response.json()) as Schema<"BranchProtectionRule">[];
  return { patterns: rules.map((r) => r.pattern), etag: response.headers.get("etag") ?? "" };
}

/** Replaces the rules, failing (412) when someone else changed them since `etag`. */
async function writeRules(
  repository: string,
  patterns: readonly string[],
  etag: string,
): Promise<void> {
  await client.http.request({
    method: "PUT",
    path: path`/repositories/${repository}/settings/branch_protection`,
    headers: etag ? { "if-match": etag } : {},
    json: patterns.map((pattern) => ({ pattern })),
    expect: "none",
  });
}

export function SettingsPage({ view }: { view: RepoView }) {
  return (
    <section>
      <BranchProtection view={view} />
      <DeleteRepository view={view} />
    </section>
  );
}

function BranchProtection({ view }: { view: RepoView }) {
  const rules = useAsync(() => readRules(view.repository), [view.repository]);
  const [pattern, setPattern] = useState("");
  const [error, setError] = useState<unknown>();
  const change = async (patterns: readonly string[]) => {
    if (!rules.value) return;
    try {
      await writeRules(view.repository, patterns, rules.value.etag);
      setError(undefined);
      setPattern("");
    } catch (e) {
      setError(e);
    }
    rules.reload();
  };
  return (
    <section aria-labelledby="protection-title">
      <h2 id="protection-title">Branch protection</h2>
      <p class="muted">
        Protected branches take no direct writes or commits; change them by merging. Patterns match
        branch names (<code>*</code> is a wildcard).
      </p>
      <ErrorText error={rules.error ?? error} />
      {!rules.value ? (
        <Loading />
      ) : (
        <ul class="rules">
          {rules.value.patterns.length === 0 && <li class="muted">No rules.</li>}
          {rules.value.patterns.map((p) => (
            <li key={p}>
              <code>{p}</code>{" "}
              <button
                type="button"
                class="link danger"
                aria-label={`Remove rule ${p}`}
                onClick={() => change(rules.value?.patterns.filter((x) => x !== p) ?? [])}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (
            rules.value &&
            pattern.trim() !== "" &&
            !rules.value.patterns.includes(pattern.trim())
          ) {
            change([...rules.value.patterns, pattern.trim()]);
          }
        }}
      >
        <input
          aria-label="Branch name pattern"
          placeholder="e.g. main or release-*"
          value={pattern}
          onInput={(e) => setPattern(e.currentTarget.value)}
        />
        <button type="submit">Add rule</button>
      </form>
    </section>
  );
}

function DeleteRepository({ view }: { view: RepoView }) {
  const { route } = useLocation();
  const [confirmName, setConfirmName] = useState("");
  const [error, setError] = useState<unknown>();
  return (
    <section aria-labelledby="danger-title" class="danger-zone">
      <h2 id="danger-title">Delete repository</h2>
      <p class="muted">Deletes {view.repository} with all its branches, tags and history.</p>
      <form
        class="row"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await repo(view.repository).delete();
            route("/repositories");
          } catch (err) {
            setError(err);
          }
        }}
      >
        <input
          aria-label={`Type ${view.repository} to confirm`}
          placeholder={`Type ${view.repository} to confirm`}
          value={confirmName}
          onInput={(e) => setConfirmName(e.currentTarget.value)}
        />
        <button type="submit" class="danger" disabled={confirmName !== view.repository}>
          Delete repository
        </button>
      </form>
      <ErrorText error={error} />
    </section>
  );
}
