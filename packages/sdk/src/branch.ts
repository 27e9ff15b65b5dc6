/** `Branch`: a movable ref with a staging area; commits, merges, reverts, imports, transactions. */
import type { CallOptions } from "./api/http.js";
import { answer } from "./api/typed.js";
import { ConflictError, InvalidArgumentError } from "./errors.js";
import { ImportManager } from "./import-manager.js";
import { type Commit, type Metadata, toCommit } from "./models.js";
import { BaseBranch, Reference, type RefLike, refId } from "./reference.js";
import {
  startTransaction,
  type TransactionBranch,
  type TransactionOptions,
} from "./transaction.js";

export interface CreateBranchOptions extends CallOptions {
  /** An existing branch of that name is fine (not checked against `source`: branches move). */
  readonly existOk?: boolean;
  /** Hidden branches are left out of `repository.branches()` unless asked for. */
  readonly hidden?: boolean;
  /** Bypass a read-only repository. */
  readonly force?: boolean;
}

export interface CommitOptions extends CallOptions {
  readonly metadata?: Metadata;
  /** Commit date to record (whole seconds are kept). */
  readonly date?: Date;
  /** Commit even when nothing changed. */
  readonly allowEmpty?: boolean;
  /** Bypass a read-only repository. */
  readonly force?: boolean;
}

/** Overrides for the commit that revert / cherry-pick create. */
export interface CommitOverrides {
  readonly message?: string;
  readonly metadata?: Metadata;
}

export interface RevertOptions extends CallOptions {
  /** For a merge commit: which parent (1-based) to revert against; 0 for other commits. */
  readonly parentNumber?: number;
  readonly commitOverrides?: CommitOverrides;
  readonly allowEmpty?: boolean;
  readonly force?: boolean;
}

export interface CherryPickOptions extends CallOptions {
  /** For a merge commit: which parent (1-based) to diff against. */
  readonly parentNumber?: number;
  readonly commitOverrides?: CommitOverrides;
  readonly force?: boolean;
}

export interface ImportDataOptions {
  readonly commitMessage?: string;
  readonly metadata?: Metadata;
  /** Bypass a read-only repository. */
  readonly force?: boolean;
}

function checkParentNumber(n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) {
    throw new InvalidArgumentError(`parentNumber must be a non-negative integer: ${n}`);
  }
}

/** A branch handle. Cheap and lazy: no request until an async method is called. */
export class Branch extends BaseBranch {
  /** The path parameters of this branch's operations in the typed client. */
  private get pathParams(): { repository: string; branch: string } {
    return { repository: this.repositoryId, branch: this.id };
  }

  /**
   * Creates this branch from `source` (its committed state). Not retried blindly; with
   * `existOk` an existing branch is accepted.
   */
  async create(source: RefLike, options: CreateBranchOptions = {}): Promise<this> {
    try {
      await this.client.api.POST("/repositories/{repository}/branches", {
        params: { path: { repository: this.repositoryId } },
        body: {
          name: this.id,
          source: refId(source),
          force: options.force ?? false,
          hidden: options.hidden ?? false,
        },
        parseAs: "text",
        signal: options.signal,
        timeout: options.timeout,
      });
    } catch (error) {
      if (!(options.existOk && error instanceof ConflictError)) throw error;
    }
    return this;
  }

  /** The commit the branch points at now, as a Reference to its id. */
  async head(call: CallOptions = {}): Promise<Reference> {
    const ref = await answer(
      this.client.api.GET("/repositories/{repository}/branches/{branch}", {
        params: { path: this.pathParams },
        signal: call.signal,
        timeout: call.timeout,
      }),
    );
    return new Reference(this.repositoryId, ref.commit_id, { client: this.client });
  }

