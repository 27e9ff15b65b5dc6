/** lakeFS REST wire types (generated from the OpenAPI spec) and the thin HTTP layer. */
export type { components, operations, paths } from "./schema.js";

import type { components } from "./schema.js";

/** A lakeFS wire schema by name, e.g. `Schema<"Commit">`. */
export type Schema<N extends keyof components["schemas"]> = components["schemas"][N];

/** The HTTP layer underneath. */
export {
  type CallOptions,
  HttpClient,
  type HttpClientOptions,
  normalizeEndpoint,
  path,
  type RequestSpec,
} from "./http.js";
/** The typed low-level client (`client.api`): every operation, bound to `paths`. */
export { type ApiCallOptions, createLakeFSApi, type LakeFSApi } from "./typed.js";
