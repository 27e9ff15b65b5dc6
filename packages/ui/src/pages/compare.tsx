/** Compare two refs (two-dot or three-dot) and merge the compared ref into the base branch. */
import { ConflictError } from "lakefs-ts";
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso/router";
import { errorMessage, pageOf, repo } from "../api";
import { CHANGES_PAGE_SIZE, ChangeList } from "../components/change-list";
import {
  DialogActions,
  ErrorText,
  MetadataEditor,
  Modal,
  metadataRecord,
  onSubmit,
} from "../components/common";
import { RefSelector } from "../components/ref-selector";
import { useAction } from "../hooks";
import { type RepoView, repoHref } from "./view";

type DiffType = "three_dot" | "two_dot";
type Strategy = "" | "source-wins" | "dest-wins";

export function ComparePage({ view }: { view: RepoView }) {
  const { query, route } = useLocation();
  const base = view.ref;
  const compare = query.compare ?? "";
  const type: DiffType = query.type === "two_dot" ? "two_dot" : "three_dot";
  const [merging, setMerging] = useState(false);
  const [merged, setMerged] = useState<string>();
  const go = (change: { ref?: string; compare?: string; type?: DiffType }) =>
    route(
      repoHref(view, "compare", {
        ref: change.ref ?? base,
        compare: change.compare ?? compare,
        type: change.type ?? type,
      }),
    );
  return (
    <section>
      <div class="toolbar">
        <RefSelector
          repository={view.repository}
          label="Base"
          value={base}
          onChange={(ref) => go({ ref })}
        />
        <span aria-hidden="true">←</span>
        <RefSelector
          repository={view.repository}
          label="Compared to"
          value={compare || "(choose)"}
          onChange={(c) => go({ compare: c })}
        />
        <fieldset class="inline">
          <legend class="visually-hidden">Diff type</legend>
          <label class="check">
            <input
              type="radio"
              name="diffType"
              checked={type === "three_dot"}
              onChange={() => go({ type: "three_dot" })}
            />
            Three-dot (since merge base)
          </label>
          <label class="check">
            <input
              type="radio"
              name="diffType"
              checked={type === "two_dot"}
              onChange={() => go({ type: "two_dot" })}
            />
            Two-dot (tree to tree)
          </label>
        </fieldset>
        <span class="spacer" />
        {compare !== "" && view.isBranch && (
          <button type="button" class="primary" onClick={() => setMerging(true)}>
            Merge {compare} into {base}
          </button>
        )}
      </div>
      {merged && (
        <p class="success" role="status">
          Merged {compare} into {base}:{" "}
          <a
            class="mono"
            href={repoHref(view, `commits/${encodeURIComponent(merged)}`, { ref: base })}
          >
            {merged.slice(0, 12)}
          </a>
        </p>
      )}
      {compare === "" ? (
        <p class="muted">Choose a ref to compare with {base}.</p>
      ) : (
        <ChangeList
          deps={[view.repository, base, compare, type, merged]}
          fetchPage={(prefix, after) =>
            pageOf(
              repo(view.repository).ref(base).diff(compare, {
                prefix,
                delimiter: "/",
                type,
                after,
                pageSize: CHANGES_PAGE_SIZE,
              }),
            )
          }
          empty={`No differences between ${base} and ${compare}.`}
        />
      )}
      {merging && (
        <MergeDialog
          view={view}
          source={compare}
          onClose={() => setMerging(false)}
          onMerged={(id) => {
            setMerging(false);
            setMerged(id);
          }}
        />
      )}
    </section>
  );
}

/** A merge conflict said plainly, with what to do about it. */
function mergeFailure(error: unknown, source: string, destination: string): unknown {
  if (error instanceof ConflictError) {
    return new Error(
      `Merge conflict: ${source} and ${destination} both changed the same objects since their merge base (${errorMessage(error)}). Pick a strategy — "source wins" keeps ${source}'s versions, "destination wins" keeps ${destination}'s — or resolve the conflicting objects on one branch and merge again.`,
    );
  }
  return error;
}

function MergeDialog({
  view,
  source,
  onClose,
  onMerged,
}: {
  view: RepoView;
  source: string;
  onClose: () => void;
  onMerged: (commitId: string) => void;
}) {
  const [message, setMessage] = useState("");
  const [strategy, setStrategy] = useState<Strategy>("");
  const [squash, setSquash] = useState(false);
  const [metadata, setMetadata] = useState<[string, string][]>([]);
  const merge = useAction(async () => {
    let id: string;
    try {
      id = await repo(view.repository)
        .ref(source)
        .mergeInto(view.ref, {
          message: message || undefined,
          metadata: metadataRecord(metadata),
          strategy: strategy || undefined,
          squashMerge: squash,
        })
        .then((commit) => commit.id);
    } catch (e) {
      throw mergeFailure(e, source, view.ref);
    }
    onMerged(id);
  });
  return (
    <Modal title={`Merge ${source} into ${view.ref}`} onClose={onClose}>
      <form class="stack" onSubmit={onSubmit(merge.run)}>
        <label>
          <span>
            Commit message <span class="muted">(optional)</span>
          </span>
          <textarea rows={2} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
        </label>
        <label>
          Strategy
          <select value={strategy} onChange={(e) => setStrategy(e.currentTarget.value as Strategy)}>
            <option value="">Fail on conflict</option>
            <option value="source-wins">Source wins ({source})</option>
            <option value="dest-wins">Destination wins ({view.ref})</option>
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={squash}
            onChange={(e) => setSquash(e.currentTarget.checked)}
          />
          Squash into one commit
        </label>
        <MetadataEditor rows={metadata} onChange={setMetadata} />
        <ErrorText error={merge.error} />
        <DialogActions onCancel={onClose} busy={merge.busy} label="Merge" />
      </form>
    </Modal>
  );
}
