/** ListBuckets (repositories), HeadBucket, GetBucketLocation. */
import type { Repository } from "../../engine/types.js";
import { bucketOf, type OpContext } from "../context.js";
import { isoTime } from "../object-headers.js";
import { sendXml } from "../xml.js";

/** Every item of a paged engine listing (pages of up to 1000). */
export async function allPages<T>(
  page: (
    after: string,
  ) =>
    | Promise<{ results: T[]; hasMore: boolean; nextOffset: string }>
    | { results: T[]; hasMore: boolean; nextOffset: string },
): Promise<T[]> {
  const all: T[] = [];
  let after = "";
  for (;;) {
    const { results, hasMore, nextOffset } = await page(after);
    all.push(...results);
    if (!hasMore || nextOffset === after) return all;
    after = nextOffset;
  }
}

/** The owner S3 documents carry: the authenticated user. */
export const ownerOf = (ctx: OpContext) => ({
  ID: ctx.user.username,
  DisplayName: ctx.user.username,
});

export async function listBuckets(ctx: OpContext) {
  const repositories: Repository[] = await allPages((after) =>
    ctx.services.engine.listRepositories({ after, amount: 1000 }),
  );
  return sendXml(ctx.reply, "ListAllMyBucketsResult", {
    Owner: ownerOf(ctx),
    Buckets: {
      Bucket: repositories.map((r) => ({ Name: r.id, CreationDate: isoTime(r.creationDate) })),
    },
  });
}

export async function headBucket(ctx: OpContext) {
  await bucketOf(ctx);
  return ctx.reply.code(200).header("x-amz-bucket-region", ctx.options.region).send();
}

export async function getBucketLocation(ctx: OpContext) {
  await bucketOf(ctx);
  // us-east-1 is reported as an empty LocationConstraint, as S3 does.
  const region = ctx.options.region === "us-east-1" ? "" : ctx.options.region;
  return sendXml(ctx.reply, "LocationConstraint", { "#text": region });
}
