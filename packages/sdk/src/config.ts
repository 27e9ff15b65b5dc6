/**
 * Where the endpoint and credentials come from: explicit options, else the `LAKECTL_*`
 * environment variables over the lakectl YAML file, resolved the way lakectl and the Python SDK
 * do. The core never touches the filesystem: the Node entry (`lakefs-ts/node`) registers the
 * file reader, and the environment is read from `globalThis.process?.env` when it exists.
 */
import type { Credentials } from "./api/http.js";
import { ConfigurationError } from "./errors.js";

export type Environment = Readonly<Record<string, string | undefined>>;

/** The lakectl file's parsed YAML, and where it was read from. */
export interface LakectlFile {
  readonly path: string;
  readonly content: unknown;
}

/** Reads the lakectl file (`LAKECTL_CONFIG_FILE` or `~/.lakectl.yaml`); undefined when absent. */
export type LakectlFileReader = (env: Environment) => LakectlFile | undefined;

/** Settings of the `aws_iam` credentials provider (lakectl `credentials.provider.aws_iam`). */
export interface AwsIamProviderConfig {
  /** Lifetime requested for the lakeFS token; default 3600. */
  readonly tokenTtlSeconds: number;
  /** Lifetime of the presigned STS request; default 60. */
  readonly presignedUrlTtlSeconds: number;
  /** Headers to sign into the STS request instead of `X-LakeFS-Server-ID`. */
  readonly tokenRequestHeaders?: Readonly<Record<string, string>>;
}

/** How to authenticate, once resolved. */
export type ResolvedAuth =
  | { readonly kind: "credentials"; readonly credentials: Credentials }
  | { readonly kind: "aws_iam"; readonly awsIam: AwsIamProviderConfig };

export interface ResolvedConfig {
  readonly endpoint: string;
  readonly auth: ResolvedAuth;
}

let fileReader: LakectlFileReader | undefined;

/** Installs the lakectl file reader (done by `lakefs-ts/node`). */
export function registerLakectlFileReader(reader: LakectlFileReader | undefined): void {
  fileReader = reader;
}

/** The process environment when the runtime has one, else an empty one. */
export function processEnv(): Environment {
  const proc = (globalThis as { process?: { env?: Environment } }).process;
  return proc?.env ?? {};
}

const DEFAULT_TOKEN_TTL_SECONDS = 3600;
const DEFAULT_PRESIGNED_URL_TTL_SECONDS = 60;

/** Explicit settings; anything given here wins over the environment and the file. */
export interface ExplicitConfig {
  readonly endpoint?: string;
  /** A key pair, a token, or a provider of either. */
  readonly credentials?: Credentials;
}

/**
 * Resolves endpoint and authentication. Throws `ConfigurationError` naming what to set when
 * either is missing, or when a configured value is invalid.
 */
export function resolveConfig(
  explicit: ExplicitConfig = {},
  env: Environment = processEnv(),
  file: LakectlFile | undefined = fileReader?.(env),
): ResolvedConfig {
  const fromFile = parseFile(file);
  const endpoint = pickEndpoint(explicit.endpoint, env, fromFile, file);
  const auth = explicit.credentials
    ? ({ kind: "credentials", credentials: explicit.credentials } as const)
    : resolveAuth(env, fromFile.auth);
  if (auth === undefined) {
    throw new ConfigurationError(
      `no lakeFS credentials configured: pass { credentials } to new Client(), set LAKECTL_CREDENTIALS_ACCESS_KEY_ID and LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY (or LAKECTL_CREDENTIALS_SESSION_TOKEN), or set credentials.access_key_id and credentials.secret_access_key in ${fileHint(file, env)}`,
    );
  }
  return { endpoint, auth };
}

/** Resolves only the endpoint (for login flows, whose credentials come from the login). */
export function resolveEndpoint(
  explicit: string | undefined,
  env: Environment = processEnv(),
  file: LakectlFile | undefined = fileReader?.(env),
): string {
  return pickEndpoint(explicit, env, parseFile(file), file);
}

function pickEndpoint(
  explicit: string | undefined,
  env: Environment,
  fromFile: FileSettings,
  file: LakectlFile | undefined,
): string {
  const endpoint =
    nonEmpty(explicit) ?? nonEmpty(env.LAKECTL_SERVER_ENDPOINT_URL) ?? fromFile.endpoint;
  if (endpoint === undefined) {
    throw new ConfigurationError(
      `no lakeFS endpoint configured: pass { endpoint } to new Client(), set LAKECTL_SERVER_ENDPOINT_URL, or set server.endpoint_url in ${fileHint(file, env)}`,
    );
  }
  return endpoint;
}

