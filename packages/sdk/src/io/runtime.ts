/** What the runtime's `fetch` can do, where browsers differ from server runtimes. */

/**
 * True in Node, Bun and Deno; false in browsers. Server runtimes stream request bodies over
 * HTTP/1.1 (browsers need HTTP/2+, if at all) and follow a redirect to another origin without
 * CORS (a browser sends `Origin: null` after one, which storage CORS rules rarely allow).
 */
export function isServerRuntime(): boolean {
  const g = globalThis as { process?: { versions?: { node?: unknown } }; Deno?: unknown };
  return typeof g.process?.versions?.node === "string" || g.Deno !== undefined;
}
