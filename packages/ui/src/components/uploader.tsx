/** Upload files to a branch: drop them on the listing or pick them, with progress per file. */
import type { ComponentChildren } from "preact";
import { useRef, useState } from "preact/hooks";
import { errorMessage, repo } from "../api";
import { formatSize } from "../format";
import type { RepoView } from "../pages/view";

interface UploadState {
  readonly path: string;
  readonly loaded: number;
  readonly total: number;
  readonly error?: string;
  readonly done?: boolean;
}

export function Uploader({
  view,
  prefix,
  onUploaded,
  children,
}: {
  view: RepoView;
  prefix: string;
  onUploaded: () => void;
  children: ComponentChildren;
}) {
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const update = (path: string, change: Partial<UploadState>) =>
    setUploads((list) => list.map((u) => (u.path === path ? { ...u, ...change } : u)));

  const upload = async (files: readonly File[]) => {
    if (files.length === 0) return;
    setUploads(files.map((f) => ({ path: prefix + f.name, loaded: 0, total: f.size })));
    const branch = repo(view.repository).branch(view.ref);
    // One file at a time: the SDK already parallelises the parts of a large one.
    for (const file of files) {
      const path = prefix + file.name;
      try {
        await branch.object(path).upload(file, {
          contentType: file.type || undefined,
          onProgress: (p) => update(path, { loaded: p.loadedBytes }),
        });
        update(path, { loaded: file.size, done: true });
      } catch (e) {
        update(path, { error: errorMessage(e) });
      }
    }
    onUploaded();
  };

  return (
    <section
      aria-label="Objects (drop files here to upload)"
      class={over ? "dropzone over" : "dropzone"}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        upload([...(e.dataTransfer?.files ?? [])]);
      }}
    >
      <div class="actions left">
        <button type="button" onClick={() => input.current?.click()}>
          Upload files
        </button>
        <span class="muted">or drop files here (to {prefix || "the root"})</span>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          aria-label="Files to upload"
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = "";
            upload(files);
          }}
        />
      </div>
      {uploads.length > 0 && (
        <ul class="uploads" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.path}>
              <span class="mono">{u.path}</span>{" "}
              <progress max={u.total || 1} value={u.total ? u.loaded : u.done ? 1 : 0} />{" "}
              {u.error ? (
                <span class="error" role="alert">
                  {u.error}
                </span>
              ) : (
                <span class="muted">
                  {u.done ? "uploaded" : `${formatSize(u.loaded)} of ${formatSize(u.total)}`}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {children}
    </section>
  );
}
