/**
 * The object-write use case, shared by the REST API and the S3 gateway: produce the bytes
 * (stream an upload, copy an object, link bytes written to a handed-out address, complete a
 * multipart upload), make them durable, then stage the entry on the branch.
 *
 * Every check that can refuse a write (repository, branch, path, read-only and protection
 * guards, `If-None-Match`, upload ownership) runs before any byte is written or moved, so a
 * refused write leaves nothing behind. Only a race lost between that check and staging (another
 * writer created the path, or protected the branch) leaves unreferenced bytes, which fsck
 * reports and nothing reads.
 *
 * Callers pass plain values and get plain values back; errors are `EngineError`s carrying
 * lakeFS's REST messages (the gateway maps their kinds to S3 codes).
 */
import { Readable } from "node:stream";
import type { EntryLocation, LocalBlockStore, StoredObject } from "../block/local.js";
import type { Entry } from "../core/entry.js";
import { badRequest, EngineError, notFound, PreconditionFailedError } from "../core/errors.js";
import type { Engine } from "../engine/engine.js";

/** The content type of an object written without one. */
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** An entry's mtime: now, in unix seconds. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Where a write lands. */
export interface WriteTarget {
  readonly repository: string;
  readonly branch: string;
  readonly path: string;
  /** Write even to a read-only repository (lakeFS's `force`). */
  readonly force?: boolean | undefined;
  /** `If-None-Match: *`: refuse (412) when the path has a current value. */
  readonly ifNoneMatch?: boolean | undefined;
}

/** What was staged. */
export interface WrittenObject {
  readonly path: string;
  readonly entry: Entry;
  /** The address as the API shows it (`local://<absolute path>` or the linked full address). */
  readonly physicalAddress: string;
}

/** An upload's bytes and what arrived with them. */
export interface UploadBody {
  /** The object's bytes; pulled as they are written, so backpressure reaches the sender. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Default `application/octet-stream`. */
  readonly contentType?: string | undefined;
  /**
   * Resolves once the whole request has arrived and was well formed (e.g. the closing boundary
   * of a `multipart/form-data` body); the entry is staged only after it resolves.
   */
  readonly bodyComplete?: Promise<void> | undefined;
}

export interface UploadOptions extends WriteTarget {
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** Aborting discards the partial write (nothing becomes visible). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * An upload: the body itself, or `openBody`, called only once the write was found acceptable
 * (so a refused write costs no transfer).
 */
export type UploadRequest = UploadOptions &
  (UploadBody | { readonly openBody: () => Promise<UploadBody> });

export interface CopyRequest extends WriteTarget {
  readonly sourcePath: string;
  /** Ref the source is read from; default: the destination branch (through its staging). */
  readonly sourceRef?: string | undefined;
  /** Replace the source's user metadata and content type (S3's `REPLACE` directive). */
  readonly replace?:
    | { readonly metadata: Readonly<Record<string, string>>; readonly contentType: string }
    | undefined;
}

export interface LinkRequest extends WriteTarget {
  /** As handed out by `GET …/staging/backing` (or a path under an import root). */
  readonly physicalAddress: string;
  /** The ETag to record (quotes stripped). */
  readonly checksum: string;
  /** Must equal the size of the bytes at the address. */
  readonly sizeBytes: number;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  readonly contentType?: string | undefined;
  /** Unix seconds; default now. */
  readonly mtime?: number | undefined;
}

export interface CompleteMultipartRequest extends WriteTarget {
  readonly uploadId: string;
  /** Ascending part numbers with the ETags their uploads returned. */
  readonly parts: readonly { readonly partNumber: number; readonly etag: string }[];
  /** The address the client claims the upload writes; refused (400) unless it is the upload's. */
  readonly physicalAddress?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  readonly contentType?: string | undefined;
  /** Every part but the last must have at least this many bytes (the S3 gateway: 5 MiB). */
  readonly minPartSize?: number | undefined;
}

/** The entry to stage for bytes the block store has just written. */
export function storedEntry(
  stored: StoredObject,
  metadata: Readonly<Record<string, string>>,
  contentType: string,
): Entry {
  return {
    address: stored.address,
    addressType: "relative",
    size: stored.size,
    etag: stored.etag,
    mtime: nowSeconds(),
    metadata,
    contentType,
  };
}

export class ObjectWrites {
  constructor(
    private readonly engine: Engine,
    private readonly blocks: LocalBlockStore,
  ) {}

  /**
   * Streams `body` to a new address, fsyncs it, then stages it. 404 `branch '<b>' not found`;
   * 412 `path already exists` under `ifNoneMatch` (checked before the body is read, and again
   * atomically when staging).
   */
  async upload(req: UploadRequest): Promise<WrittenObject> {
    const nsDir = await this.namespaceDir(req.repository);
    await this.checkTarget(req, { quotedBranch: true, precondition: "path already exists" });
    const source = "openBody" in req ? await req.openBody() : req;
    const stored = await this.blocks.put(nsDir, source.body, { signal: req.signal });
    await source.bodyComplete;
    const contentType = source.contentType || DEFAULT_CONTENT_TYPE;
    const entry = storedEntry(stored, req.metadata ?? {}, contentType);
    return this.stage(req, nsDir, entry, "path already exists");
  }