/** Environment over file: session token, then a complete key pair, then the IAM provider. */
function resolveAuth(
  env: Environment,
  fromFile: ResolvedAuth | undefined,
): ResolvedAuth | undefined {
  const token = nonEmpty(env.LAKECTL_CREDENTIALS_SESSION_TOKEN);
  if (token !== undefined) return { kind: "credentials", credentials: { token } };

  const accessKeyId = nonEmpty(env.LAKECTL_CREDENTIALS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.LAKECTL_CREDENTIALS_SECRET_ACCESS_KEY);
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    return { kind: "credentials", credentials: { accessKeyId, secretAccessKey } };
  }
  if (fromFile?.kind === "credentials") return fromFile;

  const envType = nonEmpty(env.LAKECTL_CREDENTIALS_PROVIDER_TYPE);
  if (envType !== undefined) checkProviderType(envType, "LAKECTL_CREDENTIALS_PROVIDER_TYPE");
  const base = fromFile?.awsIam;
  if (envType === undefined && base === undefined) return undefined;
  const headersJson = nonEmpty(env.LAKECTL_CREDENTIALS_PROVIDER_AWS_IAM_TOKEN_REQUEST_HEADERS);
  return {
    kind: "aws_iam",
    awsIam: {
      tokenTtlSeconds:
        parseSeconds(
          env.LAKECTL_CREDENTIALS_PROVIDER_AWS_IAM_TOKEN_TTL_SECONDS,
          "LAKECTL_CREDENTIALS_PROVIDER_AWS_IAM_TOKEN_TTL_SECONDS",
        ) ??
        base?.tokenTtlSeconds ??
        DEFAULT_TOKEN_TTL_SECONDS,
      presignedUrlTtlSeconds:
        parseSeconds(
          env.LAKECTL_CREDENTIALS_PROVIDER_AWS_IAM_PRESIGNED_URL_TTL_SECONDS,
          "LAKECTL_CREDENTIALS_PROVIDER_AWS_IAM_PRESIGNED_URL_TTL_SECONDS",
        ) ??
        base?.presignedUrlTtlSeconds ??
        DEFAULT_PRESIGNED_URL_TTL_SECONDS,
      tokenRequestHeaders:
        headersJson !== undefined
          ? parseHeadersJson(headersJson)
          : (base?.tokenRequestHeaders ?? undefined),
    },
  };
}

interface FileSettings {
  readonly endpoint?: string;
  readonly auth?: ResolvedAuth;
}

/** Interprets the lakectl YAML; keys the SDK has no use for (retries, local, …) are ignored. */
function parseFile(file: LakectlFile | undefined): FileSettings {
  if (file === undefined || file.content === null || file.content === undefined) return {};
  const root = asRecord(file.content, "the top level", file.path);
  const server = asRecord(root.server, "server", file.path);
  const credentials = asRecord(root.credentials, "credentials", file.path);
  const endpoint = optionalString(server.endpoint_url, "server.endpoint_url", file.path);

  const accessKeyId = optionalString(
    credentials.access_key_id,
    "credentials.access_key_id",
    file.path,
  );
  const secretAccessKey = optionalString(
    credentials.secret_access_key,
    "credentials.secret_access_key",
    file.path,
  );
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    return {
      endpoint,
      auth: { kind: "credentials", credentials: { accessKeyId, secretAccessKey } },
    };
  }
  const provider = asRecord(credentials.provider, "credentials.provider", file.path);
  const type = optionalString(provider.type, "credentials.provider.type", file.path);
  if (type === undefined) return { endpoint };
  checkProviderType(type, `credentials.provider.type in ${file.path}`);
  const iam = asRecord(provider.aws_iam, "credentials.provider.aws_iam", file.path);
  const headers = asRecord(
    iam.token_request_headers,
    "credentials.provider.aws_iam.token_request_headers",
    file.path,
  );
  return {
    endpoint,
    auth: {
      kind: "aws_iam",
      awsIam: {
        tokenTtlSeconds:
          parseSeconds(iam.token_ttl_seconds, "credentials.provider.aws_iam.token_ttl_seconds") ??
          DEFAULT_TOKEN_TTL_SECONDS,
        presignedUrlTtlSeconds:
          parseSeconds(
            iam.url_presign_ttl_seconds,
            "credentials.provider.aws_iam.url_presign_ttl_seconds",
          ) ?? DEFAULT_PRESIGNED_URL_TTL_SECONDS,
        tokenRequestHeaders:
          Object.keys(headers).length > 0 ? stringRecord(headers, file.path) : undefined,
      },
    },
  };
}

function checkProviderType(type: string, where: string): void {
  if (type !== "aws_iam") {
    throw new ConfigurationError(
      `unsupported credentials provider type '${type}' (${where}); the only supported type is aws_iam`,
    );
  }
}

/** Seconds as a number, or a Go duration string such as `1h`, `15m`, `90s` (lakectl style). */
export function parseSeconds(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value;
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
    const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
    if (parts.length > 0 && parts.map((p) => p[0]).join("") === trimmed) {
      const total = parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? "s"] ?? 1), 0);
      if (total > 0) return total;
    }
  }
  throw new ConfigurationError(
    `${name} must be a positive number of seconds or a duration like 1h: ${String(value)}`,
  );
}

function parseHeadersJson(json: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ConfigurationError(
      "LAKECTL_CREDENTIALS_PROVIDER_AWS_IAM_TOKEN_REQUEST_HEADERS must be a JSON object of strings",
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigurationError(
      "LAKECTL_CREDENTIALS_PROVIDER_AWS_IAM_TOKEN_REQUEST_HEADERS must be a JSON object of strings",
    );
  }
  return stringRecord(
    parsed as Record<string, unknown>,
    "LAKECTL_CREDENTIALS_PROVIDER_AWS_IAM_TOKEN_REQUEST_HEADERS",
  );
}

function stringRecord(record: Record<string, unknown>, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== "string") {
      throw new ConfigurationError(`token request header ${key} must be a string (${where})`);
    }
    out[key] = value;
  }
  return out;
}

function asRecord(value: unknown, key: string, path: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigurationError(`${key} in ${path} must be a mapping`);
  }
  return value as Record<string, unknown>;
}

function optionalString(value: unknown, key: string, path: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new ConfigurationError(`${key} in ${path} must be a string`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function fileHint(file: LakectlFile | undefined, env: Environment): string {
  if (file) return file.path;
  if (!fileReader) return "~/.lakectl.yaml (read only after importing 'lakefs-ts/node')";
  const configured = nonEmpty(env.LAKECTL_CONFIG_FILE);
  return configured ? `${configured} (LAKECTL_CONFIG_FILE; not found)` : "~/.lakectl.yaml";
}
