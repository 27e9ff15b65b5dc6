/**
 * The events lakeFS actions react to, and the record of one occurrence (what a hook is told).
 */

/** Event names as written in action files and reported in runs (`event_type`). */
export const EVENT_TYPES = [
  "prepare-commit",
  "pre-commit",
  "post-commit",
  "pre-merge",
  "post-merge",
  "pre-create-branch",
  "post-create-branch",
  "pre-delete-branch",
  "post-delete-branch",
  "pre-create-tag",
  "post-create-tag",
  "pre-delete-tag",
  "post-delete-tag",
  "pre-revert",
  "post-revert",
  "pre-cherry-pick",
  "post-cherry-pick",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The operations that fire events; each has a pre- and a post- event (commit also prepare-). */
export type Operation =
  | "commit"
  | "merge"
  | "create-branch"
  | "delete-branch"
  | "create-tag"
  | "delete-tag"
  | "revert"
  | "cherry-pick";

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** Commit details a hook sees (the commit being made, or the one just made). */
export interface EventCommit {
  readonly message: string;
  readonly committer: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** One occurrence of an event: the facts hooks receive and runs record. */
export interface HookRecord {
  readonly eventType: EventType;
  readonly repositoryId: string;
  readonly storageNamespace: string;
  /** The branch the operation acts on ("" for tag events). */
  readonly branchId: string;
  /** The ref whose `_lakefs_actions/` files define the actions that run. */
  readonly sourceRef: string;
  readonly tagId?: string | undefined;
  /** The commit the operation produced or points at, once known. */
  readonly commitId?: string | undefined;
  readonly commit: EventCommit;
  /** For merges: the ref being merged. */
  readonly mergeSource?: string | undefined;
  /** Who triggered the operation, when it makes no commit (Lua hooks call the API as them). */
  readonly user?: string | undefined;
}

/** The JSON body a webhook receives (lakeFS's field names). */
export function eventPayload(
  record: HookRecord,
  actionName: string,
  hookId: string,
  now: Date,
): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    event_type: record.eventType,
    event_time: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    action_name: actionName,
    hook_id: hookId,
    repository_id: record.repositoryId,
    branch_id: record.branchId,
    commit_message: record.commit.message,
    committer: record.commit.committer,
  };
  if (record.sourceRef) payload.source_ref = record.sourceRef;
  if (record.tagId) payload.tag_id = record.tagId;
  if (record.commitId) payload.commit_id = record.commitId;
  if (Object.keys(record.commit.metadata).length > 0) {
    payload.commit_metadata = record.commit.metadata;
  }
  if (record.mergeSource) payload.merge_source = record.mergeSource;
  return payload;
}
