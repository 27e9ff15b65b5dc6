/**
 * Checks every HTTP exchange a test makes against the lakeFS REST contract
 * (`test/support/lakefs-api.json`, generated from swagger.yml by `npm run gen:api`): the route and method exist, the status is declared for
 * the operation (or covered by `default`), query parameters are declared and well-typed, and JSON
 * request and response bodies validate against their schemas. Mismatches are collected, not
 * thrown, so a test sees the real response; `assertContract()` (run by an `after()` hook in every
 * file that used `contractFetch`) fails the file with one line per violation.
 *
 * Objects in the spec that list `properties` are checked as closed (no undeclared fields), so a
 * misspelt wire field is caught even when it is optional. Known, accepted deviations live in
 * contract-deviations.json, each with a reason.
 */
import { AssertionError } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after } from "node:test";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { parse as parseYaml } from "yaml";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Which part of an exchange broke the contract. */
export type ViolationPart = "route" | "status" | "query" | "request" | "response";

export interface ContractViolation {
  /** The swagger operationId, or `METHOD /path` when no operation matched. */
  readonly operation: string;
  readonly method: string;
  /** The request path below /api/v1. */
  readonly path: string;
  readonly status?: number;
  readonly part: ViolationPart;
  /** JSON pointer into the body, or the parameter/header name. */
  readonly field?: string;
  readonly message: string;
}

/** An accepted difference from swagger.yml; fields left out match anything. */
export interface ContractDeviation {
  readonly operation: string;
  readonly status?: number;
  readonly part?: ViolationPart;
  readonly field?: string;
  /** Why the difference is accepted; required. */
  readonly reason: string;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const defaultSpecPath = join(repoRoot, "test", "support", "lakefs-api.json");
const defaultDeviationsPath = join(repoRoot, "test", "support", "contract-deviations.json");
const apiBase = "/api/v1";
const specId = "lakefs-swagger";
const httpMethods = ["get", "put", "post", "delete", "head", "patch", "options"] as const;

/** One operation of the spec with its path template compiled to a matcher. */
interface Route {
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  readonly literalSegments: number;
  readonly operation: JsonObject;
  readonly parameters: readonly JsonObject[];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The lakeFS spec compiled for checking: routes plus schema validators built on demand. */
export class ContractSpec {
  readonly routes: readonly Route[];
  private readonly ajv: Ajv;
  private readonly components: JsonObject;
  private readonly validators = new Map<Json, ValidateFunction>();

  constructor(spec: JsonObject) {
    this.components = isObject(spec.components) ? spec.components : {};
    this.ajv = new Ajv({ allErrors: true, strict: false });
    // ajv-formats is CommonJS; under NodeNext its default import is the module object.
    const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
    addFormats(this.ajv);
    const schemas = isObject(this.components.schemas) ? this.components.schemas : {};
    const openForComposition = namesUsedInComposition(schemas);
    const converted: JsonObject = {};
    for (const [name, schema] of Object.entries(schemas)) {
      converted[name] = toJsonSchema(schema, openForComposition.has(name));
    }
    this.ajv.addSchema({ $id: specId, components: { schemas: converted } } as object);
    this.routes = compileRoutes(spec, (node) => this.resolve(node));
  }

  /** Reads and compiles the spec (JSON or YAML). */
  static load(path = process.env.LAKEFS_TS_SWAGGER ?? defaultSpecPath): ContractSpec {
    if (!existsSync(path)) {
      throw new Error(
        `contract check: ${path} not found (run npm run gen:api, or set LAKEFS_TS_SWAGGER to the lakeFS swagger.yml)`,
      );
    }
    return new ContractSpec(parseYaml(readFileSync(path, "utf8")) as JsonObject);
  }

  /** Follows a local `$ref` to components/{parameters,responses,requestBodies}. */
  resolve(node: Json | undefined): JsonObject {
    let current = node;
    for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops += 1) {
      if (hops > 10) throw new Error(`contract check: $ref loop at ${current.$ref}`);
      const parts = current.$ref.replace(/^#\/components\//, "").split("/");
      let target: Json | undefined = this.components;
      for (const part of parts) target = isObject(target) ? target[part] : undefined;
      current = target;
    }
    return isObject(current) ? current : {};
  }

  /** Finds the operation for a method and a path below /api/v1, most literal template first. */
  match(method: string, path: string): { route?: Route; pathExists: boolean } {
    const candidates = this.routes.filter((r) => r.pattern.test(path));
    const route = candidates.find((r) => r.method === method.toLowerCase());
    return { route, pathExists: candidates.length > 0 };
  }

