#!/usr/bin/env node
// Generates packages/server/src/http/generated/operations.ts from the vendored lakeFS OpenAPI
// document (test/support/lakefs-api.json, itself written by gen-api.mjs): for every operationId,
// the JSON schemas fastify validates path parameters, query string and JSON body with (types,
// enums, defaults, required fields, bounds and integer ranges; no prose, no formats) and the
// TypeScript shapes a handler sees after validation (a property with a default is always present).
// Usage: npm run gen:routes        (packages/server/test/route-schemas.test.ts fails when stale)
import { readFileSync, writeFileSync } from "node:fs";

const root = new URL("..", import.meta.url);
export const SPEC_FILE = new URL("test/support/lakefs-api.json", root);
export const OUTPUT_FILE = new URL("packages/server/src/http/generated/operations.ts", root);

const METHODS = ["get", "put", "post", "delete", "patch", "head"];
/**
 * The validation keywords carried over. `format` is left out on purpose: lakeFS's handlers, not
 * its request validator, judge dates and the like, with their own messages.
 */
const KEYWORDS = [
  "type",
  "enum",
  "default",
  "nullable",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
];

/** Follows a local `$ref` (`#/components/...`). */
function resolve(spec, node) {
  if (!node?.$ref) return node;
  const target = node.$ref
    .replace(/^#\//, "")
    .split("/")
    .reduce((at, key) => at?.[key], spec);
  if (target === undefined) throw new Error(`unresolved ${node.$ref}`);
  return resolve(spec, target);
}

/**
 * The range of a Go integer of the schema's format (lakeFS decodes `int32` into int32 and every
 * other integer into int64), unless the schema bounds it more tightly itself. Without it a value
 * such as 1e308 passes as "integer" and fails deep inside a handler.
 */
function integerBounds(node) {
  const [min, max] = node.format === "int32" ? [-(2 ** 31), 2 ** 31 - 1] : [-(2 ** 63), 2 ** 63];
  const bounds = {};
  if (node.minimum === undefined) bounds.minimum = min;
  if (node.maximum === undefined) {
    // 2^63 itself is not an int64; 2^31 - 1 is exact, so int32 keeps an inclusive bound.
    if (node.format === "int32") bounds.maximum = max;
    else bounds.exclusiveMaximum = max;
  }
  return bounds;
}

/** An OpenAPI schema as a self-contained JSON schema (refs inlined, prose and formats dropped). */
function jsonSchema(spec, node, seen = []) {
  if (node.$ref) {
    if (seen.includes(node.$ref)) throw new Error(`recursive schema ${node.$ref}`);
    return jsonSchema(spec, resolve(spec, node), [...seen, node.$ref]);
  }
  const out = {};
  for (const key of KEYWORDS) if (node[key] !== undefined) out[key] = node[key];
  if (node.type === "integer") Object.assign(out, integerBounds(node));
  if (node.properties) {
    out.properties = {};
    for (const [name, prop] of Object.entries(node.properties)) {
      out.properties[name] = jsonSchema(spec, prop, seen);
    }
  }
  if (node.required?.length) out.required = node.required;
  if (node.items) out.items = jsonSchema(spec, node.items, seen);
  if (typeof node.additionalProperties === "object") {
    out.additionalProperties = jsonSchema(spec, node.additionalProperties, seen);
  } else if (node.additionalProperties !== undefined) {
    out.additionalProperties = node.additionalProperties;
  }
  if (node.allOf) out.allOf = node.allOf.map((n) => jsonSchema(spec, n, seen));
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

/** The TypeScript type of values that passed `schema` (with ajv's defaults filled in). */
function tsType(schema, indent = "") {
  let type;
  if (schema.enum) type = schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  else if (schema.allOf) type = schema.allOf.map((s) => tsType(s, indent)).join(" & ");
  else if (schema.type === "string") type = "string";
  else if (schema.type === "integer" || schema.type === "number") type = "number";
  else if (schema.type === "boolean") type = "boolean";
  else if (schema.type === "array") {
    const item = tsType(schema.items ?? {}, indent);
    type = /^[\w.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
  } else if (schema.type === "object" || schema.properties) type = objectType(schema, indent);
  else type = "unknown";
  return schema.nullable ? `${type} | null` : type;
}

function objectType(schema, indent) {
  const inner = `${indent}  `;
  const lines = [];
  const required = new Set(schema.required ?? []);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const present = required.has(name) || prop.default !== undefined;
    lines.push(`${inner}${key(name)}${present ? "" : "?"}: ${tsType(prop, inner)};`);
  }
  const extra = schema.additionalProperties;
  if (typeof extra === "object") lines.push(`${inner}[key: string]: ${tsType(extra, inner)};`);
  else if (lines.length === 0) return "Record<string, unknown>";
  return `{\n${lines.join("\n")}\n${indent}}`;
}

/** One object schema over the given parameters (`required` only when some are). */
function parametersSchema(spec, parameters) {
  const schema = { type: "object", properties: {} };
  const required = [];
  for (const p of parameters) {
    schema.properties[p.name] = jsonSchema(spec, p.schema ?? {});
    if (p.required || p.in === "path") required.push(p.name);
  }
  if (required.length) schema.required = required;
  return schema;
}

/** Every operation: its id and the schemas of its request parts, in document order. */
export function operations(spec) {
  const out = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      // An operation's parameters override the path's of the same name and location.
      const byPlace = new Map();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const param = resolve(spec, p);
        byPlace.set(`${param.in}:${param.name}`, param);
      }
      const params = [...byPlace.values()];
      const parts = {};
      const pathParams = params.filter((p) => p.in === "path");
      const queryParams = params.filter((p) => p.in === "query");
      if (pathParams.length) parts.params = parametersSchema(spec, pathParams);
      if (queryParams.length) parts.querystring = parametersSchema(spec, queryParams);
      const requestBody = resolve(spec, op.requestBody);
      const json = requestBody?.content?.["application/json"]?.schema;
      if (json) parts.body = jsonSchema(spec, json);
      const optionalBody = json !== undefined && requestBody.required !== true;
      out.push({ id: op.operationId, method: method.toUpperCase(), path, parts, optionalBody });
    }
  }
  return out;
}

