/** Small building blocks every page uses. */
import type { ComponentChildren, InputHTMLAttributes } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { errorMessage } from "../api";
import type { Pager } from "../hooks";

/** An error for the reader (announced by screen readers). */
export function ErrorText({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <p class="error" role="alert">
      {errorMessage(error)}
    </p>
  );
}

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p class="muted" aria-busy="true">
      {what}…
    </p>
  );
}

/** Previous / next buttons of a page-at-a-time listing. */
export function PagerControls<T>({ pager, label }: { pager: Pager<T>; label: string }) {
  if (!pager.hasPrevious && !pager.hasNext) return null;
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={pager.previous} disabled={!pager.hasPrevious}>
        ← Previous
      </button>
      <span aria-live="polite">Page {pager.pageNumber}</span>
      <button type="button" onClick={pager.next} disabled={!pager.hasNext}>
        Next →
      </button>
    </nav>
  );
}

/**
 * A modal dialog on the native `<dialog>` element: focus moves in and stays there, Escape and
 * the close button call `onClose`.
 */
export function Modal({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby="modal-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header class="modal-header">
        <h2 id="modal-title">{title}</h2>
        <button type="button" class="icon" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}

/** Key/value rows for commit and merge metadata. */
export function MetadataEditor({
  rows,
  onChange,
}: {
  rows: readonly [string, string][];
  onChange: (rows: [string, string][]) => void;
}) {
  const set = (i: number, at: 0 | 1, value: string) =>
    onChange(
      rows.map((row, j) => (j === i ? (at === 0 ? [value, row[1]] : [row[0], value]) : [...row])),
    );
  return (
    <fieldset>
      <legend>Metadata</legend>
      {rows.map(([key, value], i) => (
        <div class="row" key={i}>
          <input
            aria-label={`Metadata key ${i + 1}`}
            placeholder="key"
            value={key}
            onInput={(e) => set(i, 0, e.currentTarget.value)}
          />
          <input
            aria-label={`Metadata value ${i + 1}`}
            placeholder="value"
            value={value}
            onInput={(e) => set(i, 1, e.currentTarget.value)}
          />
          <button
            type="button"
            aria-label={`Remove metadata row ${i + 1}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i).map((r) => [...r]))}
          >
            −
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => onChange([...rows.map((r) => [...r] as [string, string]), ["", ""]])}
      >
        Add metadata
      </button>
    </fieldset>
  );
}

/** Metadata rows as the API's record (empty keys dropped). */
export function metadataRecord(rows: readonly [string, string][]): Record<string, string> {
  return Object.fromEntries(rows.filter(([key]) => key.trim() !== ""));
}

/** A folder glyph that needs no emoji font. */
export function FolderIcon() {
  return (
    <svg class="icon-folder" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path d="M1.5 3h4l1.5 1.5h7.5v8.5h-13z" fill="currentColor" />
    </svg>
  );
}

/** Cancel and submit buttons at the foot of a dialog's form. */
export function DialogActions({
  onCancel,
  busy,
  label,
}: {
  onCancel: () => void;
  busy: boolean;
  label: string;
}) {
  return (
    <div class="actions">
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Working…" : label}
      </button>
    </div>
  );
}

/** A paged listing's states: its error, loading, empty, else the listing and its pager. */
export function Listed<T>({
  pager,
  label,
  empty,
  children,
}: {
  pager: Pager<T>;
  label: string;
  empty: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <>
      <ErrorText error={pager.error} />
      {pager.loading && pager.items.length === 0 ? (
        <Loading />
      ) : pager.items.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        children
      )}
      <PagerControls pager={pager} label={label} />
    </>
  );
}

/** Submits a form through `run` without reloading the page. */
export function onSubmit(run: () => unknown): (event: Event) => void {
  return (event) => {
    event.preventDefault();
    run();
  };
}

/** A labelled text input bound to a string. */
export function TextField({
  label,
  hint,
  value,
  onValue,
  ...input
}: {
  label: string;
  hint?: string;
  value: string;
  onValue: (value: string) => void;
  name?: string;
  type?: "text" | "password";
  required?: boolean;
  pattern?: string;
  title?: string;
  placeholder?: string;
  autoComplete?: string;
}) {
  return (
    <label>
      <span>
        {label} {hint && <span class="muted">({hint})</span>}
      </span>
      <input
        // Preact types `type` as a union of per-type prop sets; these props suit text and password.
        {...(input as InputHTMLAttributes<HTMLInputElement>)}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </label>
  );
}

/** The header of a table's per-row actions column (named for screen readers only). */
export function ActionsHeader() {
  return (
    <th>
      <span class="visually-hidden">Actions</span>
    </th>
  );
}
