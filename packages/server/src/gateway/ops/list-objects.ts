/**
 * ListObjects (v1) and ListObjectsV2. Keys are `<ref>/<path>`; a prefix without a ref lists the
 * branches (as common prefixes `<branch>/` with delimiter `/`, or their objects without one).
 * Markers, start-after and continuation tokens carry the ref like keys do.
 */
import { compareKeys } from "../../core/entry.js";
import type { ListedEntry } from "../../engine/types.js";
import { splitKey } from "../addressing.js";
import { bucketOf, type OpContext } from "../context.js";
import { S3Error } from "../errors.js";
import { isoTime } from "../object-headers.js";
import { queryParam, uriEncode } from "../request-view.js";
import { sendXml } from "../xml.js";
import { allPages, ownerOf } from "./buckets.js";

const MAX_KEYS = 1000;

interface Listing {
  readonly items: { key: string; listed: ListedEntry }[];
  readonly truncated: boolean;
}

interface ListRequest {
  readonly repo: string;
  readonly prefix: string;
  readonly delimiter: string;
  /** Exclusive lower bound (a full key). */
  readonly after: string;
  readonly maxKeys: number;
}

/** Lists one ref's keys with the ref prefix; `after`/`prefix` are full keys. */
async function listRef(
  ctx: OpContext,
  ref: string,
  req: ListRequest,
  limit: number,
): Promise<Listing> {
  const base = `${ref}/`;
  const pathPrefix = req.prefix.startsWith(base) ? req.prefix.slice(base.length) : "";
  let pathAfter = "";
  if (req.after.startsWith(base)) pathAfter = req.after.slice(base.length);
  else if (compareKeys(req.after, base) > 0) return { items: [], truncated: false };
  const page = await ctx.services.engine.listEntries(req.repo, ref, {
    prefix: pathPrefix,
    after: pathAfter,
    delimiter: req.delimiter,
    amount: limit,
  });
  return {
    items: page.results.map((listed) => ({ key: base + listed.path, listed })),
    truncated: page.hasMore,
  };
}

/** A prefix without a ref: branches as common prefixes (delimiter `/`) or all their objects. */
async function listBranches(ctx: OpContext, req: ListRequest): Promise<Listing> {
  const branches = (
    await allPages((after) => ctx.services.engine.listBranches(req.repo, { after, amount: 1000 }))
  )
    .map((b) => `${b.id}/`)
    .filter((name) => name.startsWith(req.prefix) || req.prefix.startsWith(name))
    .sort(compareKeys);
  const items: Listing["items"] = [];
  for (const base of branches) {
    if (req.delimiter === "/") {
      if (compareKeys(base, req.after) <= 0) continue;
      if (items.length === req.maxKeys) return { items, truncated: true };
      items.push({ key: base, listed: { path: base, commonPrefix: true } });
      continue;
    }
    if (compareKeys(base, req.after) <= 0 && !req.after.startsWith(base)) continue;
    const page = await listRef(ctx, base.slice(0, -1), req, req.maxKeys - items.length);
    items.push(...page.items);
    if (items.length === req.maxKeys) {
      return { items, truncated: page.truncated || base !== branches[branches.length - 1] };
    }
  }
  return { items, truncated: false };
}

async function list(ctx: OpContext, req: ListRequest): Promise<Listing> {
  if (req.maxKeys === 0) return { items: [], truncated: false };
  const { ref } = splitKey(req.prefix);
  if (!req.prefix.includes("/") || ref === "") return listBranches(ctx, req);
  try {
    return await listRef(ctx, ref, req, req.maxKeys);
  } catch (err) {
    // An unknown ref simply has no keys.
    if (err instanceof Error && "kind" in err && err.kind === "not_found")
      return { items: [], truncated: false };
    throw err;
  }
}

function maxKeysOf(ctx: OpContext): number {
  const text = queryParam(ctx.view, "max-keys");
  if (text === undefined || text === "") return MAX_KEYS;
  if (!/^\d{1,9}$/.test(text))
    throw new S3Error("InvalidArgument", "max-keys must be a non-negative integer");
  return Math.min(Number(text), MAX_KEYS);
}

