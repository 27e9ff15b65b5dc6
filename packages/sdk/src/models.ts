/** Readonly camelCase models with `Date`s, converted from the lakeFS wire types. */
import type { Schema } from "./api/index.js";

export type Metadata = Readonly<Record<string, string>>;

export interface Commit {
  readonly id: string;
  readonly parents: readonly string[];
  readonly committer: string;
  readonly message: string;
  readonly creationDate: Date;
  readonly metaRangeId: string;
  readonly metadata: Metadata;
  readonly generation?: number;
  readonly version?: number;
}

export type ChangeType = Schema<"Diff">["type"];
export type PathType = Schema<"Diff">["path_type"];

/** One entry of a diff or of a branch's uncommitted changes. */
export interface Change {
  readonly type: ChangeType;
  readonly path: string;
  readonly pathType: PathType;
  readonly sizeBytes?: number;
}

export interface ObjectInfo {
  readonly kind: "object";
  readonly path: string;
  readonly physicalAddress: string;
  readonly physicalAddressExpiry?: Date;
  readonly checksum: string;
  readonly sizeBytes?: number;
  readonly mtime: Date;
  readonly metadata: Metadata;
  readonly contentType?: string;
}

/** A "directory" in a delimited listing. */
export interface CommonPrefix {
  readonly kind: "common_prefix";
  readonly path: string;
}

export interface RepositoryProperties {
  readonly id: string;
  readonly creationDate: Date;
  readonly defaultBranch: string;
  readonly storageNamespace: string;
  /** "" on single-storage servers. */
  readonly storageId: string;
  readonly readOnly: boolean;
}

export interface ImportStatus {
  readonly completed: boolean;
  readonly updateTime: Date;
  readonly ingestedObjects?: number;
  readonly metarangeId?: string;
  readonly commit?: Commit;
  /** The server's error message when the import failed or was cancelled. */
  readonly error?: string;
}

export interface ServerStorageConfiguration {
  /** "" for the default (single) storage. */
  readonly blockstoreId: string;
  readonly blockstoreType: string;
  readonly blockstoreDescription?: string;
  readonly blockstoreNamespaceExample: string;
  readonly blockstoreNamespaceValidityRegex: string;
  readonly defaultNamespacePrefix?: string;
  readonly preSignSupport: boolean;
  readonly preSignSupportUi: boolean;
  readonly preSignMultipartUpload: boolean;
  readonly importSupport: boolean;
  readonly importValidityRegex: string;
}

export interface ServerConfiguration {
  /** The server version, "" when it does not say. */
  readonly version: string;
  /** Every storage the server offers, the default one first. */
  readonly storages: readonly ServerStorageConfiguration[];
}

/** A per-path failure reported by a batch delete. */
export interface ObjectDeleteError {
  readonly path: string;
  readonly statusCode: number;
  readonly message: string;
}

const fromSeconds = (seconds: number): Date => new Date(seconds * 1000);

export function toCommit(c: Schema<"Commit">): Commit {
  return {
    id: c.id,
    parents: c.parents ?? [],
    committer: c.committer,
    message: c.message,
    creationDate: fromSeconds(c.creation_date),
    metaRangeId: c.meta_range_id,
    metadata: c.metadata ?? {},
    ...(c.generation !== undefined && { generation: c.generation }),
    ...(c.version !== undefined && { version: c.version }),
  };
}

export function toChange(d: Schema<"Diff">): Change {
  return {
    type: d.type,
    path: d.path,
    pathType: d.path_type,
    ...(d.size_bytes !== undefined && { sizeBytes: d.size_bytes }),
  };
}

export function toObjectInfo(o: Schema<"ObjectStats">): ObjectInfo {
  return {
    kind: "object",
    path: o.path,
    physicalAddress: o.physical_address,
    ...(o.physical_address_expiry !== undefined && {
      physicalAddressExpiry: fromSeconds(o.physical_address_expiry),
    }),
    checksum: o.checksum,
    ...(o.size_bytes !== undefined && { sizeBytes: o.size_bytes }),
    mtime: fromSeconds(o.mtime),
    metadata: o.metadata ?? {},
    ...(o.content_type !== undefined && { contentType: o.content_type }),
  };
}

/** A listing entry: an object, or a common prefix when listing with a delimiter. */
export function toListingEntry(o: Schema<"ObjectStats">): ObjectInfo | CommonPrefix {
  return o.path_type === "object" ? toObjectInfo(o) : { kind: "common_prefix", path: o.path };
}

export function toRepositoryProperties(r: Schema<"Repository">): RepositoryProperties {
  return {
    id: r.id,
    creationDate: fromSeconds(r.creation_date),
    defaultBranch: r.default_branch,
    storageNamespace: r.storage_namespace,
    storageId: r.storage_id ?? "",
    readOnly: r.read_only ?? false,
  };
}

export function toImportStatus(s: Schema<"ImportStatus">): ImportStatus {
  return {
    completed: s.completed,
    updateTime: new Date(s.update_time),
    ...(s.ingested_objects !== undefined && { ingestedObjects: s.ingested_objects }),
    ...(s.metarange_id !== undefined && { metarangeId: s.metarange_id }),
    ...(s.commit && { commit: toCommit(s.commit) }),
    ...(s.error && { error: s.error.message }),
  };
}

function toStorageConfiguration(s: Schema<"StorageConfig">): ServerStorageConfiguration {
  return {
    blockstoreId: s.blockstore_id ?? "",
    blockstoreType: s.blockstore_type,
    ...(s.blockstore_description !== undefined && {
      blockstoreDescription: s.blockstore_description,
    }),
    blockstoreNamespaceExample: s.blockstore_namespace_example,
    blockstoreNamespaceValidityRegex: s.blockstore_namespace_ValidityRegex,
    ...(s.default_namespace_prefix !== undefined && {
      defaultNamespacePrefix: s.default_namespace_prefix,
    }),
    preSignSupport: s.pre_sign_support,
    preSignSupportUi: s.pre_sign_support_ui,
    preSignMultipartUpload: s.pre_sign_multipart_upload ?? false,
    importSupport: s.import_support,
    importValidityRegex: s.import_validity_regex,
  };
}

/** Keeps each storage's own settings (the Python SDK copies the default into every id). */
export function toServerConfiguration(c: Schema<"Config">): ServerConfiguration {
  const storages = (c.storage_config_list ?? []).map(toStorageConfiguration);
  if (c.storage_config) {
    const main = toStorageConfiguration(c.storage_config);
    const rest = storages.filter((s) => s.blockstoreId !== main.blockstoreId);
    return { version: c.version_config?.version ?? "", storages: [main, ...rest] };
  }
  return { version: c.version_config?.version ?? "", storages };
}