  /** Validates a value against an OpenAPI schema; returns `[pointer, message]` pairs. */
  validate(schema: Json, value: unknown): Array<[string, string]> {
    let validator = this.validators.get(schema);
    if (!validator) {
      validator = this.ajv.compile(toJsonSchema(schema, false) as object);
      this.validators.set(schema, validator);
    }
    if (validator(value)) return [];
    return (validator.errors ?? []).map((e) => {
      const extra = e.keyword === "additionalProperties" ? ` (${e.params.additionalProperty})` : "";
      return [e.instancePath || "/", `${e.message ?? e.keyword}${extra}`];
    });
  }
}

/** Component schemas that take part in allOf/anyOf/oneOf must stay open for their siblings. */
function namesUsedInComposition(schemas: JsonObject): Set<string> {
  const names = new Set<string>();
  const visit = (node: Json) => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isObject(node)) return;
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      const members = node[key];
      if (!Array.isArray(members)) continue;
      for (const m of members) {
        if (isObject(m) && typeof m.$ref === "string") names.add(m.$ref.split("/").pop() ?? "");
      }
    }
    Object.values(node).forEach(visit);
  };
  visit(schemas);
  return names;
}

/**
 * Converts an OpenAPI 3.0 schema to JSON Schema for ajv: `nullable` becomes a null type, local
 * refs point into the registered spec, and objects with declared properties become closed.
 */
function toJsonSchema(node: Json, open: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, open));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  const composed = ["allOf", "anyOf", "oneOf"].some((k) => k in node);
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string" && value.startsWith("#/")) {
      out.$ref = `${specId}${value}`;
    } else if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, toJsonSchema(v, false)]),
      );
    } else if (key === "allOf" || key === "anyOf" || key === "oneOf") {
      out[key] = toJsonSchema(value, true);
    } else if (key !== "nullable" && key !== "example" && key !== "discriminator") {
      out[key] = toJsonSchema(value, false);
    }
  }
  if (node.nullable === true) {
    if (typeof node.type === "string") out.type = [node.type, "null"];
    if (Array.isArray(node.enum)) out.enum = [...node.enum, null];
  }
  if (!open && !composed && isObject(node.properties) && node.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function compileRoutes(spec: JsonObject, resolve: (n: Json | undefined) => JsonObject): Route[] {
  const routes: Route[] = [];
  const paths = isObject(spec.paths) ? spec.paths : {};
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters.map(resolve) : [];
    const segments = template.split("/").filter(Boolean);
    const source = segments
      .map((s) => (/^\{.+\}$/.test(s) ? "[^/]+" : s.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
      .join("/");
    for (const method of httpMethods) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const own = Array.isArray(operation.parameters) ? operation.parameters.map(resolve) : [];
      const parameters = [
        ...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)),
        ...own,
      ];
      routes.push({
        method,
        template,
        pattern: new RegExp(`^/${source}/?$`),
        literalSegments: segments.filter((s) => !s.startsWith("{")).length,
        operation,
        parameters,
      });
    }
  }
  return routes.sort((a, b) => b.literalSegments - a.literalSegments);
}

function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function isJson(type: string): boolean {
  return type === "application/json" || type.endsWith("+json");
}

function mediaMatches(declared: string, actual: string): boolean {
  if (declared === "*/*" || declared === actual) return true;
  return declared.endsWith("/*") && actual.startsWith(declared.slice(0, -1));
}

/** Query strings carry text; turn it into the type the parameter's schema expects. */
function coerceQueryValue(schema: JsonObject, raw: string): unknown {
  switch (schema.type) {
    case "integer":
    case "number":
      return raw.trim() === "" ? raw : Number(raw);
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    default:
      return raw;
  }
}

/** A body the checker can read without disturbing the caller: text, bytes or nothing. */
async function readRequestBody(body: BodyInit | null | undefined): Promise<string | undefined> {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  if (body instanceof ArrayBuffer) return new TextDecoder().decode(new Uint8Array(body));
  if (body instanceof URLSearchParams) return body.toString();
  if (typeof Blob !== "undefined" && body instanceof Blob) return await body.text();
  return undefined; // streams and form data are passed on unread
}

/** False for an absent or visibly empty body (streams count as content). */
function hasContent(body: BodyInit | null): boolean {
  if (body === null) return false;
  if (typeof body === "string") return body.length > 0;
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return body.byteLength > 0;
  return true;
}

/** Collects contract violations for the exchanges made through `wrap()`. */
export class ContractChecker {
  readonly violations: ContractViolation[] = [];
  private specCache?: ContractSpec;

