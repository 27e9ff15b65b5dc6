/** Display helpers shared by the pages. */

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** 1536 → "1.5 KiB". */
export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return "";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** A date in the reader's locale, minutes precision. */
export function formatDate(date: Date): string {
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Commit ids and ETags are long; 12 characters identify them on a page. */
export function shortId(id: string): string {
  return id.replaceAll('"', "").slice(0, 12);
}

/** The last segment of an object path or prefix ("a/b/" → "b/"). */
export function baseName(path: string): string {
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  const cut = trimmed.lastIndexOf("/");
  return path.slice(cut + 1);
}

/** The parent prefixes of a path, for breadcrumbs: "a/b/c" → ["a/", "a/b/"]. */
export function parentPrefixes(path: string): string[] {
  const out: string[] = [];
  let at = path.indexOf("/");
  while (at >= 0 && at < path.length - 1) {
    out.push(path.slice(0, at + 1));
    at = path.indexOf("/", at + 1);
  }
  return out;
}

/** A URL with query parameters, leaving out the empty ones. */
export function href(route: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(key, value);
  }
  const search = params.toString();
  return search === "" ? route : `${route}?${search}`;
}