/** JSON with every value that fits in `width` characters on one line. */
function compactJson(value, indent = "", width = 90) {
  const flat = JSON.stringify(value);
  if (flat.length + indent.length <= width || value === null || typeof value !== "object") {
    return flat;
  }
  const inner = `${indent}  `;
  const items = Array.isArray(value)
    ? value.map((v) => inner + compactJson(v, inner, width))
    : Object.entries(value).map(([k, v]) => `${inner}${key(k)}: ${compactJson(v, inner, width)}`);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return `${open}\n${items.join(",\n")},\n${indent}${close}`;
}

const PART_TYPES = { params: "Params", querystring: "Querystring", body: "Body" };

/** The generated module's text. */
export function routeSchemasModule(spec) {
  const ops = operations(spec);
  // A part schema several operations share is one object, so ajv (whose cache is keyed by the
  // schema object) compiles it once for all their routes.
  const uses = new Map();
  for (const { parts } of ops) {
    for (const schema of Object.values(parts)) {
      const text = JSON.stringify(schema);
      uses.set(text, (uses.get(text) ?? 0) + 1);
    }
  }
  const shared = new Map();
  for (const [text, count] of uses) if (count > 1) shared.set(text, `SHARED_${shared.size}`);
  const constants = [...shared].map(
    ([text, name]) => `const ${name} = ${compactJson(JSON.parse(text))};`,
  );
  const schemas = ops.map(({ id, method, path, parts, optionalBody }) => {
    const lines = Object.entries(parts).map(([part, schema]) => {
      const text = JSON.stringify(schema);
      return `    ${part}: ${shared.get(text) ?? compactJson(schema, "    ")},`;
    });
    if (optionalBody) lines.push("    optionalBody: true,");
    return `  /** ${method} ${path} */\n  ${key(id)}: {\n${lines.join("\n")}\n  },`;
  });
  const types = ops.map(({ id, parts, optionalBody }) => {
    const lines = Object.entries(parts).map(([part, schema]) => {
      // fastify leaves a request without a body as null.
      const absent = part === "body" && optionalBody ? " | null" : "";
      return `    ${PART_TYPES[part]}: ${tsType(schema, "    ")}${absent};`;
    });
    return `  ${key(id)}: {\n${lines.join("\n")}\n  };`;
  });
  return `// Generated by scripts/gen-route-schemas.mjs from test/support/lakefs-api.json (the vendored
// lakeFS OpenAPI document). Do not edit: run \`npm run gen:routes\`.

/**
 * The request parts of one operation as JSON schemas, for fastify's \`schema\` route option;
 * \`optionalBody\` when the operation may be called without a body.
 */
export interface OperationSchema {
  readonly params?: object;
  readonly querystring?: object;
  readonly body?: object;
  readonly optionalBody?: true;
}

/** Per lakeFS operationId: what a handler receives once its request passed validation. */
export interface OperationRoutes {
${types.join("\n")}
}

export type OperationId = keyof OperationRoutes;

${constants.join("\n")}

/** Per lakeFS operationId: the JSON schemas of its path parameters, query string and JSON body. */
export const OPERATION_SCHEMAS: { readonly [Id in OperationId]: OperationSchema } = {
${schemas.join("\n")}
};
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const spec = JSON.parse(readFileSync(SPEC_FILE, "utf8"));
  writeFileSync(OUTPUT_FILE, routeSchemasModule(spec));
  console.log(`wrote ${OUTPUT_FILE.pathname.slice(root.pathname.length)}`);
}
