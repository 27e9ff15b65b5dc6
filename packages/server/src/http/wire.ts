/** Engine records → lakeFS wire shapes (`lakefs-ts/api` schema types). */
import type { Schema } from "lakefs-ts/api";
import type { Entry } from "../core/entry.js";
import type {
  Branch,
  Commit,
  DiffEntry,
  ListedEntry,
  Page,
  Repository,
  Tag,
} from "../engine/types.js";
import type { WrittenObject } from "../service/object-writes.js";

/** lakeFS reports this page size limit on every paginated listing. */
const MAX_PER_PAGE = 1000;

export function pagination<T>(page: Page<T>): Schema<"Pagination"> {
  return {
    has_more: page.hasMore,
    next_offset: page.hasMore ? page.nextOffset : "",
    results: page.results.length,
    max_per_page: MAX_PER_PAGE,
  };
}

/** `{pagination, results}` with each result converted. */
export function listOf<T, W>(page: Page<T>, convert: (item: T) => W) {
  return { pagination: pagination(page), results: page.results.map(convert) };
}

export function repositoryWire(r: Repository): Schema<"Repository"> {
  return {
    id: r.id,
    creation_date: r.creationDate,
    default_branch: r.defaultBranch,
    // One storage only; lakeFS reports its id as "" then.
    storage_id: "",
    storage_namespace: r.storageNamespace,
    read_only: r.readOnly,
  };
}

export function refWire(r: Branch | Tag): Schema<"Ref"> {
  return { id: r.id, commit_id: r.commitId };
}

export function commitWire(c: Commit): Schema<"Commit"> {
  return {
    id: c.id,
    parents: [...c.parents],
    committer: c.committer,
    message: c.message,
    creation_date: c.creationDate,
    meta_range_id: c.metarangeId,
    metadata: { ...c.metadata },
    generation: c.generation,
    version: c.version,
  };
}

export interface ObjectStatsOptions {
  /** The address clients see (`LocalBlockStore.physicalAddress`). */
  readonly physicalAddress: string;
  /** Include user metadata (default true). */
  readonly userMetadata?: boolean;
  /** A presigned URL replacing the physical address, with its expiry (unix seconds). */
  readonly presigned?: { readonly url: string; readonly expiry: number } | undefined;
}

export function objectStatsWire(
  path: string,
  entry: Entry,
  options: ObjectStatsOptions,
): Schema<"ObjectStats"> {
  const stats: Schema<"ObjectStats"> = {
    path,
    path_type: "object",
    physical_address: options.presigned?.url ?? options.physicalAddress,
    checksum: entry.etag,
    size_bytes: entry.size,
    mtime: entry.mtime,
    content_type: entry.contentType || "",
  };
  if (options.presigned) stats.physical_address_expiry = options.presigned.expiry;
  if (options.userMetadata !== false) stats.metadata = { ...entry.metadata };
  return stats;
}

/** The stats of an object just written (upload, copy, link, multipart completion). */
export function writtenWire(written: WrittenObject): Schema<"ObjectStats"> {
  return objectStatsWire(written.path, written.entry, {
    physicalAddress: written.physicalAddress,
  });
}

/** A listing row: an object's stats or a bare common prefix. */
export function listedWire(
  item: ListedEntry,
  options: (entry: Entry, path: string) => ObjectStatsOptions,
): Schema<"ObjectStats"> {
  if (item.commonPrefix) {
    // Only path and type carry meaning; the schema's other required fields go out empty, as in lakeFS.
    return {
      path: item.path,
      path_type: "common_prefix",
      physical_address: "",
      checksum: "",
      mtime: 0,
    };
  }
  return objectStatsWire(item.path, item.entry, options(item.entry, item.path));
}

export function diffWire(d: DiffEntry, includeRightStats = false): Schema<"Diff"> {
  const wire: Schema<"Diff"> = { path: d.path, path_type: d.pathType, type: d.type };
  if (d.sizeBytes !== undefined) wire.size_bytes = d.sizeBytes;
  if (includeRightStats && d.right) {
    wire.right = {
      checksum: d.right.etag,
      mtime: d.right.mtime,
      content_type: d.right.contentType || "",
      metadata: { ...d.right.metadata },
    };
  }
  return wire;
}
