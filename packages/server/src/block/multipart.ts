/**
 * Multipart uploads kept on disk so they survive restarts:
 * `<dir>/<uploadId>/upload.json` ({namespace, address, created, info}) and one file per part named
 * `<partNumber, 5 digits>.<md5>`, so a part's checksum is committed atomically with its bytes.
 * Completing turns the upload directory itself into a composite object (`composite.ts`): the
 * bytes are never copied.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { badRequest, EngineError } from "../core/errors.js";
import {
  type CompositePart,
  manifestOf,
  partFileName,
  partFilePrefix,
  writeManifest,
} from "./composite.js";
import { commitFile, fsyncDir, renameDurably, type WriteOptions, writeTempFile } from "./files.js";

export const MAX_PART_NUMBER = 10_000;

const UPLOAD_ID = /^[0-9a-f]{32}$/;
const STATE_FILE = "upload.json";
const MD5_HEX = /^[0-9a-f]{32}$/;

interface UploadState {
  /** Namespace path relative to the block root. */
  readonly namespace: string;
  /** Object address relative to the namespace. */
  readonly address: string;
  /** Creation time, unix ms (absent in uploads created before it was recorded). */
  readonly created?: number;
  /** What the caller recorded at creation (e.g. the S3 gateway's bucket, key and metadata). */
  readonly info?: Readonly<Record<string, unknown>>;
}

export interface CompletedPart {
  readonly partNumber: number;
  readonly etag: string;
}

/** An in-progress upload, as `describe` and `list` report it. */
export interface UploadDescription {
  readonly uploadId: string;
  /** Unix ms. */
  readonly created: number;
  readonly info: Readonly<Record<string, unknown>>;
}

/** A stored part. */
export interface StoredPart {
  readonly partNumber: number;
  readonly etag: string;
  readonly size: number;
  /** Unix ms. */
  readonly modified: number;
}

export type MultipartFailure =
  | "no-such-upload"
  | "invalid-part"
  | "invalid-part-order"
  | "part-too-small";

/** A multipart request refused for a reason callers may report in their own terms (e.g. S3 codes). */
export class MultipartError extends EngineError {
  constructor(
    readonly failure: MultipartFailure,
    kind: "not_found" | "bad_request",
    message: string,
  ) {
    super(kind, message);
    this.name = "MultipartError";
  }
}

export interface CompleteOptions {
  /** Every part but the last must have at least this many bytes (S3: 5 MiB). */
  readonly minPartSize?: number | undefined;
}

