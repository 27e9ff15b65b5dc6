/**
 * The source of CopyObject and UploadPartCopy: `x-amz-copy-source: [/]<bucket>/<ref>/<path>`
 * (URL-encoded), optionally narrowed by `x-amz-copy-source-range: bytes=<first>-<last>`.
 */
import type { ByteRange } from "../block/local.js";
import type { Entry } from "../core/entry.js";
import { splitKey } from "./addressing.js";
import { bucketOf, entryOf, noSuchKey, type OpContext } from "./context.js";
import { S3Error } from "./errors.js";
import { headerValue } from "./request-view.js";

export interface CopySource {
  readonly repository: string;
  readonly nsDir: string;
  readonly ref: string;
  readonly path: string;
  readonly entry: Entry;
}

const invalid = (message: string) => new S3Error("InvalidArgument", message);

/** Resolves the copy source header to an existing object. */
export async function copySource(ctx: OpContext): Promise<CopySource> {
  const header = headerValue(ctx.view, "x-amz-copy-source") ?? "";
  let text: string;
  try {
    text = decodeURIComponent(header.split("?")[0]!);
  } catch {
    throw invalid("Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
  }
  text = text.replace(/^\//, "");
  const slash = text.indexOf("/");
  if (slash <= 0)
    throw invalid("Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
  const { repository, nsDir } = await bucketOf(ctx, text.slice(0, slash));
  const { ref, path } = splitKey(text.slice(slash + 1));
  if (ref === "" || path === "") throw noSuchKey();
  return {
    repository: repository.id,
    nsDir,
    ref,
    path,
    entry: await entryOf(ctx, repository.id, ref, path),
  };
}

/** The copy range of an UploadPartCopy (undefined: the whole object); outside the object → InvalidRange. */
export function copyRange(ctx: OpContext, size: number): Required<ByteRange> | undefined {
  const header = headerValue(ctx.view, "x-amz-copy-source-range");
  if (header === undefined) return undefined;
  const m = /^bytes=(\d{1,15})-(\d{1,15})$/.exec(header.trim());
  if (!m) throw invalid("The x-amz-copy-source-range value must be of the form bytes=first-last");
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start > end || end >= size) {
    throw new S3Error("InvalidRange", "The requested range is not satisfiable");
  }
  return { start, end };
}
