/** The commit log (paged) and one commit: details and its diff against its first parent. */
import type { Commit } from "lakefs-ts";
import { pageOf, repo } from "../api";
import { CHANGES_PAGE_SIZE, ChangeList } from "../components/change-list";
import { ErrorText, Listed, Loading } from "../components/common";
import { TabRefSelector } from "../components/ref-selector";
import { formatDate, shortId } from "../format";
import { useAsync, usePager } from "../hooks";
import { type RepoView, repoHref } from "./view";

const LOG_PAGE_SIZE = 25;

export function CommitsPage({ view }: { view: RepoView }) {
  const pager = usePager(
    (after) => pageOf(repo(view.repository).ref(view.ref).log({ after, pageSize: LOG_PAGE_SIZE })),
    [view.repository, view.ref],
  );
  return (
    <section>
      <div class="toolbar">
        <TabRefSelector view={view} tab="commits" />
      </div>
      <Listed pager={pager} label="Commits" empty="No commits.">
        <ol class="log" aria-label="Commits">
          {pager.items.map((c) => (
            <CommitRow key={c.id} view={view} commit={c} />
          ))}
        </ol>
      </Listed>
    </section>
  );
}

function CommitRow({ view, commit }: { view: RepoView; commit: Commit }) {
  return (
    <li class="commit">
      <div>
        <a href={repoHref(view, `commits/${encodeURIComponent(commit.id)}`, { ref: view.ref })}>
          {commit.message || <em>(no message)</em>}
        </a>
        {commit.parents.length > 1 && <span class="badge merge">merge</span>}
      </div>
      <div class="muted">
        {commit.committer || "—"} committed {formatDate(commit.creationDate)} ·{" "}
        <span class="mono">{shortId(commit.id)}</span>
      </div>
    </li>
  );
}

export function CommitPage({ view, commitId }: { view: RepoView; commitId: string }) {
  const commit = useAsync(
    () => repo(view.repository).commit(commitId).getCommit(),
    [view.repository, commitId],
  );
  if (commit.error) return <ErrorText error={commit.error} />;
  if (!commit.value) return <Loading />;
  const c = commit.value;
  const parent = c.parents[0];
  return (
    <section>
      <h2>{c.message || <em>(no message)</em>}</h2>
      <dl class="facts">
        <dt>Commit</dt>
        <dd class="mono">{c.id}</dd>
        <dt>Committer</dt>
        <dd>{c.committer || "—"}</dd>
        <dt>Date</dt>
        <dd>{formatDate(c.creationDate)}</dd>
        <dt>Parents</dt>
        <dd>
          {c.parents.length === 0
            ? "none"
            : c.parents.map((p) => (
                <a
                  key={p}
                  class="mono parent"
                  href={repoHref(view, `commits/${encodeURIComponent(p)}`, { ref: view.ref })}
                >
                  {shortId(p)}
                </a>
              ))}
        </dd>
        <dt>Meta range</dt>
        <dd class="mono">{c.metaRangeId || "—"}</dd>
        {Object.entries(c.metadata).map(([k, v]) => (
          <>
            <dt key={`k-${k}`}>{k}</dt>
            <dd key={`v-${k}`}>{v}</dd>
          </>
        ))}
      </dl>
      <div class="actions left">
        <a class="button" href={repoHref(view, "objects", { ref: c.id })}>
          Browse objects at this commit
        </a>
      </div>
      <h3>Changes{parent ? ` against ${shortId(parent)}` : ""}</h3>
      {parent ? (
        <ChangeList
          deps={[view.repository, c.id]}
          fetchPage={(prefix, after) =>
            pageOf(
              repo(view.repository).commit(parent).diff(c.id, {
                prefix,
                delimiter: "/",
                type: "two_dot",
                after,
                pageSize: CHANGES_PAGE_SIZE,
              }),
            )
          }
          empty="This commit changed nothing."
        />
      ) : (
        <p class="muted">The first commit has no parent to compare with.</p>
      )}
    </section>
  );
}
