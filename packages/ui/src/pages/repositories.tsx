/** The repository list: search, page through, create (optionally with sample data). */

import { useState } from "preact/hooks";
import { useLocation } from "preact-iso/router";
import { client, rawPage, repo, type Schema } from "../api";
import { DialogActions, ErrorText, Listed, Modal, onSubmit, TextField } from "../components/common";
import { formatDate, href } from "../format";
import { useAction, usePager } from "../hooks";

const PAGE_SIZE = 25;

export function RepositoriesPage() {
  const [search, setSearch] = useState("");
  const [creating, setCreating] = useState(false);
  const pager = usePager(
    (after) => rawPage<Schema<"Repository">>("/repositories", { search }, after, PAGE_SIZE),
    [search],
  );
  return (
    <section>
      <div class="toolbar">
        <h1>Repositories</h1>
        <span class="spacer" />
        <input
          type="search"
          aria-label="Search repositories"
          placeholder="Search repositories"
          value={search}
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create repository
        </button>
      </div>
      <Listed
        pager={pager}
        label="Repositories"
        empty={`No repositories${search ? ` match “${search}”` : " yet"}.`}
      >
        <table>
          <thead>
            <tr>
              <th>Repository</th>
              <th>Default branch</th>
              <th class="hide-narrow">Storage namespace</th>
              <th class="hide-narrow">Created</th>
            </tr>
          </thead>
          <tbody>
            {pager.items.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={`/repositories/${encodeURIComponent(r.id)}/objects`}>{r.id}</a>
                </td>
                <td>{r.default_branch}</td>
                <td class="hide-narrow mono">{r.storage_namespace}</td>
                <td class="hide-narrow">{formatDate(new Date(r.creation_date * 1000))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Listed>
      {creating && <CreateRepository onClose={() => setCreating(false)} />}
    </section>
  );
}

/** The storage namespace a new repository gets unless the user types another. */
async function namespaceFor(name: string): Promise<string> {
  const storage = (await client.config()).storages[0];
  const prefix =
    storage?.defaultNamespacePrefix ?? (storage?.blockstoreType === "local" ? "local://" : "");
  if (prefix === "") return "";
  return prefix.endsWith("/") ? prefix + name : `${prefix}/${name}`;
}

function CreateRepository({ onClose }: { onClose: () => void }) {
  const { route } = useLocation();
  const [name, setName] = useState("");
  const [namespace, setNamespace] = useState("");
  const [branch, setBranch] = useState("main");
  const [samples, setSamples] = useState(true);
  const create = useAction(async () => {
    const ns = namespace.trim() || (await namespaceFor(name));
    await repo(name).create(ns, { defaultBranch: branch, includeSamples: samples });
    route(href(`/repositories/${encodeURIComponent(name)}/objects`, { ref: branch }));
  });
  return (
    <Modal title="Create repository" onClose={onClose}>
      <form onSubmit={onSubmit(create.run)} class="stack">
        <TextField
          label="Repository ID"
          name="name"
          required
          pattern="[a-z0-9][a-z0-9\-]{2,62}"
          title="3–63 lower-case letters, digits and dashes"
          value={name}
          onValue={setName}
        />
        <TextField
          label="Storage namespace"
          hint="default: derived from the ID"
          name="storageNamespace"
          placeholder="local://my-repo"
          value={namespace}
          onValue={setNamespace}
        />
        <TextField
          label="Default branch"
          name="defaultBranch"
          required
          value={branch}
          onValue={setBranch}
        />
        <label class="check">
          <input
            type="checkbox"
            name="sampleData"
            checked={samples}
            onChange={(e) => setSamples(e.currentTarget.checked)}
          />
          Add sample data
        </label>
        <ErrorText error={create.error} />
        <DialogActions onCancel={onClose} busy={create.busy} label="Create repository" />
      </form>
    </Modal>
  );
}
