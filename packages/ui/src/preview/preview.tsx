/** An object's preview: tables for Parquet / CSV, rendered Markdown, JSON, text and images. */
import type { ObjectInfo, StoredObject } from "lakefs-ts";
import { useEffect, useState } from "preact/hooks";
import { repo } from "../api";
import { ErrorText, Loading } from "../components/common";
import { formatSize } from "../format";
import { useAsync } from "../hooks";
import type { RepoView } from "../pages/view";
import { parseDelimited } from "./csv";
import { type PreviewKind, previewKind } from "./kind";

/** Text previews read at most this much (one ranged request). */
const TEXT_LIMIT = 1024 * 1024;
/** Images larger than this are offered for download only. */
const IMAGE_LIMIT = 20 * 1024 * 1024;
const TABLE_ROWS = 100;

export function Preview({ view, info }: { view: RepoView; info: ObjectInfo }) {
  const kind = previewKind(info.path, info.contentType);
  const object = repo(view.repository).ref(view.ref).object(info.path);
  const size = info.sizeBytes ?? 0;
  return (
    <section class="preview" aria-label="Preview">
      <h2>Preview</h2>
      <Body kind={kind} object={object} size={size} contentType={info.contentType} />
    </section>
  );
}

function Body({
  kind,
  object,
  size,
  contentType,
}: {
  kind: PreviewKind;
  object: StoredObject;
  size: number;
  contentType: string | undefined;
}) {
  switch (kind) {
    case "parquet":
      return <ParquetTable object={object} size={size} />;
    case "image":
      return size > IMAGE_LIMIT ? (
        <p class="muted">Too large to preview ({formatSize(size)}); download it instead.</p>
      ) : (
        <ImagePreview object={object} contentType={contentType} />
      );
    case "none":
      return <p class="muted">No preview for this type of object.</p>;
    default:
      return <TextPreview kind={kind} object={object} size={size} />;
  }
}

async function readHead(object: StoredObject, size: number): Promise<string> {
  if (size === 0) return "";
  const reader = object.reader({ mode: "r", readAheadBytes: Math.min(size, TEXT_LIMIT) });
  try {
    return await reader.read(Math.min(size, TEXT_LIMIT));
  } finally {
    await reader.close();
  }
}

function TextPreview({
  kind,
  object,
  size,
}: {
  kind: PreviewKind;
  object: StoredObject;
  size: number;
}) {
  const text = useAsync(() => readHead(object, size), [object.repository, object.ref, object.path]);
  const markdown = useAsync(
    () =>
      kind === "markdown" && text.value !== undefined
        ? import("./markdown").then((m) => m.renderMarkdown(text.value as string))
        : Promise.resolve(undefined),
    [kind, text.value],
  );
  if (text.error) return <ErrorText error={text.error} />;
  if (text.value === undefined) return <Loading what="Reading" />;
  const cut = size > TEXT_LIMIT && (
    <p class="muted">
      Showing the first {formatSize(TEXT_LIMIT)} of {formatSize(size)}.
    </p>
  );
  if (kind === "markdown") {
    if (markdown.error) return <ErrorText error={markdown.error} />;
    if (markdown.value === undefined) return <Loading what="Rendering" />;
    // Sanitised by renderMarkdown (DOMPurify).
    return <article class="markdown" dangerouslySetInnerHTML={{ __html: markdown.value }} />;
  }
  if (kind === "csv" || kind === "tsv") {
    const [header = [], ...rows] = parseDelimited(
      text.value,
      kind === "csv" ? "," : "\t",
      TABLE_ROWS + 1,
    );
    return (
      <>
        <DataTable columns={header} rows={rows} />
        {cut}
      </>
    );
  }
  return (
    <>
      <pre class="text">{kind === "json" ? prettyJson(text.value) : text.value}</pre>
      {cut}
    </>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function ImagePreview({
  object,
  contentType,
}: {
  object: StoredObject;
  contentType: string | undefined;
}) {
  const [url, setUrl] = useState<string>();
  const bytes = useAsync(() => object.bytes(), [object.repository, object.ref, object.path]);
  useEffect(() => {
    if (!bytes.value) return;
    const blobUrl = URL.createObjectURL(
      new Blob([bytes.value as Uint8Array<ArrayBuffer>], { type: contentType }),
    );
    setUrl(blobUrl);
    return () => URL.revokeObjectURL(blobUrl);
  }, [bytes.value, contentType]);
  if (bytes.error) return <ErrorText error={bytes.error} />;
  if (!url) return <Loading />;
  return <img class="image-preview" src={url} alt={`Preview of ${object.path}`} />;
}

function ParquetTable({ object, size }: { object: StoredObject; size: number }) {
  const table = useAsync(
    () => import("./parquet").then((m) => m.readParquet(object, size, TABLE_ROWS)),
    [object.repository, object.ref, object.path],
  );
  if (table.error) return <ErrorText error={table.error} />;
  if (!table.value) return <Loading what="Reading Parquet" />;
  const { columns, rows, totalRows } = table.value;
  return (
    <>
      <h3>Schema</h3>
      <table class="schema">
        <thead>
          <tr>
            <th>Column</th>
            <th>Type</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td class="mono">{c.type}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>
        First {rows.length} of {totalRows} rows
      </h3>
      <DataTable
        columns={columns.map((c) => c.name)}
        rows={rows.map((r) => columns.map((c) => cell(r[c.name])))}
      />
    </>
  );
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  }
  return String(value);
}

function DataTable({ columns, rows }: { columns: readonly string[]; rows: readonly string[][] }) {
  return (
    <div class="scroll">
      <table class="data">
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {row.map((v, j) => (
                <td key={j}>{v}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
