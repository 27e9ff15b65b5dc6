/** A repository: its tabs, with the ref being looked at carried in the URL (`?ref=`). */
import { useLocation, useRoute } from "preact-iso/router";
import { repo } from "../api";
import { ErrorText, Loading } from "../components/common";
import { href } from "../format";
import { useAsync } from "../hooks";
import { ChangesPage } from "./changes";
import { CommitPage, CommitsPage } from "./commits";
import { ComparePage } from "./compare";
import { ObjectPage, ObjectsPage } from "./objects";
import { BranchesPage, TagsPage } from "./refs";
import { SettingsPage } from "./settings";
import type { RepoView } from "./view";

const TABS = [
  { tab: "objects", label: "Objects" },
  { tab: "changes", label: "Uncommitted changes" },
  { tab: "commits", label: "Commits" },
  { tab: "compare", label: "Compare" },
  { tab: "branches", label: "Branches" },
  { tab: "tags", label: "Tags" },
  { tab: "settings", label: "Settings" },
] as const;

export function RepositoryPage() {
  const { params, query } = useRoute();
  const repository = params.repo as string;
  const tab = params.tab ?? "objects";
  const properties = useAsync(() => repo(repository).properties(), [repository]);
  const ref = query.ref || properties.value?.defaultBranch;
  const isBranch = useAsync(
    () => (ref ? branchExists(repository, ref) : Promise.resolve(false)),
    [repository, ref],
  );
  if (properties.error) return <ErrorText error={properties.error} />;
  if (!properties.value || ref === undefined || isBranch.value === undefined) return <Loading />;
  const view: RepoView = {
    repository,
    properties: properties.value,
    ref,
    isBranch: isBranch.value,
  };
  const base = `/repositories/${encodeURIComponent(repository)}`;
  return (
    <section>
      <h1 class="repo-title">
        <a href="/repositories">Repositories</a> / {repository}
      </h1>
      <nav class="tabs repo-tabs" aria-label="Repository">
        {TABS.map((t) => (
          <a
            key={t.tab}
            href={href(`${base}/${t.tab}`, { ref: query.ref })}
            aria-current={
              tab === t.tab || (tab === "object" && t.tab === "objects") ? "page" : undefined
            }
          >
            {t.label}
          </a>
        ))}
      </nav>
      <Tab tab={tab} id={params.id} view={view} />
    </section>
  );
}

/** Whether `ref` names a branch (rather than a tag, a commit or an expression like main~1). */
async function branchExists(repository: string, ref: string): Promise<boolean> {
  try {
    await repo(repository).branch(ref).head();
    return true;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 400) return false;
    throw error;
  }
}

function Tab({ tab, id, view }: { tab: string; id: string | undefined; view: RepoView }) {
  switch (tab) {
    case "objects":
      return <ObjectsPage view={view} />;
    case "object":
      return <ObjectPage view={view} />;
    case "changes":
      return <ChangesPage view={view} />;
    case "commits":
      return id ? <CommitPage view={view} commitId={id} /> : <CommitsPage view={view} />;
    case "compare":
      return <ComparePage view={view} />;
    case "branches":
      return <BranchesPage view={view} />;
    case "tags":
      return <TagsPage view={view} />;
    case "settings":
      return <SettingsPage view={view} />;
    default:
      return <NotFound />;
  }
}

function NotFound() {
  const { url } = useLocation();
  return <p class="error">No such page: {url}</p>;
}
