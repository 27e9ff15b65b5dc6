/** CopyObject: within a repository (a new address sharing the bytes) or across repositories. */

import type { Entry } from "../../core/entry.js";
import { DEFAULT_CONTENT_TYPE, nowSeconds } from "../../service/object-writes.js";
import { bucketOf, type OpContext, objectKey, requireBranch } from "../context.js";
import { copySource } from "../copy-source.js";
import { S3Error } from "../errors.js";
import { isoTime, metadataFromHeaders } from "../object-headers.js";
import { headerValue } from "../request-view.js";
import { stageObject } from "../write.js";
import { sendXml } from "../xml.js";

export async function copyObject(ctx: OpContext) {
  const { repository, nsDir } = await bucketOf(ctx);
  const { ref, path } = objectKey(ctx);
  await requireBranch(ctx, repository.id, ref);
  const source = await copySource(ctx);
  const directive = (headerValue(ctx.view, "x-amz-metadata-directive") ?? "COPY").toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") {
    throw new S3Error("InvalidArgument", "Unknown metadata directive.");
  }
  const { blocks } = ctx.services;
  const address =
    source.nsDir === nsDir
      ? (await blocks.copy(nsDir, source.entry)).address
      : (await blocks.put(nsDir, (await blocks.open(source.nsDir, source.entry)).stream)).address;
  const entry: Entry = {
    ...source.entry,
    address,
    addressType: "relative",
    mtime: nowSeconds(),
    ...(directive === "REPLACE"
      ? {
          metadata: metadataFromHeaders(ctx.view),
          contentType: headerValue(ctx.view, "content-type") || DEFAULT_CONTENT_TYPE,
        }
      : {}),
  };
  await stageObject(ctx.services, { repository: repository.id, branch: ref, path }, entry);
  return sendXml(ctx.reply, "CopyObjectResult", {
    LastModified: isoTime(entry.mtime),
    ETag: `"${entry.etag}"`,
  });
}
