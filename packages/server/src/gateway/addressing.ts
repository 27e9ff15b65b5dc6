/**
 * lakeFS's S3 addressing: bucket = repository, key = `<ref>/<path>`. Path style
 * (`/<repo>/<ref>/<path>`) and virtual-host style (`Host: <repo>.<domain>`, path `/<ref>/<path>`).
 */
import { S3Error } from "./errors.js";
import { decodedPath, type RequestView } from "./request-view.js";

export interface GatewayOptions {
  /** Virtual-host buckets are subdomains of this (lakeFS's `gateways.s3.domain_name`). */
  readonly domain: string;
  /** What GetBucketLocation answers. */
  readonly region: string;
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  domain: "s3.local.lakefs.io",
  region: "us-east-1",
};

/** What a request addresses: the service (no bucket), a bucket, or an object key in a bucket. */
export interface S3Target {
  readonly bucket?: string | undefined;
  /** Decoded key (`<ref>/<path>`), undefined for service and bucket requests. */
  readonly key?: string | undefined;
  /** True when the bucket came from the Host header. */
  readonly virtualHost: boolean;
}

/** The bucket named by a virtual-host `Host` header, or undefined. */
export function hostBucket(host: string | undefined, domain: string): string | undefined {
  if (!host) return undefined;
  // Strip the port (also after an IPv6 literal's bracket).
  const name = host.replace(/:\d+$/, "").toLowerCase();
  const suffix = `.${domain.toLowerCase()}`;
  if (!name.endsWith(suffix) || name.length === suffix.length) return undefined;
  return name.slice(0, -suffix.length);
}

export function parseTarget(view: RequestView, host: string | undefined, domain: string): S3Target {
  const path = decodedPath(view);
  if (!path.startsWith("/")) throw new S3Error("InvalidURI", "Couldn't parse the specified URI.");
  const fromHost = hostBucket(host, domain);
  if (fromHost !== undefined) {
    const key = path.slice(1);
    return { bucket: fromHost, key: key === "" ? undefined : key, virtualHost: true };
  }
  const rest = path.slice(1);
  if (rest === "") return { virtualHost: false };
  const slash = rest.indexOf("/");
  if (slash < 0) return { bucket: rest, virtualHost: false };
  const key = rest.slice(slash + 1);
  return { bucket: rest.slice(0, slash), key: key === "" ? undefined : key, virtualHost: false };
}

/** Splits a key into its ref and the object path (either may be empty). */
export function splitKey(key: string): { ref: string; path: string } {
  const slash = key.indexOf("/");
  return slash < 0
    ? { ref: key, path: "" }
    : { ref: key.slice(0, slash), path: key.slice(slash + 1) };
}
