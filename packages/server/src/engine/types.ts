/**
 * Records and option shapes of the engine facade (`Engine` in engine.ts). Records are plain
 * objects in engine terms: camelCase, dates in unix seconds, entries as `Entry`.
 */
import type { Entry } from "../core/entry.js";
import type { MergeStrategy } from "./tree/types.js";

export interface Repository {
  readonly id: string;
  readonly storageNamespace: string;
  readonly defaultBranch: string;
  /** Unix seconds. */
  readonly creationDate: number;
  readonly readOnly: boolean;
}

export interface Branch {
  readonly id: string;
  readonly commitId: string;
  readonly hidden: boolean;
}

export interface Tag {
  readonly id: string;
  readonly commitId: string;
}

export interface Commit {
  /** 64 hex chars (SHA-256 of committer, message, metarange, seconds, metadata, parents). */
  readonly id: string;
  readonly parents: readonly string[];
  readonly committer: string;
  readonly message: string;
  /** Unix seconds. */
  readonly creationDate: number;
  /** "" is the empty tree. */
  readonly metarangeId: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly generation: number;
  /** 1: the first parent is the destination (lakeFS's current commit version). */
  readonly version: number;
}

/** One page of a listing: `nextOffset` is the last returned id/path, set only when `hasMore`. */
export interface Page<T> {
  readonly results: T[];
  readonly hasMore: boolean;
  readonly nextOffset: string;
}

/** Paging options shared by every listing: `amount` defaults to 100, capped at 1000, ≤ 0 → 100. */
export interface PageOptions {
  readonly after?: string | undefined;
  readonly amount?: number | undefined;
}

export type ListedEntry =
  | { readonly path: string; readonly entry: Entry; readonly commonPrefix?: undefined }
  | { readonly path: string; readonly commonPrefix: true; readonly entry?: undefined };

export type DiffType = "added" | "removed" | "changed" | "conflict" | "prefix_changed";

export interface DiffEntry {
  readonly path: string;
  readonly type: DiffType;
  readonly pathType: "object" | "common_prefix";
  /** Size of the right-side object (left side when removed); absent for common prefixes. */
  readonly sizeBytes?: number;
  /** The right-side value, when there is one. */
  readonly right?: Entry;
}

export interface CreateRepositoryOptions {
  readonly id: string;
  readonly storageNamespace: string;
  readonly defaultBranch?: string | undefined;
  readonly readOnly?: boolean | undefined;
  /** Create only the record: no initial commit, no default branch, no `_lakefs/dummy`. */
  readonly bare?: boolean | undefined;
}

export interface ListRepositoriesOptions extends PageOptions {
  readonly prefix?: string | undefined;
  /** Substring filter on the id. */
  readonly search?: string | undefined;
}

export interface CreateBranchOptions {
  readonly name: string;
  /** Any ref expression that resolves to a commit (not `branch$`). */
  readonly source: string;
  readonly hidden?: boolean | undefined;
  /** Bypass read-only repository. */
  readonly force?: boolean | undefined;
}

export interface ListBranchesOptions extends PageOptions {
  readonly prefix?: string | undefined;
  readonly showHidden?: boolean | undefined;
}

export interface ForceOption {
  /** Bypass read-only repository. */
  readonly force?: boolean | undefined;
}

export type ResetType = "reset" | "object" | "common_prefix";

export interface ResetOptions extends ForceOption {
  readonly type: ResetType;
  /** Object path (type "object") or raw string prefix (type "common_prefix"). */
  readonly path?: string | undefined;
}

export interface BranchProtectionRule {
  /** Glob over branch ids (`*` any run of characters, `?` one character). */
  readonly pattern: string;
  /**
   * What the rule blocks; absent means both (rules set through the API). Only the sample
   * repository's rule on its default branch blocks commits alone, as in lakeFS.
   */
  readonly blockedActions?: readonly ProtectedAction[] | undefined;
}

/** An action a branch protection rule can block. */
export type ProtectedAction = "staging_write" | "commit";

export interface CreateTagOptions extends ForceOption {
  readonly id: string;
  readonly ref: string;
}

export interface ListTagsOptions extends PageOptions {
  readonly prefix?: string | undefined;
}

export interface CommitOptions extends ForceOption {
  readonly message: string;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** Overrides the creation time (unix seconds). */
  readonly date?: number | undefined;
  readonly allowEmpty?: boolean | undefined;
  /** Commit this existing metarange verbatim as the new tree (branch must be clean). */
  readonly sourceMetarange?: string | undefined;
  readonly committer?: string | undefined;
}

export interface LogOptions extends PageOptions {
  /** Only commits that changed one of these exact paths (compared with the first parent). */
  readonly objects?: readonly string[] | undefined;
  /** Only commits that changed something under one of these prefixes. */
  readonly prefixes?: readonly string[] | undefined;
  readonly firstParent?: boolean | undefined;
  /** Unix seconds: stop at the first commit older than this. */
  readonly since?: number | undefined;
  /** A ref: stop after returning the commit it resolves to. */
  readonly stopAt?: string | undefined;
  /** Return at most `amount` commits without scanning on for more (`hasMore` is false). */
  readonly limit?: boolean | undefined;
}