function encoderOf(ctx: OpContext): (text: string) => string {
  const type = queryParam(ctx.view, "encoding-type");
  if (type === undefined || type === "") return (text) => text;
  if (type !== "url")
    throw new S3Error("InvalidArgument", "Invalid Encoding Method specified in Request");
  return (text) => uriEncode(text, true);
}

function contents(
  ctx: OpContext,
  listing: Listing,
  encode: (t: string) => string,
  withOwner: boolean,
) {
  const objects = [];
  const prefixes = [];
  for (const { key, listed } of listing.items) {
    if (listed.commonPrefix) {
      prefixes.push({ Prefix: encode(key) });
      continue;
    }
    const entry = listed.entry;
    objects.push({
      Key: encode(key),
      LastModified: isoTime(entry.mtime),
      ETag: `"${entry.etag}"`,
      Size: entry.size,
      ...(withOwner ? { Owner: ownerOf(ctx) } : {}),
      StorageClass: "STANDARD",
    });
  }
  return { Contents: objects, CommonPrefixes: prefixes };
}

const lastKey = (listing: Listing) => listing.items[listing.items.length - 1]?.key ?? "";

export async function listObjectsV2(ctx: OpContext) {
  const { repository } = await bucketOf(ctx);
  const prefix = queryParam(ctx.view, "prefix") ?? "";
  const delimiter = queryParam(ctx.view, "delimiter") ?? "";
  const token = queryParam(ctx.view, "continuation-token");
  const startAfter = queryParam(ctx.view, "start-after") ?? "";
  let after = startAfter;
  if (token !== undefined) {
    after = Buffer.from(token, "base64url").toString("utf8");
    if (token === "" || Buffer.from(after, "utf8").toString("base64url") !== token) {
      throw new S3Error("InvalidArgument", "The continuation token provided is incorrect");
    }
  }
  const maxKeys = maxKeysOf(ctx);
  const encode = encoderOf(ctx);
  const listing = await list(ctx, { repo: repository.id, prefix, delimiter, after, maxKeys });
  const { Contents, CommonPrefixes } = contents(
    ctx,
    listing,
    encode,
    queryParam(ctx.view, "fetch-owner") === "true",
  );
  return sendXml(ctx.reply, "ListBucketResult", {
    Name: repository.id,
    Prefix: encode(prefix),
    ...(delimiter ? { Delimiter: encode(delimiter) } : {}),
    MaxKeys: maxKeys,
    ...(queryParam(ctx.view, "encoding-type") ? { EncodingType: "url" } : {}),
    KeyCount: listing.items.length,
    IsTruncated: listing.truncated,
    ...(token !== undefined ? { ContinuationToken: token } : {}),
    ...(listing.truncated
      ? { NextContinuationToken: Buffer.from(lastKey(listing), "utf8").toString("base64url") }
      : {}),
    ...(startAfter ? { StartAfter: encode(startAfter) } : {}),
    Contents,
    CommonPrefixes,
  });
}

export async function listObjectsV1(ctx: OpContext) {
  const { repository } = await bucketOf(ctx);
  const prefix = queryParam(ctx.view, "prefix") ?? "";
  const delimiter = queryParam(ctx.view, "delimiter") ?? "";
  const marker = queryParam(ctx.view, "marker") ?? "";
  const maxKeys = maxKeysOf(ctx);
  const encode = encoderOf(ctx);
  const listing = await list(ctx, {
    repo: repository.id,
    prefix,
    delimiter,
    after: marker,
    maxKeys,
  });
  const { Contents, CommonPrefixes } = contents(ctx, listing, encode, true);
  return sendXml(ctx.reply, "ListBucketResult", {
    Name: repository.id,
    Prefix: encode(prefix),
    Marker: encode(marker),
    ...(listing.truncated ? { NextMarker: encode(lastKey(listing)) } : {}),
    MaxKeys: maxKeys,
    ...(delimiter ? { Delimiter: encode(delimiter) } : {}),
    ...(queryParam(ctx.view, "encoding-type") ? { EncodingType: "url" } : {}),
    IsTruncated: listing.truncated,
    Contents,
    CommonPrefixes,
  });
}
