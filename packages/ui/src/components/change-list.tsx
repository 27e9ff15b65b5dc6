/** A diff as a tree: one prefix level at a time, a page at a time. */
import type { Change, Page } from "lakefs-ts";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { baseName, formatSize, parentPrefixes } from "../format";
import { usePager } from "../hooks";
import { ActionsHeader, FolderIcon, Listed } from "./common";

export const CHANGES_PAGE_SIZE = 100;

/** A prefix with changes below it reads as "changed", like an object. */
function badgeOf(type: Change["type"]): string {
  return type === "prefix_changed" ? "changed" : type;
}

export function ChangeList({
  fetchPage,
  deps,
  actions,
  empty,
}: {
  /** One page of changes under `prefix` (delimited by "/"), after `after`. */
  fetchPage: (prefix: string, after: string | undefined) => Promise<Page<Change>>;
  deps: readonly unknown[];
  actions?: (change: Change) => ComponentChildren;
  empty: string;
}) {
  const [prefix, setPrefix] = useState("");
  const pager = usePager((after) => fetchPage(prefix, after), [...deps, prefix]);
  return (
    <div class="changes">
      {prefix !== "" && (
        <nav class="breadcrumbs" aria-label="Change path">
          <button type="button" class="link" onClick={() => setPrefix("")}>
            (root)
          </button>
          {parentPrefixes(prefix).map((p) => (
            <span key={p}>
              {" / "}
              <button type="button" class="link" onClick={() => setPrefix(p)}>
                {baseName(p).slice(0, -1)}
              </button>
            </span>
          ))}
        </nav>
      )}
      <Listed pager={pager} label="Changes" empty={empty}>
        <table>
          <thead>
            <tr>
              <th class="narrow">Change</th>
              <th>Path</th>
              <th class="num">Size</th>
              {actions && <ActionsHeader />}
            </tr>
          </thead>
          <tbody>
            {pager.items.map((c) => (
              <tr key={c.path} class={`change-${c.type}`}>
                <td class="narrow">
                  <span class={`badge ${badgeOf(c.type)}`}>{badgeOf(c.type)}</span>
                </td>
                <td class="mono">
                  {c.pathType === "common_prefix" ? (
                    <button type="button" class="link" onClick={() => setPrefix(c.path)}>
                      <FolderIcon /> {c.path}
                    </button>
                  ) : (
                    c.path
                  )}
                </td>
                <td class="num">{formatSize(c.sizeBytes)}</td>
                {actions && <td class="row-actions">{actions(c)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </Listed>
    </div>
  );
}