  constructor(
    private readonly options: {
      spec?: ContractSpec;
      deviations?: readonly ContractDeviation[];
    } = {},
  ) {}

  private get spec(): ContractSpec {
    this.specCache ??= this.options.spec ?? ContractSpec.load();
    return this.specCache;
  }

  /** A `fetch` that performs the exchange with `inner` and records any violation. */
  wrap(inner: typeof fetch = globalThis.fetch): typeof fetch {
    return async (input, init) => {
      const request = input instanceof Request ? input : undefined;
      const url = new URL(request?.url ?? String(input));
      const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
      const headers = new Headers(init?.headers ?? request?.headers);
      // Only JSON bodies are validated; object bytes are passed on without being read.
      const jsonBody = isJson(mediaType(headers.get("content-type")));
      const requestBody = !jsonBody
        ? undefined
        : init?.body !== undefined
          ? await readRequestBody(init.body)
          : request?.body
            ? await request.clone().text()
            : undefined;
      const response = await inner(input, init);
      const at = url.pathname.indexOf(apiBase);
      if (at < 0) return response; // presigned data URLs are outside the REST contract
      const path = url.pathname.slice(at + apiBase.length) || "/";
      const responseText = isJson(mediaType(response.headers.get("content-type")))
        ? await response.clone().text()
        : undefined;
      this.check({
        method,
        path,
        query: url.searchParams,
        requestHeaders: headers,
        requestBody,
        requestHasBody: init?.body !== undefined ? hasContent(init.body) : request?.body != null,
        response,
        responseText,
      });
      return response;
    };
  }

  /** Checks one exchange; exposed for unit tests of the checker. */
  check(x: {
    method: string;
    path: string;
    query: URLSearchParams;
    requestHeaders: Headers;
    requestBody?: string;
    requestHasBody: boolean;
    response: Response;
    responseText?: string;
  }): void {
    const { route, pathExists } = this.spec.match(x.method, x.path);
    const status = x.response.status;
    if (!route) {
      this.record({
        operation: `${x.method} ${x.path}`,
        method: x.method,
        path: x.path,
        status,
        part: "route",
        message: pathExists ? `method ${x.method} not declared for this path` : "no such path",
      });
      return;
    }
    const operation = String(route.operation.operationId ?? `${x.method} ${route.template}`);
    const report = (part: ViolationPart, message: string, field?: string, withStatus = true) =>
      this.record({
        operation,
        method: x.method,
        path: x.path,
        status: withStatus ? status : undefined,
        part,
        field,
        message,
      });
    this.checkQuery(route, x.query, (msg, field) => report("query", msg, field, false));
    this.checkRequestBody(route, x, (msg, field) => report("request", msg, field, false));
    this.checkResponse(route, x, (part, msg, field) => report(part, msg, field));
  }

  private checkQuery(
    route: Route,
    query: URLSearchParams,
    report: (message: string, field?: string) => void,
  ): void {
    const declared = route.parameters.filter((p) => p.in === "query");
    for (const name of new Set(query.keys())) {
      if (!declared.some((p) => p.name === name)) report("undeclared query parameter", name);
    }
    for (const param of declared) {
      const name = String(param.name);
      const values = query.getAll(name);
      if (values.length === 0) {
        if (param.required === true) report("required query parameter missing", name);
        continue;
      }
      const schema = isObject(param.schema) ? param.schema : {};
      const value =
        schema.type === "array"
          ? values.map((v) => coerceQueryValue(isObject(schema.items) ? schema.items : {}, v))
          : coerceQueryValue(schema, values[values.length - 1] ?? "");
      for (const [, message] of this.spec.validate(schema, value)) {
        report(`${message} (got ${JSON.stringify(values.join(","))})`, name);
      }
    }
  }

  private checkRequestBody(
    route: Route,
    x: { requestHeaders: Headers; requestBody?: string; requestHasBody: boolean },
    report: (message: string, field?: string) => void,
  ): void {
    const declared = route.operation.requestBody
      ? this.spec.resolve(route.operation.requestBody)
      : undefined;
    if (!declared) {
      if (x.requestHasBody) report("operation takes no request body");
      return;
    }
    if (!x.requestHasBody) {
      if (declared.required === true) report("required request body missing");
      return;
    }
    const content = isObject(declared.content) ? declared.content : {};
    const type = mediaType(x.requestHeaders.get("content-type"));
    const media = Object.keys(content).find((m) => mediaMatches(m, type));
    if (!media) {
      report(`content-type ${type || "(none)"} not declared (${Object.keys(content).join(", ")})`);
      return;
    }
    const schema = (content[media] as JsonObject | undefined)?.schema;
    if (!isJson(type) || schema === undefined || x.requestBody === undefined) return;
    let body: unknown;
    try {
      body = JSON.parse(x.requestBody);
    } catch {
      report("body is not valid JSON");
      return;
    }
    for (const [field, message] of this.spec.validate(schema, body)) report(message, field);
  }

