/** `Client`: one lakeFS server and how to reach it; the default client used when none is given. */
import {
  type CallOptions,
  type Credentials,
  HttpClient,
  type HttpClientOptions,
} from "./api/http.js";
import { answer, createLakeFSApi, type LakeFSApi } from "./api/typed.js";
import { type AwsRoleOptions, awsRoleCredentialsProvider } from "./auth/aws-role.js";
import { resolveConfig, resolveEndpoint } from "./config.js";
import { NotFoundError } from "./errors.js";
import {
  type ServerConfiguration,
  type ServerStorageConfiguration,
  toServerConfiguration,
} from "./models.js";

/** Everything optional: what is not given comes from `LAKECTL_*` variables or the lakectl file. */
export interface ClientOptions extends Omit<Partial<HttpClientOptions>, "credentials"> {
  /** A key pair (`{ accessKeyId, secretAccessKey }`), a token (`{ token }`) or a provider. */
  readonly credentials?: Credentials;
}

/**
 * What the login factories (`fromWebIdentity`, `fromAwsRole`) take besides the client's options:
 * `signal` aborts the login; `timeout`, the new client's default, also bounds the login.
 */
export interface LoginOptions {
  readonly signal?: AbortSignal;
}

export interface WebIdentityOptions extends ClientOptions, LoginOptions {
  readonly code: string;
  readonly state: string;
  readonly redirectUri: string;
  /** Lifetime requested for the lakeFS token; default 3600. */
  readonly ttlSeconds?: number;
}

export interface AwsRoleClientOptions
  extends Omit<ClientOptions, "credentials">,
    AwsRoleOptions,
    LoginOptions {}

/** A connection to one lakeFS server. Cheap to create; nothing is sent until a call is made. */
export class Client {
  private httpClient: HttpClient | undefined;
  private apiClient: LakeFSApi | undefined;
  private serverConfig: Promise<ServerConfiguration> | undefined;

  constructor(private readonly options: ClientOptions = {}) {}

  /**
   * The HTTP layer for this server. The endpoint and credentials are resolved on first access;
   * throws `ConfigurationError` naming what to set when they are missing (and tries again on the
   * next access).
   */
  get http(): HttpClient {
    if (this.httpClient) return this.httpClient;
    const { endpoint, auth } = resolveConfig({
      endpoint: this.options.endpoint,
      credentials: this.options.credentials,
    });
    const base = { ...this.options, endpoint };
    const credentials =
      auth.kind === "credentials"
        ? auth.credentials
        : awsRoleCredentialsProvider(new HttpClient(base), auth.awsIam);
    this.httpClient = new HttpClient({ ...base, credentials });
    return this.httpClient;
  }

  /**
   * The typed low-level client: every lakeFS operation, for what the resource classes do not
   * wrap (like the Python SDK's `client.sdk_client`). Paths, parameters, bodies and responses are
   * checked against lakeFS's OpenAPI types; calls share this client's authentication, retries,
   * timeouts and typed errors, so a call that returns has succeeded:
   *
   * ```ts
   * const { data } = await client.api.GET("/repositories/{repository}/branches/{branch}", {
   *   params: { path: { repository: "repo", branch: "main" } },
   *   signal,
   * });
   * ```
   */
  get api(): LakeFSApi {
    this.apiClient ??= createLakeFSApi(this.http);
    return this.apiClient;
  }

  /** The server's version and storage settings (fetched once per client, `GET /config`). */
  config(call: CallOptions = {}): Promise<ServerConfiguration> {
    this.serverConfig ??= answer(
      this.api.GET("/config", { signal: call.signal, timeout: call.timeout }),
    ).then(toServerConfiguration);
    // A failed fetch (e.g. cancelled) must not poison later calls.
    this.serverConfig.catch(() => {
      this.serverConfig = undefined;
    });
    return this.serverConfig;
  }

  /** The server version, "" when it does not report one. */
  async version(call: CallOptions = {}): Promise<string> {
    return (await this.config(call)).version;
  }

  /** A storage's settings: the default storage, or the one with `storageId`. */
  async storageConfig(
    options: CallOptions & { storageId?: string } = {},
  ): Promise<ServerStorageConfiguration> {
    const { storages } = await this.config(options);
    const found =
      options.storageId === undefined
        ? storages[0]
        : storages.find((s) => s.blockstoreId === options.storageId);
    if (!found) {
      throw new NotFoundError({
        status: 404,
        message: `storage ${options.storageId ?? "(default)"} not found in server configuration`,
      });
    }
    return found;
  }

  /**
   * Logs in with an OIDC web-identity code (`POST /sts/login`) and returns a client using the
   * resulting token. The token cannot be renewed: log in again when it expires.
   */
  static async fromWebIdentity(options: WebIdentityOptions): Promise<Client> {
    const { code, state, redirectUri, ttlSeconds = 3600, signal, ...clientOptions } = options;
    const endpoint = resolveEndpoint(clientOptions.endpoint);
    const loginHttp = new HttpClient({ ...clientOptions, endpoint, credentials: undefined });
    const token = await answer(
      createLakeFSApi(loginHttp).POST("/sts/login", {
        body: { code, state, redirect_uri: redirectUri, ttl_seconds: ttlSeconds },
        signal,
      }),
    );
    return new Client({ ...clientOptions, endpoint, credentials: { token: token.token } });
  }

  /**
   * Logs in with an AWS IAM identity (`POST /auth/external/principal/login` with a presigned STS
   * GetCallerIdentity) and returns a client whose token is renewed before it expires.
   * Logs in once right away so bad credentials fail here.
   */
  static async fromAwsRole(options: AwsRoleClientOptions = {}): Promise<Client> {
    const {
      signal,
      awsCredentials,
      stsEndpoint,
      region,
      tokenTtlSeconds,
      presignedUrlTtlSeconds,
      tokenRequestHeaders,
      ...clientOptions
    } = options;
    const endpoint = resolveEndpoint(clientOptions.endpoint);
    const provider = awsRoleCredentialsProvider(new HttpClient({ ...clientOptions, endpoint }), {
      awsCredentials,
      stsEndpoint,
      region,
      tokenTtlSeconds,
      presignedUrlTtlSeconds,
      tokenRequestHeaders,
    });
    await provider({ signal, forceRefresh: false });
    return new Client({ ...clientOptions, endpoint, credentials: provider });
  }
}

let defaultClientInstance: Client | undefined;

/** The process-wide client used by handles created without `{ client }` (configured from env/file). */
export function defaultClient(): Client {
  defaultClientInstance ??= new Client();
  return defaultClientInstance;
}

/** Replaces the process-wide default client (undefined: build a fresh one on next use). */
export function setDefaultClient(client: Client | undefined): void {
  defaultClientInstance = client;
}
