/**
 * The lakeFS REST contract as a list of operations, for sweeps over every route. Reads
 * LAKEFS_TS_SWAGGER or `test/support/lakefs-api.json` (swagger.yml without its prose, from
 * `npm run gen:api`; tests only, nothing at runtime reads it).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const SWAGGER_PATH =
  process.env.LAKEFS_TS_SWAGGER ?? join(repoRoot, "test", "support", "lakefs-api.json");

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema fragments of any shape
export type Schema = any;

export interface Parameter {
  readonly name: string;
  readonly in: "path" | "query" | "header" | "cookie";
  readonly required: boolean;
  readonly schema: Schema;
}

export interface Operation {
  readonly operationId: string;
  readonly method: string;
  /** Template relative to /api/v1, e.g. `/repositories/{repository}`. */
  readonly path: string;
  /** `security: []`: callable without credentials. */
  readonly public: boolean;
  readonly parameters: readonly Parameter[];
  /** JSON request body schema ($refs resolved lazily with `resolve`), if any. */
  readonly jsonBody: Schema | undefined;
  /** True when the operation takes a non-JSON body (uploads). */
  readonly binaryBody: boolean;
}

export interface Spec {
  readonly operations: readonly Operation[];
  /** Follows a `$ref` (one level); other schemas are returned as they are. */
  resolve(schema: Schema): Schema;
}

const METHODS = ["get", "put", "post", "delete", "head", "patch"] as const;

export function loadSpec(path = SWAGGER_PATH): Spec {
  const doc = parse(readFileSync(path, "utf8"));
  const resolve = (schema: Schema): Schema => {
    if (schema && typeof schema.$ref === "string") {
      let node: Schema = doc;
      for (const part of schema.$ref.replace(/^#\//, "").split("/")) node = node[part];
      return resolve(node);
    }
    return schema;
  };
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries<Schema>(doc.paths)) {
    const shared: Schema[] = (item.parameters ?? []).map(resolve);
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params: Schema[] = [...shared, ...(op.parameters ?? []).map(resolve)];
      const content = op.requestBody ? (resolve(op.requestBody).content ?? {}) : {};
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path: template,
        public: Array.isArray(op.security) && op.security.length === 0,
        parameters: params.map((p) => ({
          name: p.name,
          in: p.in,
          required: p.required === true,
          schema: resolve(p.schema ?? { type: "string" }),
        })),
        jsonBody: content["application/json"]?.schema,
        binaryBody: Object.keys(content).some((t) => t !== "application/json"),
      });
    }
  }
  return { operations, resolve };
}

/** The path with each `{name}` replaced by `value(name)` (percent-encoded). */
export function fillPath(template: string, value: (name: string) => string): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    // Lone surrogates cannot be sent; their UTF-8 replacement character can.
    encodeURIComponent(Buffer.from(value(name)).toString()),
  );
}
