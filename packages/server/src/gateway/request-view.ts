/**
 * The parts of an HTTP request that S3 signatures cover, taken from the request as it arrived
 * (before any URL rewriting), plus the encodings S3 signing uses.
 */
import type { IncomingHttpHeaders } from "node:http";
import { S3Error } from "./errors.js";

export interface RequestView {
  readonly method: string;
  /** The path exactly as sent (percent-encoded), without the query. */
  readonly rawPath: string;
  /** The query string as sent, without `?` ("" when none). */
  readonly rawQuery: string;
  /** Decoded query parameters in order (a name without `=` has value ""). */
  readonly query: readonly (readonly [string, string])[];
  readonly headers: IncomingHttpHeaders;
  /** Node's `rawHeaders`: alternating names and values, as received. */
  readonly rawHeaders: readonly string[];
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new S3Error("InvalidURI", "Couldn't parse the specified URI.");
  }
}

/** Splits a request URL into the view signatures need (malformed escapes → InvalidURI). */
export function requestView(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  rawHeaders: readonly string[],
): RequestView {
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? "" : url.slice(q + 1);
  const query: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    query.push(
      eq < 0 ? [decode(part), ""] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))],
    );
  }
  return { method, rawPath, rawQuery, query, headers, rawHeaders };
}

/** The first value of a query parameter, or undefined. */
export function queryParam(view: RequestView, name: string): string | undefined {
  return view.query.find(([key]) => key === name)?.[1];
}

/** True when the query names the parameter (with or without a value). */
export function hasQueryParam(view: RequestView, name: string): boolean {
  return view.query.some(([key]) => key === name);
}

/** One header's value (several occurrences joined by ","), or undefined. */
export function headerValue(view: RequestView, name: string): string | undefined {
  const value = view.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** The path, decoded (malformed escapes → InvalidURI). */
export function decodedPath(view: RequestView): string {
  return decode(view.rawPath);
}

/** S3's URI encoding: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded (UTF-8). */
export function uriEncode(text: string, keepSlash = false): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    throw new S3Error("InvalidURI", "Couldn't parse the specified URI.");
  }
  encoded = encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replaceAll("%2F", "/") : encoded;
}
