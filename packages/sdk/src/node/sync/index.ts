/** Directory transfers and lakectl-compatible local checkouts (Node only). */
export type { CompareMode } from "./compare.js";
export { CLIENT_MTIME_KEY, SYMLINK_TARGET_KEY } from "./compare.js";
export { downloadDirectory } from "./download-directory.js";
export type { KeyFilterOptions } from "./filter.js";
export type { SymlinkPolicy } from "./local-tree.js";
export type { DirectoryTransferOptions } from "./options.js";
export type {
  DirectoryChange,
  DirectoryProgress,
  DirectorySummary,
  FileProgress,
  TransferTotals,
} from "./progress.js";
export { uploadDirectory } from "./upload-directory.js";
