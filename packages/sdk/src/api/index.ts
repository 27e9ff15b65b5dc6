/** lakeFS REST wire types (generated from the OpenAPI spec) and the thin HTTP layer. */
export type { components, operations, paths } from "./schema.js";

import type { components } from "./schema.js";

/** A lakeFS wire schema by name, e.g. `Schema<"Commit">`. */
export type Schema<N extends keyof components["schemas"]> = components["schemas"][N];

/** The HTTP layer, for calling endpoints the resource classes do not cover. */
export {
  type CallOptions,
  HttpClient,
  type HttpClientOptions,
  normalizeEndpoint,
  path,
  type RequestSpec,
} from "./http.js";