export class MultipartUploads {
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly tmpDir: string,
  ) {}

  /** Records a new upload of `address` in `namespace` (with the caller's `info`); returns its id. */
  async create(
    namespace: string,
    address: string,
    info: Readonly<Record<string, unknown>> = {},
  ): Promise<string> {
    const uploadId = randomBytes(16).toString("hex");
    const state: UploadState = { namespace, address, created: Date.now(), info };
    const written = await writeTempFile(
      this.tmpDir,
      Readable.from([Buffer.from(JSON.stringify(state))]),
    );
    // Creates (and syncs) the upload directory along with its state file.
    await commitFile(written.path, join(this.dir, uploadId, STATE_FILE));
    return uploadId;
  }

  /** Stores a part durably, replacing an earlier upload of the same part number. */
  async putPart(
    uploadId: string,
    partNumber: number,
    source: AsyncIterable<Uint8Array>,
    options: WriteOptions = {},
  ): Promise<{ etag: string }> {
    checkPartNumber(partNumber);
    const uploadDir = await this.uploadDir(uploadId);
    const written = await writeTempFile(this.tmpDir, source, options);
    const name = partFileName(partNumber, written.md5);
    // Part commits, completion and abort of one upload run one at a time: the last upload of a
    // part number wins, and a part can neither land in nor vanish from an upload being completed.
    await this.serialized(uploadId, async () => {
      try {
        await rename(written.path, join(uploadDir, name));
      } catch (err) {
        await rm(written.path, { force: true });
        throw (err as NodeJS.ErrnoException).code === "ENOENT" ? uploadNotFound() : err;
      }
      await fsyncDir(uploadDir);
      const prefix = partFilePrefix(partNumber);
      for (const other of await readdir(uploadDir)) {
        if (other.startsWith(prefix) && other !== name) {
          await rm(join(uploadDir, other), { force: true });
        }
      }
    });
    return { etag: written.md5 };
  }

  /**
   * Makes the listed parts the object `target(namespace, address)` resolves to, by renaming the
   * upload directory (holding just those parts and a manifest) there; then the upload is gone.
   * Parts must be non-empty, strictly ascending and match uploaded ETags. A crash leaves either
   * the upload (retry the completion) or the whole object. `target` runs before anything changes
   * and may throw to refuse the completion (e.g. the caller does not own the upload).
   */
  complete(
    uploadId: string,
    parts: readonly CompletedPart[],
    target: (namespace: string, address: string) => string,
    options: CompleteOptions = {},
  ): Promise<{ address: string; size: number; etag: string }> {
    return this.serialized(uploadId, async () => {
      const uploadDir = await this.uploadDir(uploadId);
      const state = await readState(uploadDir);
      const dest = target(state.namespace, state.address);
      const listed = await this.listedParts(uploadDir, parts);
      const minimum = options.minPartSize ?? 0;
      for (const [i, part] of listed.slice(0, -1).entries()) {
        if (part.size < minimum) {
          throw new MultipartError(
            "part-too-small",
            "bad_request",
            `Your proposed upload is smaller than the minimum allowed object size: part ${parts[i]!.partNumber} has ${part.size} bytes`,
          );
        }
      }
      const manifest = manifestOf(listed);
      // The object holds only what its manifest lists: drop superseded and unlisted parts.
      const keep = new Set([STATE_FILE, ...manifest.parts.map((part) => part.name)]);
      for (const name of await readdir(uploadDir)) {
        if (!keep.has(name)) await rm(join(uploadDir, name), { recursive: true, force: true });
      }
      await writeManifest(uploadDir, manifest, this.tmpDir);
      await renameDurably(uploadDir, dest);
      await fsyncDir(this.dir);
      // The state file goes last, so until the rename the upload stays complete and retryable;
      // if a crash leaves it in the object, the manifest does not list it and reads ignore it.
      await rm(join(dest, STATE_FILE), { force: true });
      return { address: state.address, size: manifest.size, etag: manifest.etag };
    });
  }

  /** Removes an upload and its parts. */
  abort(uploadId: string): Promise<void> {
    return this.serialized(uploadId, async () => {
      await rm(await this.uploadDir(uploadId), { recursive: true, force: true });
    });
  }

  /** The upload's creation time and recorded info (404 when unknown). */
  async describe(uploadId: string): Promise<UploadDescription> {
    const state = await readState(await this.uploadDir(uploadId));
    return { uploadId, created: state.created ?? 0, info: state.info ?? {} };
  }

  /** The stored parts of an upload, by ascending part number. */
  async parts(uploadId: string): Promise<StoredPart[]> {
    const uploadDir = await this.uploadDir(uploadId);
    const parts: StoredPart[] = [];
    for (const name of await readdir(uploadDir)) {
      const m = /^(\d{5})\.([0-9a-f]{32})$/.exec(name);
      if (!m) continue;
      const found = await stat(join(uploadDir, name)).catch(() => undefined);
      if (!found?.isFile()) continue;
      parts.push({
        partNumber: Number(m[1]),
        etag: m[2]!,
        size: found.size,
        modified: found.mtimeMs,
      });
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  /** Every in-progress upload whose info satisfies `filter`. */
  async list(
    filter: (info: Readonly<Record<string, unknown>>) => boolean,
  ): Promise<UploadDescription[]> {
    let ids: string[];
    try {
      ids = await readdir(this.dir);
    } catch {
      return [];
    }
    const uploads: UploadDescription[] = [];
    for (const uploadId of ids.filter((id) => UPLOAD_ID.test(id))) {
      const upload = await this.describe(uploadId).catch(() => undefined);
      if (upload && filter(upload.info)) uploads.push(upload);
    }
    return uploads;
  }

  private async serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(key) ?? Promise.resolve()).then(task);
    const settled = run.then(
      () => {},
      () => {},
    );
    this.locks.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }

  private async uploadDir(uploadId: string): Promise<string> {
    if (!UPLOAD_ID.test(uploadId)) throw uploadNotFound();
    const uploadDir = join(this.dir, uploadId);
    try {
      await readFile(join(uploadDir, STATE_FILE));
    } catch {
      throw uploadNotFound();
    }
    return uploadDir;
  }

  /** Validates the client's part list against the stored parts; returns them in order. */
  private async listedParts(
    uploadDir: string,
    parts: readonly CompletedPart[],
  ): Promise<CompositePart[]> {
    if (parts.length === 0) throw badRequest("multipart upload: at least one part is required");
    let previous = 0;
    const names = parts.map(({ partNumber, etag }) => {
      checkPartNumber(partNumber);
      if (partNumber <= previous) {
        throw new MultipartError(
          "invalid-part-order",
          "bad_request",
          "multipart upload: parts must be in strictly ascending order",
        );
      }
      previous = partNumber;
      const md5 = etag.replaceAll('"', "").trim().toLowerCase();
      if (!MD5_HEX.test(md5)) throw partMismatch(partNumber);
      return partFileName(partNumber, md5);
    });
    const listed: CompositePart[] = [];
    for (const [i, name] of names.entries()) {
      const found = await stat(join(uploadDir, name)).catch(() => undefined);
      if (!found?.isFile()) throw partMismatch(parts[i]!.partNumber);
      listed.push({ name, size: found.size });
    }
    return listed;
  }
}

function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw badRequest(`part number must be an integer between 1 and ${MAX_PART_NUMBER}`);
  }
}

async function readState(uploadDir: string): Promise<UploadState> {
  return JSON.parse(await readFile(join(uploadDir, STATE_FILE), "utf8")) as UploadState;
}

const uploadNotFound = () =>
  new MultipartError("no-such-upload", "not_found", "multipart upload not found");
const partMismatch = (partNumber: number) =>
  new MultipartError(
    "invalid-part",
    "bad_request",
    `multipart upload: part ${partNumber} not found or its etag does not match`,
  );
