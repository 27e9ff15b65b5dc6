/** Picks a branch, a tag or a commit id: the ref every repository view is looking at. */

import { path } from "lakefs-ts";
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso/router";
import { rawPage, type Schema } from "../api";
import { useAsync } from "../hooks";
import { type RepoView, repoHref } from "../pages/view";
import { ErrorText } from "./common";

const SHOWN = 20;

export function RefSelector({
  repository,
  value,
  label,
  onChange,
}: {
  repository: string;
  value: string;
  label: string;
  onChange: (ref: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<"branches" | "tags">("branches");
  const [filter, setFilter] = useState("");
  const [commit, setCommit] = useState("");
  const refs = useAsync(
    () =>
      open
        ? rawPage<Schema<"Ref">>(
            path`/repositories/${repository}/${kind}`,
            { prefix: filter },
            undefined,
            SHOWN,
          )
        : Promise.resolve(undefined),
    [open, repository, kind, filter],
  );
  const choose = (ref: string) => {
    setOpen(false);
    onChange(ref);
  };
  return (
    <div class="ref-selector">
      <button
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={`${label}: ${value}`}
        onClick={() => setOpen(!open)}
      >
        <span class="muted">{label}:</span> <strong>{value}</strong> ▾
      </button>
      {open && (
        <fieldset
          class="popover"
          aria-label={`Choose ${label.toLowerCase()}`}
          onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
        >
          <div class="tabs" role="tablist">
            {(["branches", "tags"] as const).map((k) => (
              <button
                type="button"
                role="tab"
                aria-selected={kind === k}
                key={k}
                onClick={() => setKind(k)}
              >
                {k === "branches" ? "Branches" : "Tags"}
              </button>
            ))}
          </div>
          <input
            aria-label={`Filter ${kind}`}
            placeholder={`Filter ${kind} by prefix`}
            value={filter}
            onInput={(e) => setFilter(e.currentTarget.value)}
            // biome-ignore lint/a11y/noAutofocus: the popover exists to pick from this list.
            autoFocus
          />
          <ErrorText error={refs.error} />
          <ul class="ref-list">
            {refs.value?.items.map((r) => (
              <li key={r.id}>
                <button type="button" class="link" onClick={() => choose(r.id)}>
                  {r.id}
                </button>
              </li>
            ))}
            {refs.value?.items.length === 0 && <li class="muted">No {kind} match.</li>}
          </ul>
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (commit.trim() !== "") choose(commit.trim());
            }}
          >
            <input
              aria-label="Commit id"
              placeholder="or a commit id"
              value={commit}
              onInput={(e) => setCommit(e.currentTarget.value)}
            />
            <button type="submit">Go</button>
          </form>
        </fieldset>
      )}
    </div>
  );
}

/** The ref selector of a repository tab: choosing a ref reloads the tab at that ref. */
export function TabRefSelector({
  view,
  tab,
  label = "Ref",
  keep = {},
}: {
  view: RepoView;
  tab: string;
  label?: string;
  /** Query parameters the tab keeps across refs (e.g. the path). */
  keep?: Record<string, string | undefined>;
}) {
  const { route } = useLocation();
  return (
    <RefSelector
      repository={view.repository}
      label={label}
      value={view.ref}
      onChange={(ref) => route(repoHref(view, tab, { ...keep, ref }))}
    />
  );
}
