/** `Tag`: an immutable name for a commit. */
import type { CallOptions } from "./api/http.js";
import { ConflictError } from "./errors.js";
import { explainConflict, Reference, type RefLike, refId } from "./reference.js";

export interface CreateTagOptions extends CallOptions {
  /** An existing tag is fine if it points at the same commit as `source`. */
  readonly existOk?: boolean;
  /** Bypass a read-only repository. */
  readonly force?: boolean;
}

/** A tag handle. Cheap and lazy: no request until an async method is called. */
export class Tag extends Reference {
  /**
   * Creates the tag on `source`'s commit. Never retried. With `existOk`, an existing tag is
   * accepted only when it points at that same commit (otherwise ConflictError).
   */
  async create(source: RefLike, options: CreateTagOptions = {}): Promise<this> {
    const sourceRef = refId(source);
    try {
      await this.client.api.POST("/repositories/{repository}/tags", {
        params: { path: { repository: this.repositoryId } },
        body: { id: this.id, ref: sourceRef, force: options.force ?? false },
        signal: options.signal,
        timeout: options.timeout,
      });
      return this;
    } catch (error) {
      if (!(options.existOk && error instanceof ConflictError)) throw error;
      const [existing, wanted] = await Promise.all([
        this.getCommit(options),
        new Reference(this.repositoryId, sourceRef, { client: this.client }).getCommit(options),
      ]);
      if (existing.id === wanted.id) return this;
      throw explainConflict(
        error,
        `tag ${this.id} already exists at commit ${existing.id}, not at ${wanted.id} (${sourceRef})`,
      );
    }
  }

  /** Deletes the tag (the commit stays). */
  async delete(options: CallOptions & { force?: boolean } = {}): Promise<void> {
    await this.client.api.DELETE("/repositories/{repository}/tags/{tag}", {
      params: {
        path: { repository: this.repositoryId, tag: this.id },
        query: { force: options.force },
      },
      signal: options.signal,
      timeout: options.timeout,
    });
  }
}
