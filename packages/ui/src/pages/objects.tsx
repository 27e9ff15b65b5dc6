/** The object browser: one prefix at a time, a page at a time; upload, download, delete, preview. */
import type { CommonPrefix, ObjectInfo } from "lakefs-ts";
import { useLocation } from "preact-iso/router";
import { objectUrl, pageOf, repo } from "../api";
import { ActionsHeader, ErrorText, FolderIcon, Listed } from "../components/common";
import { TabRefSelector } from "../components/ref-selector";
import { Uploader } from "../components/uploader";
import { baseName, formatDate, formatSize, parentPrefixes, shortId } from "../format";
import { useAction, useAsync, usePager } from "../hooks";
import { Preview } from "../preview/preview";
import { type RepoView, repoHref } from "./view";

const PAGE_SIZE = 100;

/** `path` a/b/ → links to the root, a/ and a/b/. */
function Breadcrumbs({ view, path, tab }: { view: RepoView; path: string; tab: string }) {
  const crumbs = parentPrefixes(path);
  const last = path.endsWith("/") ? undefined : baseName(path);
  return (
    <nav class="breadcrumbs" aria-label="Path">
      <a href={repoHref(view, tab, { ref: view.ref })}>{view.repository}</a>
      {crumbs.map((p) => (
        <span key={p}>
          {" / "}
          <a href={repoHref(view, tab, { ref: view.ref, path: p })}>{baseName(p).slice(0, -1)}</a>
        </span>
      ))}
      {last !== undefined && last !== "" && <span> / {last}</span>}
    </nav>
  );
}

/** Asks, then deletes one object from the branch; false when the user said no. */
async function confirmDelete(view: RepoView, path: string): Promise<boolean> {
  if (!confirm(`Delete ${path} from ${view.ref}?`)) return false;
  await repo(view.repository).branch(view.ref).object(path).delete();
  return true;
}

export function ObjectsPage({ view }: { view: RepoView }) {
  const { query } = useLocation();
  const prefix = query.path ?? "";
  const pager = usePager(
    (after) =>
      pageOf(
        repo(view.repository)
          .ref(view.ref)
          .objects({ prefix, delimiter: "/", pageSize: PAGE_SIZE, after }),
      ),
    [view.repository, view.ref, prefix],
  );
  const remove = useAction(async (path: string) => {
    if (await confirmDelete(view, path)) pager.reload();
  });
  const body = (
    <>
      <ErrorText error={remove.error} />
      <Listed
        pager={pager}
        label="Objects"
        empty={`No objects here${view.isBranch ? " yet: drop files to upload" : ""}.`}
      >
        <table class="objects">
          <thead>
            <tr>
              <th>Name</th>
              <th class="num">Size</th>
              <th class="hide-narrow">Modified</th>
              <th class="hide-narrow">ETag</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {pager.items.map((entry) => (
              <EntryRow key={entry.path} view={view} entry={entry} onDelete={remove.run} />
            ))}
          </tbody>
        </table>
      </Listed>
    </>
  );
  return (
    <section>
      <div class="toolbar">
        <TabRefSelector view={view} tab="objects" keep={{ path: prefix }} />
        <Breadcrumbs view={view} path={prefix} tab="objects" />
      </div>
      {view.isBranch ? (
        <Uploader view={view} prefix={prefix} onUploaded={pager.reload}>
          {body}
        </Uploader>
      ) : (
        body
      )}
    </section>
  );
}

function EntryRow({
  view,
  entry,
  onDelete,
}: {
  view: RepoView;
  entry: ObjectInfo | CommonPrefix;
  onDelete: (path: string) => void;
}) {
  if (entry.kind === "common_prefix") {
    return (
      <tr>
        <td>
          <a href={repoHref(view, "objects", { ref: view.ref, path: entry.path })}>
            <FolderIcon /> {baseName(entry.path)}
          </a>
        </td>
        <td />
        <td class="hide-narrow" />
        <td class="hide-narrow" />
        <td />
      </tr>
    );
  }
  return (
    <tr>
      <td>
        <a href={repoHref(view, "object", { ref: view.ref, path: entry.path })}>
          {baseName(entry.path)}
        </a>
      </td>
      <td class="num">{formatSize(entry.sizeBytes)}</td>
      <td class="hide-narrow">{formatDate(entry.mtime)}</td>
      <td class="hide-narrow mono" title={entry.checksum}>
        {shortId(entry.checksum)}
      </td>
      <td class="row-actions">
        <a
          href={objectUrl(view.repository, view.ref, entry.path)}
          download={baseName(entry.path)}
          aria-label={`Download ${entry.path}`}
        >
          Download
        </a>
        {view.isBranch && (
          <button
            type="button"
            class="link danger"
            aria-label={`Delete ${entry.path}`}
            onClick={() => onDelete(entry.path)}
          >
            Delete
          </button>
        )}
      </td>
    </tr>
  );
}

/** One object: its stats, a download link and a preview. */
export function ObjectPage({ view }: { view: RepoView }) {
  const { query, route } = useLocation();
  const path = query.path ?? "";
  const stat = useAsync(
    () => repo(view.repository).ref(view.ref).object(path).stat(),
    [view.repository, view.ref, path],
  );
  const parent = path.slice(0, path.lastIndexOf("/") + 1);
  const remove = useAction(async () => {
    if (await confirmDelete(view, path)) {
      route(repoHref(view, "objects", { ref: view.ref, path: parent }));
    }
  });

  return (
    <section>
      <div class="toolbar">
        <TabRefSelector view={view} tab="object" keep={{ path }} />
        <Breadcrumbs view={view} path={path} tab="objects" />
      </div>
      <ErrorText error={stat.error} />
      {stat.value && (
        <>
          <dl class="facts">
            <dt>Size</dt>
            <dd>{formatSize(stat.value.sizeBytes)}</dd>
            <dt>Modified</dt>
            <dd>{formatDate(stat.value.mtime)}</dd>
            <dt>ETag</dt>
            <dd class="mono">{stat.value.checksum}</dd>
            <dt>Content type</dt>
            <dd>{stat.value.contentType ?? "—"}</dd>
            {Object.entries(stat.value.metadata).map(([k, v]) => (
              <>
                <dt key={`k-${k}`}>{k}</dt>
                <dd key={`v-${k}`}>{v}</dd>
              </>
            ))}
          </dl>
          <div class="actions left">
            <a
              class="button"
              href={objectUrl(view.repository, view.ref, path)}
              download={baseName(path)}
            >
              Download
            </a>
            {view.isBranch && (
              <button type="button" class="danger" onClick={() => remove.run()}>
                Delete
              </button>
            )}
          </div>
          <ErrorText error={remove.error} />
          <Preview view={view} info={stat.value} />
        </>
      )}
    </section>
  );
}
