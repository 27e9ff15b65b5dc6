/**
 * Request validation: the route schemas of lakeFS's operations (generated from its OpenAPI
 * document, `operation`), the overrides routes lay on them, and the validator compiler. Fastify
 * validates before a handler runs, so handlers see well-typed input and bad input is a 400.
 */
import { Ajv } from "ajv";
import type { FastifySchema, FastifySchemaCompiler } from "fastify";
import {
  OPERATION_SCHEMAS,
  type OperationId,
  type OperationRoutes,
} from "./generated/operations.js";

const ajvOptions = { useDefaults: true, allErrors: false, strict: false } as const;
/** Query strings, path parameters and headers are text: "true" and "42" must become typed. */
const coercing = new Ajv({ ...ajvOptions, coerceTypes: "array" });
/** JSON bodies are typed already; `{"force": "yes"}` or `{"n": 1}` for a string is a mistake. */
const exact = new Ajv({ ...ajvOptions, coerceTypes: false });

/**
 * lakeFS parses query booleans with Go's strconv.ParseBool, and the official Python SDK sends
 * `True`/`False`; ajv coerces only `true`/`false`, so the other spellings are mapped first.
 */
const GO_BOOLEANS = new Map([
  ...["1", "t", "T", "TRUE", "True"].map((s) => [s, "true"] as const),
  ...["0", "f", "F", "FALSE", "False"].map((s) => [s, "false"] as const),
]);

function goBooleans(schema: { properties?: Record<string, { type?: unknown }> }) {
  const names = Object.entries(schema.properties ?? {})
    .filter(([, p]) => p.type === "boolean")
    .map(([name]) => name);
  return (data: unknown) => {
    if (typeof data !== "object" || data === null) return;
    const values = data as Record<string, unknown>;
    for (const name of names) {
      const spelled = GO_BOOLEANS.get(values[name] as string);
      if (spelled) values[name] = spelled;
    }
  };
}

/** Body schemas of operations whose request body the spec makes optional. */
const optionalBodies = new WeakSet<object>();

/** True for a body schema the operation lets clients leave out. */
export const isOptionalBody = (schema: unknown): boolean =>
  typeof schema === "object" && schema !== null && optionalBodies.has(schema);

/** Compiles route schemas: coercing for URL parts and headers, exact for bodies. */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  if (httpPart === "body") {
    const validate = exact.compile(schema);
    if (!optionalBodies.has(schema)) return validate as ReturnType<FastifySchemaCompiler<object>>;
    // As lakeFS's validator: no body at all (fastify: null) is fine, a body sent must match.
    const optional = (data: unknown) => {
      const ok = data === undefined || data === null || validate(data);
      optional.errors = ok ? null : validate.errors;
      return ok;
    };
    optional.errors = validate.errors;
    return optional as unknown as ReturnType<FastifySchemaCompiler<object>>;
  }
  const validate = coercing.compile(schema);
  const normalise = goBooleans(schema as Parameters<typeof goBooleans>[0]);
  // Fastify reads `.errors` off the function it is given after a failed validation.
  const wrapped = (data: unknown) => {
    normalise(data);
    const ok = validate(data);
    wrapped.errors = validate.errors;
    return ok;
  };
  wrapped.errors = validate.errors;
  return wrapped as unknown as ReturnType<FastifySchemaCompiler<object>>;
};

/** Override building block: a string that must not be empty. */
export const nonEmptyStr = { type: "string", minLength: 1 } as const;

/** A required `path` query parameter (object path: non-empty). */
export const pathQuery = { path: nonEmptyStr } as const;

/**
 * Override: the named string properties must not be empty. Ids, refs and paths that are "" are
 * refused at the boundary (400) before any handler work; the spec has no minLength for them.
 */
export function nonEmpty(...names: string[]): Record<string, object> {
  return Object.fromEntries(names.map((name) => [name, nonEmptyStr]));
}

/**
 * Override for the routes that take an object path in `?path=`: an empty path is refused at the
 * boundary (400) before any handler work; the spec only says the parameter is required.
 */
export const nonEmptyPath = { querystring: pathQuery } as const;

/** The request types (`Params`, `Querystring`, `Body`) of a lakeFS operation, after validation. */
export type Route<Id extends OperationId> = OperationRoutes[Id];

type RequestPart = "params" | "querystring" | "body";

/** Per request part and property: keywords laid over the spec's (see `operation`). */
export type SchemaOverrides = {
  readonly [Part in RequestPart]?: Readonly<Record<string, object>>;
};

/**
 * The fastify `schema` of lakeFS operation `id`, generated from its OpenAPI document
 * (generated/operations.ts). `overrides` add or replace keywords of single properties where
 * this server validates more narrowly than the spec (docs/compatibility.md); they may only narrow
 * what the spec accepts (handler types come from the spec), and each says why at its use.
 */
export function operation(id: OperationId, overrides: SchemaOverrides = {}): FastifySchema {
  const { optionalBody, ...parts } = OPERATION_SCHEMAS[id];
  const schema: Partial<Record<RequestPart, object>> = { ...parts };
  for (const [part, properties] of Object.entries(overrides) as [RequestPart, object][]) {
    const base = schema[part] as { properties?: Record<string, object> } | undefined;
    for (const name of Object.keys(properties)) {
      if (!base?.properties?.[name]) throw new Error(`${id}: the spec has no ${part} "${name}"`);
    }
    const merged = Object.entries(properties).map(([name, keywords]) => [
      name,
      { ...base?.properties?.[name], ...keywords },
    ]);
    schema[part] = { ...base, properties: { ...base?.properties, ...Object.fromEntries(merged) } };
  }
  if (optionalBody && schema.body) {
    // Its own object: generated schemas are shared between operations that require the body.
    schema.body = { ...schema.body };
    optionalBodies.add(schema.body);
  }
  return schema;
}
