/** What every repository tab gets from the repository page, and URL helpers for its tabs. */
import type { RepositoryProperties } from "lakefs-ts";
import { href } from "../format";

export interface RepoView {
  readonly repository: string;
  readonly properties: RepositoryProperties;
  /** The ref being looked at (`?ref=`, default: the default branch). */
  readonly ref: string;
  /** The ref is a branch: it can take uploads, deletes and commits. */
  readonly isBranch: boolean;
}

/** A link to a tab of the repository, with query parameters. */
export function repoHref(
  view: RepoView,
  tab: string,
  query: Record<string, string | undefined> = {},
): string {
  return href(`/repositories/${encodeURIComponent(view.repository)}/${tab}`, query);
}
