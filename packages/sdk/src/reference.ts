/**
 * `Reference`: any ref expression (branch, `branch@`, tag, commit id, `x~N`, `x^N`) and the
 * read-only calls on it; `BaseBranch`: what a branch and a transaction's branch share.
 */
import { type CallOptions, type HttpClient, path } from "./api/http.js";
import type { Schema } from "./api/index.js";
import { answer } from "./api/typed.js";
import { type Client, defaultClient } from "./client.js";
import { ConflictError, DeleteObjectsError, InvalidArgumentError } from "./errors.js";
import type { DeleteObjectOptions } from "./io/object-api.js";
import {
  type Change,
  type Commit,
  type CommonPrefix,
  type Metadata,
  type ObjectDeleteError,
  type ObjectInfo,
  toChange,
  toCommit,
  toListingEntry,
} from "./models.js";
import { StoredObject, WriteableObject } from "./object.js";
import { getPages, Listing, type ListOptions } from "./paging.js";

/** Where a handle sends its calls; default: the process-wide default client. */
export interface ResourceOptions {
  readonly client?: Client;
}

/** A ref given by name, or anything with an `id` (a Reference, Branch, Tag or Commit). */
export type RefLike = string | { readonly id: string };

/** The ref string of a `RefLike`. */
export function refId(ref: RefLike): string {
  const id = typeof ref === "string" ? ref : ref?.id;
  if (typeof id !== "string" || id === "") {
    throw new InvalidArgumentError("a reference must be a non-empty string or have an id");
  }
  return id;
}

/** `error` with a message naming what conflicted; status, body and headers kept, `error` as cause. */
export function explainConflict(error: ConflictError, message: string): ConflictError {
  const { status, body, headers, operation } = error;
  return new ConflictError({ status, message, body, headers, operation }, { cause: error });
}

/** True when an error body carries lakeFS's `message` (a merge conflict's body does not). */
export function hasMessage(body: unknown): boolean {
  return typeof body === "object" && body !== null && "message" in body;
}

/** Rejects empty or non-string ids before anything is sent. */
export function checkId(kind: string, id: unknown): string {
  if (typeof id !== "string" || id === "") {
    throw new InvalidArgumentError(`${kind} id must be a non-empty string`);
  }
  return id;
}

export interface LogOptions extends ListOptions {
  /** Only commits that changed one of these object paths. */
  readonly objects?: readonly string[];
  /** Only commits that changed something under one of these prefixes. */
  readonly prefixes?: readonly string[];
  /** Follow only the first parent of merge commits. */
  readonly firstParent?: boolean;
  /** Stop at commits older than this. */
  readonly since?: Date;
  /** Stop at this commit (included). */
  readonly stopAt?: RefLike;
}

export interface DiffOptions extends ListOptions {
  readonly prefix?: string;
  readonly delimiter?: string;
  /** `three_dot` (default: changes since the merge base) or `two_dot` (tree against tree). */
  readonly type?: "two_dot" | "three_dot";
}

export interface ObjectListOptions extends ListOptions {
  readonly prefix?: string;
  /** Group keys sharing a prefix up to this delimiter into `CommonPrefix` entries. */
  readonly delimiter?: string;
  /** Include user metadata (default true). */
  readonly userMetadata?: boolean;
  /** Ask for presigned physical addresses. */
  readonly presign?: boolean;
}

export interface MergeOptions extends CallOptions {
  readonly message?: string;
  readonly metadata?: Metadata;
  /** How to resolve conflicts; default: fail with ConflictError. */
  readonly strategy?: "dest-wins" | "source-wins";
  /** Bypass a read-only repository, and merge even when there is nothing to merge. */
  readonly force?: boolean;
  /** Create the merge commit even when the source adds nothing. */
  readonly allowEmpty?: boolean;
  /** Squash the source's history into one commit. */
  readonly squashMerge?: boolean;
}

/** A ref in a repository. Cheap and lazy: no request until an async method is called. */
export class Reference {
  readonly repositoryId: string;
  readonly id: string;
  readonly client: Client;

