/** A branch's uncommitted changes: reset per object or prefix, reset all, commit. */

import { useState } from "preact/hooks";
import { pageOf, repo } from "../api";
import { CHANGES_PAGE_SIZE, ChangeList } from "../components/change-list";
import {
  DialogActions,
  ErrorText,
  MetadataEditor,
  Modal,
  metadataRecord,
  onSubmit,
} from "../components/common";
import { TabRefSelector } from "../components/ref-selector";
import { useAction } from "../hooks";
import type { RepoView } from "./view";

export function ChangesPage({ view }: { view: RepoView }) {
  const [generation, setGeneration] = useState(0);
  const [committing, setCommitting] = useState(false);
  const branch = repo(view.repository).branch(view.ref);
  const refresh = () => setGeneration((g) => g + 1);
  const reset = useAction(
    async (path: string | undefined, pathType: "object" | "common_prefix" | "reset") => {
      const what = path === undefined ? `every uncommitted change on ${view.ref}` : path;
      if (!confirm(`Reset ${what}?`)) return;
      await branch.resetChanges({ pathType, path });
      refresh();
    },
  );
  return (
    <section>
      <div class="toolbar">
        <TabRefSelector view={view} tab="changes" label="Branch" />
        <span class="spacer" />
        {view.isBranch && (
          <>
            <button type="button" class="danger" onClick={() => reset.run(undefined, "reset")}>
              Reset all
            </button>
            <button type="button" class="primary" onClick={() => setCommitting(true)}>
              Commit changes
            </button>
          </>
        )}
      </div>
      <ErrorText error={reset.error} />
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
                reset.run(c.path, c.pathType === "common_prefix" ? "common_prefix" : "object")
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
  const commit = useAction(async () => {
    await repo(view.repository)
      .branch(view.ref)
      .commit(message, { metadata: metadataRecord(metadata) });
    onCommitted();
  });
  return (
    <Modal title={`Commit changes to ${view.ref}`} onClose={onClose}>
      <form class="stack" onSubmit={onSubmit(commit.run)}>
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
        <ErrorText error={commit.error} />
        <DialogActions onCancel={onClose} busy={commit.busy} label="Commit" />
      </form>
    </Modal>
  );
}
