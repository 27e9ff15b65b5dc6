/**
 * lakefs-ts: a TypeScript SDK for lakeFS. Runtime-agnostic (fetch only); import `lakefs-ts/node`
 * instead in Node to also read `~/.lakectl.yaml` and use Node streams.
 *
 * @module lakefs-ts
 */
export {
  ActionRun,
  Actions,
  HookRun,
  type HookRunStatus,
  type RunStatus,
  type RunsOptions,
} from "./actions.js";
export {
  type BasicCredentials,
  type CallOptions,
  type Credentials,
  type CredentialsProvider,
  HttpClient,
  type HttpClientOptions,
  normalizeEndpoint,
  path,
  type RequestSpec,
  type RetryOptions,
  type SessionCookieCredentials,
  type StaticCredentials,
  type TokenCredentials,
} from "./api/http.js";
export { SDK_VERSION } from "./api/version.js";
export type { AwsCredentials, AwsCredentialsSource, AwsRoleOptions } from "./auth/aws-role.js";
export {
  Branch,
  type CherryPickOptions,
  type CommitOptions,
  type CommitOverrides,
  type CreateBranchOptions,
  type ImportDataOptions,
  type RevertOptions,
} from "./branch.js";
export {
  type AwsRoleClientOptions,
  Client,
  type ClientOptions,
  defaultClient,
  setDefaultClient,
  type WebIdentityOptions,
} from "./client.js";
export * from "./errors.js";
export {
  ImportManager,
  type ImportManagerOptions,
  type ImportSource,
  type WaitOptions,
} from "./import-manager.js";
export type { UploadBody } from "./io/body.js";
export type { DownloadOptions } from "./io/download.js";
export type { ReadMode, WriteMode } from "./io/modes.js";
export type { DeleteObjectOptions } from "./io/object-api.js";
export type { Progress, ProgressCallback } from "./io/progress.js";
export type {
  ObjectReader,
  ReadOptions,
  ReadResult,
  SeekOptions,
  Whence,
} from "./io/reader.js";
export type { UploadOptions } from "./io/upload.js";
export type { ObjectWriter, WriterOptions } from "./io/writer.js";
export type {
  Change,
  ChangeType,
  Commit,
  CommonPrefix,
  ImportStatus,
  Metadata,
  ObjectDeleteError,
  ObjectInfo,
  PathType,
  RepositoryProperties,
  ServerConfiguration,
  ServerStorageConfiguration,
} from "./models.js";
export { type ObjectReaderOptions, StoredObject, WriteableObject } from "./object.js";
export { Listing, type ListOptions, type Page } from "./paging.js";
export {
  type CreatePullRequestOptions,
  PullRequest,
  type PullRequestChanges,
  type PullRequestStatus,
  PullRequests,
  type PullRequestsOptions,
} from "./pull-request.js";
export {
  BaseBranch,
  type DeleteObjectsOptions,
  type DiffOptions,
  type LogOptions,
  type MergeOptions,
  type ObjectListOptions,
  Reference,
  type RefLike,
  type ResetOptions,
  type ResourceOptions,
} from "./reference.js";
export {
  type CreateRepositoryOptions,
  type RepositoriesOptions,
  Repository,
  repositories,
  repository,
} from "./repository.js";
export { type CreateTagOptions, Tag } from "./tag.js";
export { TransactionBranch, type TransactionOptions } from "./transaction.js";