  constructor(repositoryId: string, id: string, options: ResourceOptions = {}) {
    this.repositoryId = checkId("repository", repositoryId);
    this.id = checkId("reference", id);
    this.client = options.client ?? defaultClient();
  }

  protected get http(): HttpClient {
    return this.client.http;
  }

  /** The commit this ref points at now (fetched on every call; refs move). */
  async getCommit(call: CallOptions = {}): Promise<Commit> {
    const commit = await answer(
      this.client.api.GET("/repositories/{repository}/commits/{commitId}", {
        params: { path: { repository: this.repositoryId, commitId: this.id } },
        signal: call.signal,
        timeout: call.timeout,
      }),
    );
    return toCommit(commit);
  }

  /** Commit history, newest first. */
  log(options: LogOptions = {}): Listing<Commit, Schema<"Commit">> {
    const route = path`/repositories/${this.repositoryId}/refs/${this.id}/commits`;
    const stopAt = options.stopAt === undefined ? undefined : refId(options.stopAt);
    return new Listing(
      getPages<Schema<"Commit">>(this.client, route, {
        objects: options.objects,
        prefixes: options.prefixes,
        first_parent: options.firstParent,
        since: options.since?.toISOString(),
        stop_at: stopAt,
      }),
      toCommit,
      (c) => c.id,
      options,
    );
  }

  /** Changes from this ref to `other`. */
  diff(other: RefLike, options: DiffOptions = {}): Listing<Change, Schema<"Diff">> {
    const route = path`/repositories/${this.repositoryId}/refs/${this.id}/diff/${refId(other)}`;
    return new Listing(
      getPages<Schema<"Diff">>(this.client, route, {
        prefix: options.prefix,
        delimiter: options.delimiter,
        type: options.type,
      }),
      toChange,
      (d) => d.path,
      options,
    );
  }

  /** Objects (and, with a delimiter, common prefixes) in lexicographic order. */
  objects(
    options: ObjectListOptions = {},
  ): Listing<ObjectInfo | CommonPrefix, Schema<"ObjectStats">> {
    const route = path`/repositories/${this.repositoryId}/refs/${this.id}/objects/ls`;
    return new Listing(
      getPages<Schema<"ObjectStats">>(this.client, route, {
        prefix: options.prefix,
        delimiter: options.delimiter,
        user_metadata: options.userMetadata,
        presign: options.presign,
      }),
      toListingEntry,
      (o) => o.path,
      options,
    );
  }

  /**
   * Merges this ref into `destination` and returns the merge commit (like `commit`, `revert` and
   * `cherryPick`; its `id` is what lakeFS answered). Never retried: a lost response could
   * otherwise merge twice; only the read of the new commit afterwards is.
   */
  async mergeInto(destination: RefLike, options: MergeOptions = {}): Promise<Commit> {
    const { signal, timeout, ...merge } = options;
    const destinationId = refId(destination);
    try {
      const result = await answer(
        this.client.api.POST(
          "/repositories/{repository}/refs/{sourceRef}/merge/{destinationBranch}",
          {
            params: {
              path: {
                repository: this.repositoryId,
                sourceRef: this.id,
                destinationBranch: destinationId,
              },
            },
            body: {
              message: merge.message,
              metadata: merge.metadata,
              strategy: merge.strategy,
              force: merge.force ?? false,
              allow_empty: merge.allowEmpty ?? false,
              squash_merge: merge.squashMerge ?? false,
            },
            longRunning: true,
            signal,
            timeout,
          },
        ),
      );
      return await new Reference(this.repositoryId, result.reference, {
        client: this.client,
      }).getCommit({ signal, timeout });
    } catch (error) {
      // lakeFS answers a merge conflict with a MergeResult body, not a message: name the merge.
      if (error instanceof ConflictError && !hasMessage(error.body)) {
        throw explainConflict(error, `conflict merging ${this.id} into ${destinationId}`);
      }
      throw error;
    }
  }

  /** A read-only handle on an object at this ref. */
  object(objectPath: string): StoredObject {
    return new StoredObject(this.repositoryId, this.id, objectPath, { client: this.client });
  }