export interface DiffOptions extends PageOptions {
  readonly type?: "two_dot" | "three_dot" | undefined;
  readonly prefix?: string | undefined;
  readonly delimiter?: string | undefined;
}

export interface DiffBranchOptions extends PageOptions {
  readonly prefix?: string | undefined;
  readonly delimiter?: string | undefined;
}

export interface MergeOptions extends ForceOption {
  readonly message?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** "" / undefined: fail on conflict; anything but "dest-wins"/"source-wins" is a 400. */
  readonly strategy?: string | undefined;
  readonly allowEmpty?: boolean | undefined;
  /** Parents = [destination head] only. */
  readonly squashMerge?: boolean | undefined;
  readonly committer?: string | undefined;
}

export interface CommitOverrides {
  readonly message?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

export interface RevertOptions extends ForceOption {
  readonly ref: string;
  /** 1-based parent of the reverted commit; 0 (or absent) is allowed for single-parent commits. */
  readonly parentNumber?: number | undefined;
  readonly allowEmpty?: boolean | undefined;
  readonly commitOverrides?: CommitOverrides | undefined;
  readonly committer?: string | undefined;
}

export interface CherryPickOptions extends ForceOption {
  readonly ref: string;
  /** 1-based parent of the picked commit; required for merge commits. */
  readonly parentNumber?: number | undefined;
  readonly commitOverrides?: CommitOverrides | undefined;
  readonly committer?: string | undefined;
}

export interface ListEntriesOptions extends PageOptions {
  readonly prefix?: string | undefined;
  readonly delimiter?: string | undefined;
}

export interface StageEntryOptions extends ForceOption {
  /** `If-None-Match: *`: fail with `PreconditionFailedError` when the path has a current value. */
  readonly ifNoneMatch?: boolean | undefined;
}

export interface DeleteEntryResult {
  readonly path: string;
  readonly statusCode: number;
  readonly message: string;
}

/** How a ref expression resolved. */
export interface ResolvedRef {
  readonly type: "branch" | "tag" | "commit";
  readonly commitId: string;
  /** Set when the base of the expression is a branch with no `~`/`^` modifier. */
  readonly branch?: string | undefined;
  /** True when reads go through the branch's staging area (plain branch name or `branch$`). */
  readonly readsStaging: boolean;
  /** True for an explicit `branch$`: not a commit, refused where a commit is needed. */
  readonly staging: boolean;
}

export interface ImportSourceSpec {
  readonly type: "common_prefix" | "object";
  /** Source URI as given by the client (the walker interprets it). */
  readonly path: string;
  /** Path in the branch: the prefix (common_prefix) or object path (object) to replace. */
  readonly destination: string;
}

export interface ImportOptions extends ForceOption {
  readonly sources: readonly ImportSourceSpec[];
  readonly commit: {
    readonly message?: string | undefined;
    readonly metadata?: Readonly<Record<string, string>> | undefined;
  };
  readonly committer?: string | undefined;
  /**
   * Wraps the import's commit (the caller's pre/post-commit hooks); a rejection fails the import
   * in its status and nothing lands.
   */
  readonly guardCommit?: ((commit: () => Promise<Commit>) => Promise<Commit>) | undefined;
}

/** One imported object: `relPath` is relative to the source ("" for an object source). */
export interface ImportedObject {
  readonly relPath: string;
  readonly entry: Entry;
}

/** Enumerates one import source; supplied by the caller (the block layer walks directories). */
export type ImportWalker = (source: ImportSourceSpec) => AsyncIterable<ImportedObject>;

export interface ImportStatus {
  readonly completed: boolean;
  /** Unix seconds of the last progress update. */
  readonly updateTime: number;
  readonly ingestedObjects: number;
  readonly metarangeId?: string | undefined;
  readonly commit?: Commit | undefined;
  /** Set when failed or cancelled (`Canceled`). */
  readonly error?: string | undefined;
}

export type { MergeStrategy };

/** `open` until closed (it may be reopened) or merged (final). */
export type PullRequestStatus = "open" | "closed" | "merged";

/** A proposal to merge one branch into another (lakeFS's pull request). */
export interface PullRequest {
  /** A descending xid: newer pull requests sort first. */
  readonly id: string;
  readonly status: PullRequestStatus;
  readonly title: string;
  readonly description: string;
  /** The creator's name. */
  readonly author: string;
  readonly sourceBranch: string;
  readonly destinationBranch: string;
  /** Unix seconds. */
  readonly creationDate: number;
  /** The merge commit, once merged. */
  readonly mergedCommitId?: string;
  /** Unix seconds, once closed or merged. */
  readonly closedDate?: number;
}

export interface CreatePullRequestOptions {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly author: string;
  readonly sourceBranch: string;
  readonly destinationBranch: string;
}

/** `all` (the default) lists every pull request; `closed` includes merged ones. */
export type PullRequestFilter = "open" | "closed" | "all";

export interface ListPullRequestsOptions extends PageOptions {
  readonly prefix?: string;
  readonly status?: PullRequestFilter;
}

/** Fields a PATCH may change; absent ones stay. */
export interface UpdatePullRequestOptions {
  readonly title?: string;
  readonly description?: string;
  readonly status?: PullRequestStatus;
}
