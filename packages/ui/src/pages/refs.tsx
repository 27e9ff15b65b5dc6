/** Branches and tags: list by prefix (paged), create from any ref, delete. */
import { path } from "lakefs-ts";
import { useState } from "preact/hooks";
import { rawPage, repo, type Schema } from "../api";
import { ErrorText, Loading, Modal, PagerControls } from "../components/common";
import { shortId } from "../format";
import { usePager } from "../hooks";
import { type RepoView, repoHref } from "./view";

const PAGE_SIZE = 50;

type Kind = "branch" | "tag";

export function BranchesPage({ view }: { view: RepoView }) {
  return <RefsPage view={view} kind="branch" />;
}

export function TagsPage({ view }: { view: RepoView }) {
  return <RefsPage view={view} kind="tag" />;
}

function RefsPage({ view, kind }: { view: RepoView; kind: Kind }) {
  const [prefix, setPrefix] = useState("");
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>();
  const plural = kind === "branch" ? "branches" : "tags";
  const pager = usePager(
    (after) =>
      rawPage<Schema<"Ref">>(
        path`/repositories/${view.repository}/${plural}`,
        { prefix },
        after,
        PAGE_SIZE,
      ),
    [view.repository, plural, prefix],
  );
  const remove = async (id: string) => {
    if (!confirm(`Delete ${kind} ${id}?`)) return;
    try {
      const r = repo(view.repository);
      await (kind === "branch" ? r.branch(id) : r.tag(id)).delete();
      setError(undefined);
      pager.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section>
      <div class="toolbar">
        <input
          type="search"
          aria-label={`Filter ${plural} by prefix`}
          placeholder={`Filter ${plural} by prefix`}
          value={prefix}
          onInput={(e) => setPrefix(e.currentTarget.value)}
        />
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create {kind}
        </button>
      </div>
      <ErrorText error={pager.error ?? error} />
      {pager.loading && pager.items.length === 0 ? (
        <Loading />
      ) : (
        <table>
          <thead>
            <tr>
              <th>{kind === "branch" ? "Branch" : "Tag"}</th>
              <th>Commit</th>
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {pager.items.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={repoHref(view, "objects", { ref: r.id })}>{r.id}</a>
                  {r.id === view.properties.defaultBranch && kind === "branch" && (
                    <span class="badge">default</span>
                  )}
                </td>
                <td>
                  <a
                    class="mono"
                    href={repoHref(view, `commits/${encodeURIComponent(r.commit_id)}`, {
                      ref: r.id,
                    })}
                  >
                    {shortId(r.commit_id)}
                  </a>
                </td>
                <td class="row-actions">
                  {kind === "branch" && (
                    <a
                      href={repoHref(view, "compare", {
                        ref: view.properties.defaultBranch,
                        compare: r.id,
                      })}
                    >
                      Compare
                    </a>
                  )}
                  {!(kind === "branch" && r.id === view.properties.defaultBranch) && (
                    <button
                      type="button"
                      class="link danger"
                      aria-label={`Delete ${kind} ${r.id}`}
                      onClick={() => remove(r.id)}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PagerControls pager={pager} label={plural} />
      {creating && (
        <CreateRef
          view={view}
          kind={kind}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            pager.reload();
          }}
        />
      )}
    </section>
  );
}

function CreateRef({
  view,
  kind,
  onClose,
  onCreated,
}: {
  view: RepoView;
  kind: Kind;
  onClose: () => void;
  onCreated: () => void;
}) {
  const [name, setName] = useState("");
  const [source, setSource] = useState(view.ref);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const r = repo(view.repository);
      await (kind === "branch" ? r.branch(name) : r.tag(name)).create(source);
      onCreated();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal title={`Create ${kind}`} onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <label>
          {kind === "branch" ? "Branch name" : "Tag name"}
          <input
            name="name"
            required
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label>
          From ref <span class="muted">(branch, tag or commit)</span>
          <input
            name="source"
            required
            value={source}
            onInput={(e) => setSource(e.currentTarget.value)}
          />
        </label>
        <ErrorText error={error} />
        <div class="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Create {kind}
          </button>
        </div>
      </form>
    </Modal>
  );
}
