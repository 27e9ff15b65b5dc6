/** `lakefs://repository/ref/path` URIs, as lakectl writes them. */
import { InvalidArgumentError } from "../errors.js";

const SCHEME = "lakefs://";
// lakeFS's repository id rule.
const REPOSITORY = /^[a-z0-9][a-z0-9-]{2,62}$/;

/** A parsed URI. `ref` and `path` are undefined when the URI stops before them. */
export interface LakeFSUri {
  readonly repository: string;
  readonly ref?: string;
  /** Everything after `ref/`, possibly "" (`lakefs://repo/main/`). */
  readonly path?: string;
}

/** Parses a `lakefs://` URI; throws InvalidArgumentError naming what is wrong. */
export function parseLakeFSUri(text: string): LakeFSUri {
  if (typeof text !== "string" || !text.startsWith(SCHEME)) {
    throw new InvalidArgumentError(`not a lakeFS URI (lakefs://repository/ref/path): ${text}`);
  }
  const rest = text.slice(SCHEME.length);
  const slash = rest.indexOf("/");
  const repository = slash < 0 ? rest : rest.slice(0, slash);
  if (!REPOSITORY.test(repository)) {
    throw new InvalidArgumentError(`invalid repository name in ${text}`);
  }
  if (slash < 0 || slash === rest.length - 1) return { repository };
  const afterRepo = rest.slice(slash + 1);
  const refEnd = afterRepo.indexOf("/");
  const ref = refEnd < 0 ? afterRepo : afterRepo.slice(0, refEnd);
  if (ref === "") throw new InvalidArgumentError(`missing ref in ${text}`);
  if (refEnd < 0) return { repository, ref };
  return { repository, ref, path: afterRepo.slice(refEnd + 1) };
}

/** Renders a URI (the inverse of parseLakeFSUri). */
export function formatLakeFSUri(uri: LakeFSUri): string {
  let text = `${SCHEME}${uri.repository}`;
  if (uri.ref !== undefined) text += `/${uri.ref}`;
  if (uri.path !== undefined) text += `/${uri.path}`;
  return text;
}

/** Parses a URI that must name a ref (and may name a path). */
export function parseRefUri(text: string): Required<Pick<LakeFSUri, "repository" | "ref">> & {
  readonly path: string;
} {
  const uri = parseLakeFSUri(text);
  if (uri.ref === undefined) throw new InvalidArgumentError(`missing ref in ${text}`);
  return { repository: uri.repository, ref: uri.ref, path: uri.path ?? "" };
}
