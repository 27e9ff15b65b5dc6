/**
 * Transactions: work on a hidden ephemeral branch, then commit, merge into the source branch,
 * optionally tag the merge commit, and delete the ephemeral branch. If anything fails before the
 * merge lands, the source branch is untouched.
 */
import type { CallOptions } from "./api/http.js";
import { Branch } from "./branch.js";
import { ConflictError, NotFoundError, TransactionError } from "./errors.js";
import type { Commit, Metadata } from "./models.js";
import { BaseBranch, checkId } from "./reference.js";
import { Tag } from "./tag.js";

export interface TransactionOptions extends CallOptions {
  /** Message of the transaction's commit; default "". */
  readonly commitMessage?: string;
  readonly commitMetadata?: Metadata;
  /** Delete the ephemeral branch when the transaction fails (default true); keep it to debug. */
  readonly deleteBranchOnError?: boolean;
  /** Tag to create on the merge commit; checked to be free before anything lands. */
  readonly tag?: string;
}

type State = "open" | "landing" | "closed";

/**
 * The branch a transaction works on: objects, listings, uncommitted changes and resets, like a
 * branch, but no commit/delete/revert of its own. `complete()` lands it; `discard()` drops it.
 * `await using` discards it when the scope ends without `complete()`.
 */
export class TransactionBranch extends BaseBranch {
  /** The branch the transaction lands on. */
  readonly source: Branch;
  commitMessage: string;
  commitMetadata: Metadata | undefined;
  tag: string | undefined;
  private readonly deleteBranchOnError: boolean;
  private readonly call: CallOptions;
  private state: State = "open";

  /** @internal use `branch.startTransaction()` or `branch.transact()`. */
  constructor(source: Branch, id: string, options: TransactionOptions) {
    super(source.repositoryId, id, { client: source.client });
    this.source = source;
    this.commitMessage = options.commitMessage ?? "";
    this.commitMetadata = options.commitMetadata;
    this.tag = options.tag;
    this.deleteBranchOnError = options.deleteBranchOnError ?? true;
    this.call = { signal: options.signal, timeout: options.timeout };
  }

  /** The source branch's id. */
  get sourceId(): string {
    return this.source.id;
  }

  /**
   * Commits (even when empty), merges into the source branch, tags the merge commit when asked,
   * deletes the ephemeral branch, and returns the merge commit. Throws `TransactionError`.
   */
  async complete(): Promise<Commit> {
    this.claim();
    const tx = this.asBranch();
    let merge: Commit;
    try {
      await tx.commit(this.commitMessage, {
        metadata: this.commitMetadata,
        allowEmpty: true,
        ...this.call,
      });
      if (this.tag !== undefined) await assertTagAbsent(this.source, this.tag, this.call);
      merge = await tx.mergeInto(this.source.id, {
        message: `Merge transaction ${this.id} to branch`,
        allowEmpty: true,
        ...this.call,
      });
    } catch (error) {
      throw await this.fail(error, `could not land on ${this.source.id}`);
    }
    // The merge has landed: from here on a failure must not pretend nothing happened.
    this.state = "closed";
    if (this.tag !== undefined) {
      try {
        await new Tag(this.repositoryId, this.tag, { client: this.client }).create(
          merge.id,
          this.call,
        );
      } catch (error) {
        await this.deleteQuietly();
        throw new TransactionError(
          `transaction ${this.id} landed on ${this.source.id} as ${merge.id}, but tag ${this.tag} could not be created: ${messageOf(error)}`,
          this.id,
          { cause: error },
        );
      }
    }
    // A leftover hidden branch is harmless; failing here would make a landed transaction look lost.
    await this.deleteQuietly();
    return merge;
  }

  /** Drops the transaction: deletes the ephemeral branch; nothing lands. */
  async discard(): Promise<void> {
    this.claim();
    this.state = "closed";
    await this.asBranch().delete(this.call);
  }

  /**
   * @internal Called when the transaction body threw: removes the branch unless asked to keep it.
   * Throws `TransactionError` (caused by `cause`) only when the cleanup itself fails.
   */
  async abandon(cause: unknown): Promise<void> {
    if (this.state !== "open") return;
    this.state = "closed";
    if (!this.deleteBranchOnError) return;
    try {
      await this.asBranch().delete(this.call);
    } catch (cleanupError) {
      throw new TransactionError(
        `transaction ${this.id} failed (${messageOf(cause)}) and its branch could not be deleted: ${messageOf(cleanupError)}`,
        this.id,
        { cause },
      );
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.abandon(new Error("transaction scope ended without complete()"));
  }

  private claim(): void {
    if (this.state !== "open") {
      throw new TransactionError(`transaction ${this.id} is already finished`, this.id);
    }
    this.state = "landing";
  }

  private async fail(error: unknown, what: string): Promise<TransactionError> {
    this.state = "closed";
    let cleanup = "";
    if (this.deleteBranchOnError) {
      try {
        await this.asBranch().delete(this.call);
      } catch (cleanupError) {
        cleanup = `; its branch could not be deleted: ${messageOf(cleanupError)}`;
      }
    }
    return new TransactionError(
      `transaction ${this.id} ${what}: ${messageOf(error)}${cleanup}`,
      this.id,
      { cause: error },
    );
  }

  private async deleteQuietly(): Promise<void> {
    try {
      await this.asBranch().delete(this.call);
    } catch {
      // Best effort, see complete().
    }
  }

  /** The ephemeral branch as a full Branch handle, for the calls the transaction makes itself. */
  private asBranch(): Branch {
    return new Branch(this.repositoryId, this.id, { client: this.client });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Fails with ConflictError when the tag exists (so nothing lands under a tag we cannot create). */
async function assertTagAbsent(source: Branch, tag: string, call: CallOptions): Promise<void> {
  try {
    await source.client.api.GET("/repositories/{repository}/tags/{tag}", {
      params: { path: { repository: source.repositoryId, tag } },
      signal: call.signal,
      timeout: call.timeout,
    });
  } catch (error) {
    if (error instanceof NotFoundError) return;
    throw error;
  }
  throw new ConflictError({ status: 409, message: `tag ${tag} already exists` });
}

/** Creates the hidden ephemeral branch from `source`'s committed head. */
export async function startTransaction(
  source: Branch,
  options: TransactionOptions,
): Promise<TransactionBranch> {
  const call = { signal: options.signal, timeout: options.timeout };
  if (options.tag !== undefined) {
    checkId("tag", options.tag);
    await assertTagAbsent(source, options.tag, call);
  }
  const id = `tx-${crypto.randomUUID()}`;
  const tx = new TransactionBranch(source, id, options);
  await new Branch(source.repositoryId, id, { client: source.client }).create(source.id, {
    hidden: true,
    ...call,
  });
  return tx;
}
