/** GetObject, HeadObject, PutObject, DeleteObject and DeleteObjects. */

import { requestedRange, sendObjectBytes, setBodyHeaders } from "../../http/object-response.js";
import { abortOnDisconnect } from "../../http/routes/objects.js";
import { DEFAULT_CONTENT_TYPE } from "../../service/object-writes.js";
import { splitKey } from "../addressing.js";
import {
  bucketOf,
  entryOf,
  explainWriteFailure,
  type OpContext,
  objectKey,
  requireBranch,
} from "../context.js";
import { S3Error, toS3Error } from "../errors.js";
import { metadataFromHeaders, notModified, quoted, setS3ObjectHeaders } from "../object-headers.js";
import { headerValue } from "../request-view.js";
import { children, parseXml, readSmallBody, sendXml } from "../xml.js";

export async function getObject(ctx: OpContext, head: boolean) {
  const { reply, view } = ctx;
  const { repository, nsDir } = await bucketOf(ctx);
  const { ref, path } = objectKey(ctx);
  const entry = await entryOf(ctx, repository.id, ref, path);
  if (notModified(view, entry)) {
    setS3ObjectHeaders(reply, view, entry);
    return reply.code(304).send();
  }
  const range = headerValue(view, "range");
  if (head) {
    const requested = requestedRange(reply, range, entry.size);
    setS3ObjectHeaders(reply, view, entry);
    setBodyHeaders(reply, entry.size, requested);
    return reply.send();
  }
  return sendObjectBytes(reply, ctx.services.blocks, nsDir, entry, entry.size, range, () =>
    setS3ObjectHeaders(reply, view, entry),
  );
}

/** `If-None-Match: *` → true; other conditional-write forms are not supported. */
export function ifNoneMatchStar(ctx: OpContext): boolean {
  if (headerValue(ctx.view, "if-match") !== undefined) {
    throw new S3Error("NotImplemented", "If-Match on writes is not supported");
  }
  const value = headerValue(ctx.view, "if-none-match");
  if (value === undefined) return false;
  if (value.trim() !== "*")
    throw new S3Error("NotImplemented", "Only If-None-Match: * is supported");
  return true;
}

export async function putObject(ctx: OpContext) {
  const { ref, path } = objectKey(ctx);
  const ifNoneMatch = ifNoneMatchStar(ctx);
  // The service checks repository and branch itself; the S3 explanation is only worked out
  // when it refuses (saves two engine calls per PUT).
  const written = await ctx.services.objects
    .upload({
      repository: ctx.target.bucket!,
      branch: ref,
      path,
      ifNoneMatch,
      metadata: metadataFromHeaders(ctx.view),
      signal: abortOnDisconnect(ctx.request.raw),
      openBody: async () => ({
        body: ctx.body(),
        contentType: headerValue(ctx.view, "content-type") || DEFAULT_CONTENT_TYPE,
      }),
    })
    .catch((err: unknown) => explainWriteFailure(ctx, ref, err));
  return ctx.reply.code(200).header("ETag", quoted(written.entry)).send();
}

export async function deleteObject(ctx: OpContext) {
  const { repository } = await bucketOf(ctx);
  const { ref, path } = objectKey(ctx);
  await requireBranch(ctx, repository.id, ref);
  await ctx.services.engine.deleteEntry(repository.id, ref, path);
  return ctx.reply.code(204).send();
}

/** S3's limit on keys per DeleteObjects request. */
const MAX_DELETE_KEYS = 1000;
const MAX_DELETE_BODY_BYTES = 2 * 1024 * 1024;

interface DeleteOutcome {
  readonly key: string;
  readonly error?: { code: string; message: string };
}

export async function deleteObjects(ctx: OpContext) {
  const { repository } = await bucketOf(ctx);
  const doc = parseXml(await readSmallBody(ctx.body(), MAX_DELETE_BODY_BYTES), "Delete");
  const quiet = String(doc.Quiet ?? "").toLowerCase() === "true";
  const keys = children(doc, "Object").map((o) => {
    const key = (o as Record<string, unknown>)?.Key;
    if (typeof key !== "string" || key === "") {
      throw new S3Error("MalformedXML", "Each Object in a Delete request needs a Key");
    }
    return key;
  });
  if (keys.length === 0 || keys.length > MAX_DELETE_KEYS) {
    throw new S3Error("MalformedXML", `A Delete request holds 1 to ${MAX_DELETE_KEYS} keys`);
  }
  // Keys may name different branches: one batch per branch, outcomes in request order.
  const byRef = new Map<string, string[]>();
  for (const key of keys) {
    const { ref } = splitKey(key);
    byRef.set(ref, [...(byRef.get(ref) ?? []), key]);
  }
  const outcomes = new Map<string, DeleteOutcome>();
  for (const [ref, refKeys] of byRef) {
    try {
      await requireBranch(ctx, repository.id, ref);
      const paths = refKeys.map((key) => splitKey(key).path);
      const results = await ctx.services.engine.deleteEntries(repository.id, ref, paths);
      const failed = new Map(results.map((r) => [r.path, r]));
      for (const key of refKeys) {
        const failure = failed.get(splitKey(key).path);
        outcomes.set(
          key,
          failure === undefined
            ? { key }
            : {
                key,
                error: {
                  code: failure.statusCode === 403 ? "AccessDenied" : "InternalError",
                  message: failure.message,
                },
              },
        );
      }
    } catch (err) {
      const s3 = toS3Error(err);
      if (s3 === undefined) throw err;
      for (const key of refKeys)
        outcomes.set(key, { key, error: { code: s3.code, message: s3.message } });
    }
  }
  const results = keys.map((key) => outcomes.get(key)!);
  return sendXml(ctx.reply, "DeleteResult", {
    Deleted: quiet ? [] : results.filter((r) => !r.error).map((r) => ({ Key: r.key })),
    Error: results
      .filter((r) => r.error)
      .map((r) => ({ Key: r.key, Code: r.error!.code, Message: r.error!.message })),
  });
}
