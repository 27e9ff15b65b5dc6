/** `ImportManager`: brings object-store data into a branch as one commit, without copying it. */
import { type CallOptions, sleep } from "./api/http.js";
import { answer } from "./api/typed.js";
import { ImportManagerError, InvalidArgumentError, RequestTimeoutError } from "./errors.js";
import { type ImportStatus, type Metadata, toImportStatus } from "./models.js";
import type { BaseBranch } from "./reference.js";

export interface ImportManagerOptions {
  readonly commitMessage?: string;
  readonly metadata?: Metadata;
  /** Bypass a read-only repository. */
  readonly force?: boolean;
}

export interface WaitOptions {
  /** Stops waiting (the import keeps running; call `cancel()` to stop it). */
  readonly signal?: AbortSignal;
  /** Give up waiting after this many ms with RequestTimeoutError (the import keeps running). */
  readonly timeout?: number;
  /** Delay before each status poll; default 2000 ms. */
  readonly pollInterval?: number;
}

/** One source of an import, as added with `prefix()` or `object()`. */
export interface ImportSource {
  /** `prefix`: every object under `uri`; `object`: the one object at `uri`. */
  readonly type: "prefix" | "object";
  /** Object-store URI, e.g. `s3://bucket/path/`. */
  readonly uri: string;
  /** Path prefix (for `prefix`) or object path (for `object`) in the branch. */
  readonly destination: string;
}

const DEFAULT_POLL_INTERVAL_MS = 2000;

/** Collects import sources, starts the import once, and follows it to completion. */
export class ImportManager {
  commitMessage: string;
  commitMetadata: Metadata | undefined;
  private readonly force: boolean;
  private readonly added: ImportSource[] = [];
  private id: string | undefined;
  private inProgress = false;

  constructor(
    private readonly branch: BaseBranch,
    options: ImportManagerOptions = {},
  ) {
    this.commitMessage = options.commitMessage ?? "";
    this.commitMetadata = options.metadata;
    this.force = options.force ?? false;
  }

  /** The import id once started. */
  get importId(): string | undefined {
    return this.id;
  }

  /** The sources added so far. */
  get sources(): readonly ImportSource[] {
    return [...this.added];
  }

  /** Imports every object under `objectStoreUri` to `destination` (a path prefix). */
  prefix(objectStoreUri: string, destination: string): this {
    return this.add("prefix", objectStoreUri, destination);
  }

  /** Imports one object to the path `destination`. */
  object(objectStoreUri: string, destination: string): this {
    return this.add("object", objectStoreUri, destination);
  }

  /** Starts the import and returns its id. An ImportManager runs one import only. */
  async start(call: CallOptions = {}): Promise<string> {
    if (this.inProgress) throw new ImportManagerError("Import in progress");
    if (this.id !== undefined) throw new ImportManagerError("Import Manager can only be used once");
    const response = await answer(
      this.branch.client.api.POST("/repositories/{repository}/branches/{branch}/import", {
        params: { path: this.pathParams() },
        body: {
          paths: this.added.map((source) => ({
            type: source.type === "prefix" ? ("common_prefix" as const) : ("object" as const),
            path: source.uri,
            destination: source.destination,
          })),
          commit: {
            message: this.commitMessage,
            metadata: this.commitMetadata,
            allow_empty: false,
            force: false,
          },
          force: this.force,
        },
        signal: call.signal,
        timeout: call.timeout,
      }),
    );
    this.id = response.id;
    this.inProgress = true;
    return response.id;
  }

  /** The import's current status (one request). */
  async status(call: CallOptions = {}): Promise<ImportStatus> {
    const id = this.requireId();
    const status = toImportStatus(
      await answer(
        this.branch.client.api.GET("/repositories/{repository}/branches/{branch}/import", {
          params: { path: this.pathParams(), query: { id } },
          signal: call.signal,
          timeout: call.timeout,
        }),
      ),
    );
    if (status.completed || status.error !== undefined) this.inProgress = false;
    return status;
  }

  /**
   * Polls until the import completes and returns its final status; throws ImportManagerError
   * when the server reports it failed (or was cancelled).
   */
  async wait(options: WaitOptions = {}): Promise<ImportStatus> {
    this.requireId();
    const interval = options.pollInterval ?? DEFAULT_POLL_INTERVAL_MS;
    if (!(interval > 0) || !Number.isFinite(interval)) {
      throw new InvalidArgumentError(`pollInterval must be a positive number of ms: ${interval}`);
    }
    const deadline = options.timeout ? Date.now() + options.timeout : Number.POSITIVE_INFINITY;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new RequestTimeoutError(
          `import ${this.id} did not finish within ${options.timeout} ms`,
        );
      }
      await sleep(Math.min(interval, remaining), options.signal);
      if (Date.now() >= deadline) continue;
      const status = await this.status({ signal: options.signal, timeout: deadline - Date.now() });
      if (status.completed) return status;
      if (status.error !== undefined) {
        throw new ImportManagerError(`Import Error: ${status.error}`);
      }
    }
  }

  /** `start()` then `wait()`. */
  async run(options: WaitOptions = {}): Promise<ImportStatus> {
    await this.start({ signal: options.signal });
    return this.wait(options);
  }

  /** Cancels the running import (ConflictError if it already completed). */
  async cancel(call: CallOptions = {}): Promise<void> {
    const id = this.requireId();
    await this.branch.client.api.DELETE("/repositories/{repository}/branches/{branch}/import", {
      params: { path: this.pathParams(), query: { id } },
      signal: call.signal,
      timeout: call.timeout,
    });
    this.inProgress = false;
  }

  private add(type: ImportSource["type"], uri: string, destination: string): this {
    if (this.id !== undefined) {
      throw new ImportManagerError("Cannot add additional sources to an already started import");
    }
    if (typeof uri !== "string" || uri === "") {
      throw new InvalidArgumentError("import source must be a non-empty object store URI");
    }
    if (typeof destination !== "string") {
      throw new InvalidArgumentError("import destination must be a string");
    }
    this.added.push({ type, uri, destination });
    return this;
  }

  private requireId(): string {
    if (this.id === undefined) throw new ImportManagerError("No import in progress");
    return this.id;
  }

  private pathParams(): { repository: string; branch: string } {
    return { repository: this.branch.repositoryId, branch: this.branch.id };
  }
}
