/**
 * Multipart uploads kept on disk so they survive restarts:
 * `<dir>/<uploadId>/upload.json` ({namespace, address}) and one file per part named
 * `<partNumber, 5 digits>.<md5>`, so a part's checksum is committed atomically with its bytes.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { badRequest, EngineError } from "../engine/errors.js";
import { commitFile, fsyncDir, type WriteOptions, writeTempFile } from "./files.js";

export const MAX_PART_NUMBER = 10_000;

const UPLOAD_ID = /^[0-9a-f]{32}$/;
const MD5_HEX = /^[0-9a-f]{32}$/;

interface UploadState {
  /** Namespace path relative to the block root. */
  readonly namespace: string;
  /** Object address relative to the namespace. */
  readonly address: string;
}

export interface CompletedPart {
  readonly partNumber: number;
  readonly etag: string;
}

export class MultipartUploads {
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly tmpDir: string,
  ) {}

  /** Records a new upload of `address` in `namespace`; returns its id. */
  async create(namespace: string, address: string): Promise<string> {
    const uploadId = randomBytes(16).toString("hex");
    const state: UploadState = { namespace, address };
    const written = await writeTempFile(
      this.tmpDir,
      Readable.from([Buffer.from(JSON.stringify(state))]),
    );
    // Creates (and syncs) the upload directory along with its state file.
    await commitFile(written.path, join(this.dir, uploadId, "upload.json"));
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
    // Rename and cleanup of one part number run one at a time, so the last upload wins.
    await this.serialized(`${uploadId}/${partNumber}`, async () => {
      try {
        await rename(written.path, join(uploadDir, name));
      } catch (err) {
        await rm(written.path, { force: true });
        throw (err as NodeJS.ErrnoException).code === "ENOENT" ? uploadNotFound() : err;
      }
      await fsyncDir(uploadDir);
      const prefix = `${padPart(partNumber)}.`;
      for (const other of await readdir(uploadDir)) {
        if (other.startsWith(prefix) && other !== name) {
          await rm(join(uploadDir, other), { force: true });
        }
      }
    });
    return { etag: written.md5 };
  }

  /**
   * Concatenates the parts into the destination `target(namespace, address)` resolves to, then
   * forgets the upload. Parts must be non-empty, strictly ascending and match uploaded ETags.
   */
  async complete(
    uploadId: string,
    parts: readonly CompletedPart[],
    target: (namespace: string, address: string) => string,
  ): Promise<{ address: string; size: number; etag: string }> {
    const uploadDir = await this.uploadDir(uploadId);
    const state = JSON.parse(await readFile(join(uploadDir, "upload.json"), "utf8")) as UploadState;
    const dest = target(state.namespace, state.address);
    const files = await this.partFiles(uploadDir, parts);
    const written = await writeTempFile(this.tmpDir, concatenate(files));
    await commitFile(written.path, dest);
    await rm(uploadDir, { recursive: true, force: true });
    const digests = Buffer.concat(files.map((f) => Buffer.from(f.md5, "hex")));
    const etag = `${createHash("md5").update(digests).digest("hex")}-${files.length}`;
    return { address: state.address, size: written.size, etag };
  }

  /** Removes an upload and its parts. */
  async abort(uploadId: string): Promise<void> {
    await rm(await this.uploadDir(uploadId), { recursive: true, force: true });
  }

  private async serialized(key: string, task: () => Promise<void>): Promise<void> {
    const run = (this.locks.get(key) ?? Promise.resolve()).then(task);
    const settled = run.catch(() => {});
    this.locks.set(key, settled);
    try {
      await run;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }

  private async uploadDir(uploadId: string): Promise<string> {
    if (!UPLOAD_ID.test(uploadId)) throw uploadNotFound();
    const uploadDir = join(this.dir, uploadId);
    try {
      await readFile(join(uploadDir, "upload.json"));
    } catch {
      throw uploadNotFound();
    }
    return uploadDir;
  }

  /** Validates the client's part list against the stored parts; returns their files in order. */
  private async partFiles(
    uploadDir: string,
    parts: readonly CompletedPart[],
  ): Promise<{ path: string; md5: string }[]> {
    if (parts.length === 0) throw badRequest("multipart upload: at least one part is required");
    const stored = new Set(await readdir(uploadDir));
    let previous = 0;
    return parts.map(({ partNumber, etag }) => {
      checkPartNumber(partNumber);
      if (partNumber <= previous) {
        throw badRequest("multipart upload: parts must be in strictly ascending order");
      }
      previous = partNumber;
      const md5 = etag.replaceAll('"', "").trim().toLowerCase();
      const name = partFileName(partNumber, md5);
      if (!MD5_HEX.test(md5) || !stored.has(name)) {
        throw badRequest(
          `multipart upload: part ${partNumber} not found or its etag does not match`,
        );
      }
      return { path: join(uploadDir, name), md5 };
    });
  }
}

function checkPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw badRequest(`part number must be an integer between 1 and ${MAX_PART_NUMBER}`);
  }
}

const padPart = (partNumber: number) => String(partNumber).padStart(5, "0");
const partFileName = (partNumber: number, md5: string) => `${padPart(partNumber)}.${md5}`;
const uploadNotFound = () => new EngineError("not_found", "multipart upload not found");

async function* concatenate(files: readonly { path: string }[]): AsyncGenerator<Uint8Array> {
  for (const file of files) yield* createReadStream(file.path);
}
