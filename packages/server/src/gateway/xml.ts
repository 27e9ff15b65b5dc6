/**
 * XML in and out of the gateway (fast-xml-parser): S3 response documents, error bodies, and the
 * few request bodies S3 defines (DeleteObjects, CompleteMultipartUpload), read with a size cap.
 */

import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import type { FastifyReply } from "fastify";
import { S3Error } from "./errors.js";

export const S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_" });
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  removeNSPrefix: true,
});

/** An XML document with one root element (namespaced like S3's). */
export function xmlDocument(root: string, body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({
    [root]: { "@_xmlns": S3_NAMESPACE, ...body },
  })}`;
}

/** Sends an XML document with status 200 (or the given one). */
export function sendXml(
  reply: FastifyReply,
  root: string,
  body: Record<string, unknown>,
  status = 200,
): FastifyReply {
  return reply.code(status).type("application/xml").send(xmlDocument(root, body));
}

/** The body of an S3 error answer. */
export function errorDocument(err: S3Error, resource: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({
    Error: { Code: err.code, Message: err.message, Resource: resource, RequestId: requestId },
  })}`;
}

/** Parses a request document; anything not well-formed, or with another root, is MalformedXML. */
export function parseXml(text: string, root: string): Record<string, unknown> {
  const malformed = () =>
    new S3Error(
      "MalformedXML",
      "The XML you provided was not well-formed or did not validate against our published schema",
    );
  if (text.trim() === "" || XMLValidator.validate(text) !== true) throw malformed();
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch {
    throw malformed();
  }
  const value = doc[root];
  if (value === undefined) throw malformed();
  // An empty element parses as "".
  if (value === "") return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed();
  return value as Record<string, unknown>;
}

/** A child that may repeat, as an array (absent → empty). */
export function children(node: Record<string, unknown>, name: string): unknown[] {
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Reads a whole (small) request body as text; larger than `limit` bytes is a 400. */
export async function readSmallBody(source: AsyncIterable<Uint8Array>, limit: number) {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > limit)
      throw new S3Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