  toString(): string {
    return this.id;
  }
}

export interface ResetOptions extends CallOptions {
  /** `reset` (default): drop every uncommitted change; `object` / `common_prefix`: only `path`. */
  readonly pathType?: "reset" | "object" | "common_prefix";
  readonly path?: string;
  /** Bypass a read-only repository. */
  readonly force?: boolean;
}

/** Options of `deleteObjects`: the same as one object's `delete` takes. */
export type DeleteObjectsOptions = DeleteObjectOptions;

/** Paths per deleteObjects request (the server's limit). */
const DELETE_BATCH_SIZE = 1000;

/** What a branch and a transaction's ephemeral branch have in common: staging-area calls. */
export class BaseBranch extends Reference {
  /** A read-write handle on an object on this branch. */
  override object(objectPath: string): WriteableObject {
    return new WriteableObject(this.repositoryId, this.id, objectPath, { client: this.client });
  }

  /** Uncommitted changes on this branch. */
  uncommitted(
    options: ListOptions & { prefix?: string; delimiter?: string } = {},
  ): Listing<Change, Schema<"Diff">> {
    const route = path`/repositories/${this.repositoryId}/branches/${this.id}/diff`;
    return new Listing(
      getPages<Schema<"Diff">>(this.client, route, {
        prefix: options.prefix,
        delimiter: options.delimiter,
      }),
      toChange,
      (d) => d.path,
      options,
    );
  }

  /** Drops uncommitted changes: all of them, one object, or everything under a prefix. */
  async resetChanges(options: ResetOptions = {}): Promise<void> {
    const type = options.pathType ?? "reset";
    if (type !== "reset" && type !== "object" && type !== "common_prefix") {
      throw new InvalidArgumentError(`pathType must be reset, object or common_prefix: ${type}`);
    }
    if (type !== "reset" && (typeof options.path !== "string" || options.path === "")) {
      throw new InvalidArgumentError(`resetChanges with pathType ${type} needs a path`);
    }
    await this.client.api.PUT("/repositories/{repository}/branches/{branch}", {
      params: { path: { repository: this.repositoryId, branch: this.id } },
      body: {
        type,
        ...(type !== "reset" && { path: options.path }),
        force: options.force ?? false,
      },
      signal: options.signal,
      timeout: options.timeout,
    });
  }

  /**
   * Deletes objects by path (or handle), in batches of 1000. Missing paths are not an error.
   * Per-path failures are collected across batches and thrown as one `DeleteObjectsError`.
   */
  async deleteObjects(
    objects: string | { readonly path: string } | Iterable<string | { readonly path: string }>,
    options: DeleteObjectsOptions = {},
  ): Promise<void> {
    const items =
      typeof objects === "string" || !(Symbol.iterator in Object(objects))
        ? [objects as string | { readonly path: string }]
        : [...(objects as Iterable<string | { readonly path: string }>)];
    const paths = items.map((item) => {
      const p = typeof item === "string" ? item : item?.path;
      if (typeof p !== "string" || p === "") {
        throw new InvalidArgumentError("deleteObjects takes non-empty paths or object handles");
      }
      return p;
    });
    const failures: ObjectDeleteError[] = [];
    for (let i = 0; i < paths.length; i += DELETE_BATCH_SIZE) {
      const batch = paths.slice(i, i + DELETE_BATCH_SIZE);
      const result = await answer(
        this.client.api.POST("/repositories/{repository}/branches/{branch}/objects/delete", {
          params: {
            path: { repository: this.repositoryId, branch: this.id },
            query: { force: options.force, no_tombstone: options.noTombstone },
          },
          body: { paths: batch },
          // Deleting the same paths twice has the same outcome.
          idempotent: true,
          signal: options.signal,
          timeout: options.timeout,
        }),
      );
      for (const e of result?.errors ?? []) {
        failures.push({ path: e.path ?? "", statusCode: e.status_code, message: e.message });
      }
    }
    if (failures.length > 0) throw new DeleteObjectsError(failures);
  }
}
