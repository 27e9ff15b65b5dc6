/** Branches and tags: list by prefix (paged), create from any ref, delete. */
import { path } from "lakefs-ts";
import { useState } from "preact/hooks";
import { rawPage, repo, type Schema } from "../api";
import {
  ActionsHeader,
  DialogActions,
  ErrorText,
  Listed,
  Modal,
  onSubmit,
  TextField,
} from "../components/common";
import { shortId } from "../format";
import { useAction, usePager } from "../hooks";
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
  const remove = useAction(async (id: string) => {
    if (!confirm(`Delete ${kind} ${id}?`)) return;
    const r = repo(view.repository);
    await (kind === "branch" ? r.branch(id) : r.tag(id)).delete();
    pager.reload();
  });
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
      <ErrorText error={remove.error} />
      <Listed
        pager={pager}
        label={plural}
        empty={`No ${plural}${prefix ? ` start with “${prefix}”` : ""}.`}
      >
        <table>
          <thead>
            <tr>
              <th>{kind === "branch" ? "Branch" : "Tag"}</th>
              <th>Commit</th>
              <ActionsHeader />
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
                      onClick={() => remove.run(r.id)}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Listed>
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
  const create = useAction(async () => {
    const r = repo(view.repository);
    await (kind === "branch" ? r.branch(name) : r.tag(name)).create(source);
    onCreated();
  });
  return (
    <Modal title={`Create ${kind}`} onClose={onClose}>
      <form class="stack" onSubmit={onSubmit(create.run)}>
        <TextField
          label={kind === "branch" ? "Branch name" : "Tag name"}
          name="name"
          required
          value={name}
          onValue={setName}
        />
        <TextField
          label="From ref"
          hint="branch, tag or commit"
          name="source"
          required
          value={source}
          onValue={setSource}
        />
        <ErrorText error={create.error} />
        <DialogActions onCancel={onClose} busy={create.busy} label={`Create ${kind}`} />
      </form>
    </Modal>
  );
}
