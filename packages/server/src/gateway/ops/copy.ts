/** CopyObject: within a repository (through the object-write service) or across repositories. */
import { DEFAULT_CONTENT_TYPE } from "../../service/object-writes.js";
import { bucketOf, type OpContext, objectKey, requireBranch } from "../context.js";
import { copySource } from "../copy-source.js";
import { S3Error } from "../errors.js";
import { isoTime, metadataFromHeaders } from "../object-headers.js";
import { headerValue } from "../request-view.js";
import { sendXml } from "../xml.js";

export async function copyObject(ctx: OpContext) {
  const { repository } = await bucketOf(ctx);
  const { ref, path } = objectKey(ctx);
  await requireBranch(ctx, repository.id, ref);
  const source = await copySource(ctx);
  const directive = (headerValue(ctx.view, "x-amz-metadata-directive") ?? "COPY").toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") {
    throw new S3Error("InvalidArgument", "Unknown metadata directive.");
  }
  const replace =
    directive === "REPLACE"
      ? {
          metadata: metadataFromHeaders(ctx.view),
          contentType: headerValue(ctx.view, "content-type") || DEFAULT_CONTENT_TYPE,
        }
      : undefined;
  const target = { repository: repository.id, branch: ref, path };
  const { objects, blocks } = ctx.services;
  const { entry } =
    source.repository === repository.id
      ? await objects.copy({ ...target, sourcePath: source.path, sourceRef: source.ref, replace })
      : // Another repository's namespace: the bytes are streamed across.
        await objects.upload({
          ...target,
          metadata: replace?.metadata ?? source.entry.metadata,
          openBody: async () => ({
            body: (await blocks.open(source.nsDir, source.entry)).stream,
            contentType: replace?.contentType ?? source.entry.contentType,
          }),
        });
  return sendXml(ctx.reply, "CopyObjectResult", {
    LastModified: isoTime(entry.mtime),
    ETag: `"${entry.etag}"`,
  });
}