  private checkResponse(
    route: Route,
    x: { method: string; response: Response; responseText?: string },
    report: (part: ViolationPart, message: string, field?: string) => void,
  ): void {
    const responses = isObject(route.operation.responses) ? route.operation.responses : {};
    const status = x.response.status;
    const entry = responses[String(status)] ?? responses.default;
    if (entry === undefined) {
      report("status", `status ${status} not declared (${Object.keys(responses).join(", ")})`);
      return;
    }
    const declared = this.spec.resolve(entry);
    const content = isObject(declared.content) ? declared.content : undefined;
    const type = mediaType(x.response.headers.get("content-type"));
    const length = x.response.headers.get("content-length");
    const hasBody =
      x.method !== "HEAD" &&
      status !== 304 &&
      (x.responseText !== undefined ? x.responseText.length > 0 : type !== "" && length !== "0");
    if (!hasBody) {
      if (content && x.method !== "HEAD" && status !== 304 && hasRequiredBody(content)) {
        report("response", "declared response body missing");
      }
      return;
    }
    if (!content) {
      report("response", `undeclared response body (${type || "no content-type"})`);
      return;
    }
    const media = Object.keys(content).find((m) => mediaMatches(m, type));
    if (!media) {
      report("response", `content-type ${type || "(none)"} not declared (${Object.keys(content)})`);
      return;
    }
    const schema = (content[media] as JsonObject | undefined)?.schema;
    if (x.responseText === undefined || schema === undefined) return;
    let body: unknown;
    try {
      body = JSON.parse(x.responseText);
    } catch {
      report("response", "body is not valid JSON");
      return;
    }
    for (const [field, message] of this.spec.validate(schema, body)) {
      report("response", message, field);
    }
  }

  private record(violation: ContractViolation): void {
    const deviations = this.options.deviations ?? [];
    const accepted = deviations.some(
      (d) =>
        d.operation === violation.operation &&
        (d.status === undefined || d.status === violation.status) &&
        (d.part === undefined || d.part === violation.part) &&
        (d.field === undefined || d.field === violation.field),
    );
    if (!accepted) this.violations.push(violation);
  }

  /** Throws an AssertionError listing every violation so far (then forgets them). */
  assertClean(): void {
    if (this.violations.length === 0) return;
    const lines = [...new Set(this.violations.map(formatViolation))];
    this.violations.length = 0;
    throw new AssertionError({
      message: `${lines.length} swagger contract violation(s):\n  ${lines.join("\n  ")}`,
    });
  }
}

/** A body that the schema requires is one whose JSON schema is declared (binary may be empty). */
function hasRequiredBody(content: JsonObject): boolean {
  return Object.keys(content).some(isJson);
}

/** `operation status part field: message`, the line a failing file prints. */
export function formatViolation(v: ContractViolation): string {
  const head = [v.operation, v.status, v.part, v.field].filter((s) => s !== undefined).join(" ");
  return `${head}: ${v.message} [${v.method} ${v.path}]`;
}

/** Reads and validates contract-deviations.json: every entry needs an operation and a reason. */
export function loadDeviations(path = defaultDeviationsPath): ContractDeviation[] {
  const entries: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (!Array.isArray(entries)) throw new Error(`${path}: expected a JSON array`);
  return entries.map((entry, i) => {
    if (!isObject(entry) || typeof entry.operation !== "string") {
      throw new Error(`${path}[${i}]: "operation" is required`);
    }
    if (typeof entry.reason !== "string" || entry.reason.trim() === "") {
      throw new Error(`${path}[${i}] (${entry.operation}): "reason" is required`);
    }
    return entry as unknown as ContractDeviation;
  });
}

let shared: ContractChecker | undefined;

// Registered when the module loads, so it is a hook of the file's root test and runs after
// every test in the file, whichever test first made a client.
after(() => assertContract());

/** Wraps `inner` so every exchange is checked against swagger.yml (see `assertContract`). */
export function contractFetch(inner: typeof fetch = globalThis.fetch): typeof fetch {
  shared ??= new ContractChecker({ deviations: loadDeviations() });
  return shared.wrap(inner);
}

/** Fails with the violations collected by `contractFetch` so far. */
export function assertContract(): void {
  shared?.assertClean();
}