  /** Commits the staged changes and returns the new commit. Never retried. */
  async commit(message: string, options: CommitOptions = {}): Promise<Commit> {
    if (typeof message !== "string")
      throw new InvalidArgumentError("commit message must be a string");
    const commit = await answer(
      this.client.api.POST("/repositories/{repository}/branches/{branch}/commits", {
        params: { path: this.pathParams },
        body: {
          message,
          metadata: options.metadata,
          ...(options.date && { date: Math.floor(options.date.getTime() / 1000) }),
          allow_empty: options.allowEmpty ?? false,
          force: options.force ?? false,
        },
        longRunning: true,
        signal: options.signal,
        timeout: options.timeout,
      }),
    );
    return toCommit(commit);
  }

  /** Deletes the branch (its commits stay reachable from other refs). */
  async delete(options: CallOptions & { force?: boolean } = {}): Promise<void> {
    await this.client.api.DELETE("/repositories/{repository}/branches/{branch}", {
      params: { path: this.pathParams, query: { force: options.force } },
      signal: options.signal,
      timeout: options.timeout,
    });
  }

  /**
   * Adds a commit undoing `reference` and returns the branch head afterwards (read separately,
   * so a concurrent writer's commit could be returned). Never retried.
   */
  async revert(reference: RefLike, options: RevertOptions = {}): Promise<Commit> {
    checkParentNumber(options.parentNumber);
    await this.client.api.POST("/repositories/{repository}/branches/{branch}/revert", {
      params: { path: this.pathParams },
      body: {
        ref: refId(reference),
        parent_number: options.parentNumber ?? 0,
        ...(options.commitOverrides && { commit_overrides: options.commitOverrides }),
        allow_empty: options.allowEmpty ?? false,
        force: options.force ?? false,
      },
      longRunning: true,
      signal: options.signal,
      timeout: options.timeout,
    });
    return this.getCommit(options);
  }

  /** Applies the changes of `reference` on top of this branch; returns the new commit. Never retried. */
  async cherryPick(reference: RefLike, options: CherryPickOptions = {}): Promise<Commit> {
    checkParentNumber(options.parentNumber);
    const commit = await answer(
      this.client.api.POST("/repositories/{repository}/branches/{branch}/cherry-pick", {
        params: { path: this.pathParams },
        body: {
          ref: refId(reference),
          ...(options.parentNumber !== undefined && { parent_number: options.parentNumber }),
          ...(options.commitOverrides && { commit_overrides: options.commitOverrides }),
          force: options.force ?? false,
        },
        longRunning: true,
        signal: options.signal,
        timeout: options.timeout,
      }),
    );
    return toCommit(commit);
  }

  /**
   * Points the branch at `reference`, dropping later commits from its history (uncommitted
   * changes stay). Safe to repeat.
   */
  async hardReset(
    reference: RefLike,
    options: CallOptions & { force?: boolean } = {},
  ): Promise<void> {
    await this.client.api.PUT("/repositories/{repository}/branches/{branch}/hard_reset", {
      params: { path: this.pathParams, query: { ref: refId(reference), force: options.force } },
      signal: options.signal,
      timeout: options.timeout,
    });
  }

  /** An import of object-store data into this branch; add sources, then `run()` or `start()`. */
  importData(options: ImportDataOptions = {}): ImportManager {
    return new ImportManager(this, options);
  }

  /**
   * Runs `fn` against an ephemeral hidden branch and, when it returns, commits, merges into this
   * branch, optionally tags the merge commit, and deletes the ephemeral branch. When `fn` throws
   * or landing fails, nothing reaches this branch (a `TransactionError` says why).
   */
  async transact<T>(
    fn: (tx: TransactionBranch) => Promise<T> | T,
    options: TransactionOptions = {},
  ): Promise<T> {
    const tx = await startTransaction(this, options);
    let result: T;
    try {
      result = await fn(tx);
    } catch (error) {
      await tx.abandon(error);
      throw error;
    }
    await tx.complete();
    return result;
  }

  /**
   * Starts a transaction for `await using`: call `complete()` to land it; leaving the scope
   * without completing discards it.
   */
  startTransaction(options: TransactionOptions = {}): Promise<TransactionBranch> {
    return startTransaction(this, options);
  }
}
