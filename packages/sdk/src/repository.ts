/** `Repository` and the module-level `repository()` / `repositories()` helpers. */
import { Actions } from "./actions.js";
import { type CallOptions, type HttpClient, path } from "./api/http.js";
import type { Schema } from "./api/index.js";
import { answer } from "./api/typed.js";
import { Branch } from "./branch.js";
import { type Client, defaultClient } from "./client.js";
import { ConflictError } from "./errors.js";
import { type RepositoryProperties, toRepositoryProperties } from "./models.js";
import { getPages, Listing, type ListOptions } from "./paging.js";
import { PullRequests } from "./pull-request.js";
import { checkId, explainConflict, Reference, type ResourceOptions } from "./reference.js";
import { Tag } from "./tag.js";

export interface CreateRepositoryOptions extends CallOptions {
  /** Default "main". */
  readonly defaultBranch?: string;
  /** Fill the repository with the server's sample data. */
  readonly includeSamples?: boolean;
  /** Accept an existing repository with the same storage namespace and default branch. */
  readonly existOk?: boolean;
  /** Which storage to use on a multi-storage server. */
  readonly storageId?: string;
  /** Create only the metadata, without the initial commit. */
  readonly bare?: boolean;
  readonly readOnly?: boolean;
}

/** A repository handle. Cheap and lazy: no request until an async method is called. */
export class Repository {
  readonly id: string;
  readonly client: Client;

  constructor(id: string, options: ResourceOptions = {}) {
    this.id = checkId("repository", id);
    this.client = options.client ?? defaultClient();
  }

  private get http(): HttpClient {
    return this.client.http;
  }

  private get route(): string {
    return path`/repositories/${this.id}`;
  }

  /** Runs of the repository's action hooks (`repo.actions.runs()`). */
  get actions(): Actions {
    return new Actions(this.id, this.client);
  }

  /** The repository's pull requests (`repo.pullRequests.create(…)`, `.list()`, `.get(id)`). */
  get pullRequests(): PullRequests {
    return new PullRequests(this.id, this.client);
  }

  /**
   * Creates the repository. Never retried. With `existOk`, an existing repository is accepted
   * only if its storage namespace and default branch are the ones asked for.
   */
  async create(storageNamespace: string, options: CreateRepositoryOptions = {}): Promise<this> {
    checkId("storage namespace", storageNamespace);
    const defaultBranch = options.defaultBranch ?? "main";
    try {
      await this.client.api.POST("/repositories", {
        params: { query: { bare: options.bare } },
        body: {
          name: this.id,
          storage_namespace: storageNamespace,
          default_branch: defaultBranch,
          sample_data: options.includeSamples ?? false,
          read_only: options.readOnly ?? false,
          ...(options.storageId !== undefined && { storage_id: options.storageId }),
        },
        signal: options.signal,
        timeout: options.timeout,
      });
      return this;
    } catch (error) {
      if (!(options.existOk && error instanceof ConflictError)) throw error;
      const existing = await this.properties(options);
      const mismatch = [
        existing.storageNamespace !== storageNamespace &&
          `storage namespace ${existing.storageNamespace}`,
        existing.defaultBranch !== defaultBranch && `default branch ${existing.defaultBranch}`,
      ].filter(Boolean);
      if (mismatch.length === 0) return this;
      throw explainConflict(
        error,
        `repository ${this.id} already exists with ${mismatch.join(" and ")}`,
      );
    }
  }

  /** Deletes the repository's metadata (its stored objects stay in the namespace). */
  async delete(options: CallOptions & { force?: boolean } = {}): Promise<void> {
    await this.client.api.DELETE("/repositories/{repository}", {
      params: { path: { repository: this.id }, query: { force: options.force } },
      signal: options.signal,
      timeout: options.timeout,
    });
  }

  /** The repository's settings (fetched on every call). */
  async properties(call: CallOptions = {}): Promise<RepositoryProperties> {
    const repo = await answer(
      this.client.api.GET("/repositories/{repository}", {
        params: { path: { repository: this.id } },
        signal: call.signal,
        timeout: call.timeout,
      }),
    );
    return toRepositoryProperties(repo);
  }

  /** The repository's key/value metadata. */
  async metadata(call: CallOptions = {}): Promise<Record<string, string>> {
    const { data: metadata } = await this.client.api.GET("/repositories/{repository}/metadata", {
      params: { path: { repository: this.id } },
      signal: call.signal,
      timeout: call.timeout,
    });
    return { ...(metadata ?? {}) };
  }

  branch(id: string): Branch {
    return new Branch(this.id, id, { client: this.client });
  }

  tag(id: string): Tag {
    return new Tag(this.id, id, { client: this.client });
  }

  /** Any ref expression: a branch, `branch@`, a tag, a commit id, `x~N`, `x^N`. */
  ref(id: string): Reference {
    return new Reference(this.id, id, { client: this.client });
  }

  commit(id: string): Reference {
    return this.ref(id);
  }

  /** Branches in name order; hidden ones only with `showHidden`. */
  branches(
    options: ListOptions & { prefix?: string; showHidden?: boolean } = {},
  ): Listing<Branch, Schema<"Ref">> {
    return new Listing(
      getPages<Schema<"Ref">>(this.client, `${this.route}/branches`, {
        prefix: options.prefix,
        show_hidden: options.showHidden,
      }),
      (ref) => this.branch(ref.id),
      (ref) => ref.id,
      options,
    );
  }

  /** Tags in name order. */
  tags(options: ListOptions & { prefix?: string } = {}): Listing<Tag, Schema<"Ref">> {
    return new Listing(
      getPages<Schema<"Ref">>(this.client, `${this.route}/tags`, { prefix: options.prefix }),
      (ref) => this.tag(ref.id),
      (ref) => ref.id,
      options,
    );
  }

  toString(): string {
    return this.id;
  }
}

/** A repository handle (no request is made). */
export function repository(id: string, options: ResourceOptions = {}): Repository {
  return new Repository(id, options);
}

export interface RepositoriesOptions extends ListOptions, ResourceOptions {
  readonly prefix?: string;
  /** Only repositories whose name contains this string. */
  readonly search?: string;
}

/** Every repository the credentials can see, in name order. */
export function repositories(
  options: RepositoriesOptions = {},
): Listing<Repository, Schema<"Repository">> {
  const client = options.client ?? defaultClient();
  return new Listing(
    getPages<Schema<"Repository">>(client, "/repositories", {
      prefix: options.prefix,
      search: options.search,
    }),
    (repo) => new Repository(repo.id, { client }),
    (repo) => repo.id,
    options,
  );
}
