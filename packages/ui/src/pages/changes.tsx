/** A branch's uncommitted changes: reset per object or prefix, reset all, commit. */

import { useState } from "preact/hooks";
import { useLocation } from "preact-iso/router";
import { errorMessage, pageOf, repo } from "../api";
import { CHANGES_PAGE_SIZE, ChangeList } from "../components/change-list";
import { ErrorText, MetadataEditor, Modal, metadataRecord } from "../components/common";
import { RefSelector } from "../components/ref-selector";
import { type RepoView, repoHref } from "./view";

export function ChangesPage({ view }: { view: RepoView }) {
  const { route } = useLocation();
  const [generation, setGeneration] = useState(0);
  const [committing, setCommitting] = useState(false);
  const [error, setError] = useState<unknown>();
  const branch = repo(view.repository).branch(view.ref);
  const refresh = () => setGeneration((g) => g + 1);
  const reset = async (
    path: string | undefined,
    pathType: "object" | "common_prefix" | "reset",
  ) => {
    const what = path === undefined ? `every uncommitted change on ${view.ref}` : path;
    if (!confirm(`Reset ${what}?`)) return;
    try {
      await branch.resetChanges({ pathType, path });
      setError(undefined);
      refresh();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section>
      <div class="toolbar">
        <RefSelector
          repository={view.repository}
          label="Branch"
          value={view.ref}
          onChange={(ref) => route(repoHref(view, "changes", { ref }))}
        />
        <span class="spacer" />
        {view.isBranch && (
          <>
            <button type="button" class="danger" onClick={() => reset(undefined, "reset")}>
              Reset all
            </button>
            <button type="button" class="primary" onClick={() => setCommitting(true)}>
              Commit changes
            </button>
          </>
        )}
      </div>
      <ErrorText error={error} />
      {view.isBranch ? (
        <ChangeList
          deps={[view.repository, view.ref, generation]}
          fetchPage={(prefix, after) =>
            pageOf(
              branch.uncommitted({ prefix, delimiter: "/", after, pageSize: CHANGES_PAGE_SIZE }),
            )
          }
          empty="No uncommitted changes."
          actions={(c) => (
            <button
              type="button"
              class="link danger"
              aria-label={`Reset ${c.path}`}
              onClick={() =>
                reset(c.path, c.pathType === "common_prefix" ? "common_prefix" : "object")
              }
            >
              Reset
            </button>
          )}
        />
      ) : (
        <p class="muted">{view.ref} is not a branch: only branches have uncommitted changes.</p>
      )}
      {committing && (
        <CommitDialog
          view={view}
          onClose={() => setCommitting(false)}
          onCommitted={() => {
            setCommitting(false);
            refresh();
          }}
        />
      )}
    </section>
  );
}

function CommitDialog({
  view,
  onClose,
  onCommitted,
}: {
  view: RepoView;
  onClose: () => void;
  onCommitted: () => void;
}) {
  const [message, setMessage] = useState("");
  const [metadata, setMetadata] = useState<[string, string][]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await repo(view.repository)
        .branch(view.ref)
        .commit(message, { metadata: metadataRecord(metadata) });
      onCommitted();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <Modal title={`Commit changes to ${view.ref}`} onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <label>
          Commit message
          <textarea
            name="message"
            required
            rows={3}
            value={message}
            onInput={(e) => setMessage(e.currentTarget.value)}
          />
        </label>
        <MetadataEditor rows={metadata} onChange={setMetadata} />
        <ErrorText error={error} />
        <div class="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? "Committing…" : "Commit"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