  /** Copies `sourcePath` (at `sourceRef`, default the branch) to a new address and stages it. */
  async copy(req: CopyRequest): Promise<WrittenObject> {
    const nsDir = await this.namespaceDir(req.repository);
    await this.checkTarget(req, { quotedBranch: true });
    const source = await this.engine.getEntry(
      req.repository,
      req.sourceRef || req.branch,
      req.sourcePath,
    );
    const { address } = await this.blocks.copy(nsDir, source);
    const entry: Entry = {
      ...source,
      ...req.replace,
      address,
      addressType: "relative",
      mtime: nowSeconds(),
    };
    return this.stage(req, nsDir, entry);
  }

  /**
   * Stages bytes already written at `physicalAddress` (presigned PUT, or a path under an import
   * root). The claimed size must match the bytes there (400). An unwritten address of this
   * namespace claimed as 0 bytes becomes an empty object, as lakeFS links it.
   */
  async link(req: LinkRequest): Promise<WrittenObject> {
    const checksum = req.checksum.replaceAll('"', "");
    if (checksum === "") throw badRequest("checksum is required");
    if (!req.physicalAddress) throw badRequest("physical address is required");
    const nsDir = await this.namespaceDir(req.repository);
    await this.engine.getBranch(req.repository, req.branch);
    const location = this.blocks.linkableAddress(nsDir, req.physicalAddress);
    await this.checkTarget(req);
    const actualSize = await this.sizeForLink(nsDir, location, req.sizeBytes);
    if (actualSize !== req.sizeBytes) {
      throw badRequest(
        `size_bytes ${req.sizeBytes} does not match the ${actualSize} bytes at the physical address`,
      );
    }
    const entry: Entry = {
      ...location,
      size: req.sizeBytes,
      etag: checksum,
      mtime: req.mtime ?? nowSeconds(),
      metadata: req.metadata ?? {},
      contentType: req.contentType || DEFAULT_CONTENT_TYPE,
    };
    return this.stage(req, nsDir, entry);
  }

  /**
   * Completes a multipart upload of this repository's namespace into a composite object and
   * stages it. The upload must belong to the namespace (and to `physicalAddress` when given):
   * checked before the upload is touched, so a refused completion can be retried.
   */
  async completeMultipart(req: CompleteMultipartRequest): Promise<WrittenObject> {
    if (req.parts.length === 0) throw badRequest("parts: at least one part is required");
    const nsDir = await this.namespaceDir(req.repository);
    await this.engine.getBranch(req.repository, req.branch);
    // A full address never equals the upload's relative one, so the block store refuses it.
    const claimed =
      req.physicalAddress === undefined
        ? undefined
        : this.blocks.linkableAddress(nsDir, req.physicalAddress).address;
    await this.checkTarget(req);
    const stored = await this.blocks.completeMultipart(req.uploadId, req.parts, {
      owner: { nsDir, address: claimed },
      minPartSize: req.minPartSize,
    });
    const entry = storedEntry(stored, req.metadata ?? {}, req.contentType || DEFAULT_CONTENT_TYPE);
    return this.stage(req, nsDir, entry);
  }

  private async namespaceDir(repository: string): Promise<string> {
    const repo = await this.engine.getRepository(repository);
    return this.blocks.namespaceDir(repo.storageNamespace);
  }

  /**
   * Everything staging would refuse, before any bytes move. `quotedBranch`: the upload and copy
   * handlers' 404 message for a missing branch; `precondition`: their 412 message.
   */
  private async checkTarget(
    t: WriteTarget,
    messages: { quotedBranch?: boolean; precondition?: string } = {},
  ): Promise<void> {
    try {
      await this.engine.checkStageable(t.repository, t.branch, t.path, t);
    } catch (err) {
      throw this.translate(err, t, messages);
    }
  }

  private async stage(
    t: WriteTarget,
    nsDir: string,
    entry: Entry,
    precondition?: string,
  ): Promise<WrittenObject> {
    try {
      await this.engine.stageEntry(t.repository, t.branch, t.path, entry, t);
    } catch (err) {
      throw this.translate(err, t, { precondition });
    }
    return { path: t.path, entry, physicalAddress: this.blocks.physicalAddress(nsDir, entry) };
  }

  private translate(
    err: unknown,
    t: WriteTarget,
    messages: { quotedBranch?: boolean; precondition?: string | undefined },
  ): unknown {
    if (err instanceof PreconditionFailedError && messages.precondition) {
      return new EngineError("precondition_failed", messages.precondition);
    }
    // The repository was found just before, so a 404 here is the branch.
    if (messages.quotedBranch && err instanceof EngineError && err.kind === "not_found") {
      return notFound(`branch '${t.branch}' not found`);
    }
    return err;
  }

  /** The size of the bytes at a linked address (writing the empty object described at `link`). */
  private async sizeForLink(
    nsDir: string,
    location: EntryLocation,
    claimedSize: number,
  ): Promise<number> {
    try {
      return await this.blocks.size(nsDir, location);
    } catch (err) {
      const missing = err instanceof EngineError && err.kind === "gone";
      const ours = location.addressType === "relative" && location.address.startsWith("data/");
      if (!missing || claimedSize !== 0 || !ours) throw err;
      await this.blocks.put(nsDir, Readable.from([]), { address: location.address });
      return 0;
    }
  }
}
