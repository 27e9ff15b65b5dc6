/** Which preview an object gets, from its name and content type. */

export type PreviewKind =
  | "parquet"
  | "markdown"
  | "image"
  | "json"
  | "csv"
  | "tsv"
  | "text"
  | "none";

const TEXT_EXTENSIONS = new Set([
  "txt",
  "log",
  "yaml",
  "yml",
  "toml",
  "ini",
  "xml",
  "html",
  "sql",
  "py",
  "ts",
  "js",
  "go",
  "rs",
  "java",
  "sh",
  "r",
  "conf",
  "cfg",
  "env",
  "jsonl",
  "ndjson",
  "gitignore",
]);
const IMAGE_EXTENSIONS = new Set([
  "png",
  "jpg",
  "jpeg",
  "gif",
  "webp",
  "svg",
  "bmp",
  "ico",
  "avif",
]);

export function previewKind(path: string, contentType: string | undefined): PreviewKind {
  const name = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  const ext = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1) : "";
  const type = (contentType ?? "").toLowerCase();
  if (ext === "parquet" || type === "application/vnd.apache.parquet") return "parquet";
  if (ext === "md" || ext === "markdown" || type === "text/markdown") return "markdown";
  if (IMAGE_EXTENSIONS.has(ext) || type.startsWith("image/")) return "image";
  if (ext === "json" || type === "application/json") return "json";
  if (ext === "csv" || type === "text/csv") return "csv";
  if (ext === "tsv" || type === "text/tab-separated-values") return "tsv";
  if (TEXT_EXTENSIONS.has(ext) || type.startsWith("text/")) return "text";
  return "none";
}
