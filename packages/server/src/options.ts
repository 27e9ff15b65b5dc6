/** Options and handle of an embedded lakeFS-compatible server. */

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface ServerOptions {
  /** Directory holding the metadata database and object bytes. Created if missing. */
  dataDir: string;
  /** TCP port; default 8000; 0 picks a free port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Use lakeFS's well-known quickstart key pair as the admin credentials. */
  quickstart?: boolean;
  /** Admin credentials to install on first start (ignored when the data dir already has users). */
  credentials?: Credentials;
  /** Offer presigned URLs (off by default, like lakeFS on local storage). */
  presign?: boolean;
  /** Absolute directories that `local://` imports may read from; none means import is refused (403). */
  importRoots?: string[];
  /** Domain whose subdomains are virtual-host S3 buckets (default `s3.local.lakefs.io`). */
  s3Domain?: string;
  /** Region the S3 gateway reports (GetBucketLocation); default `us-east-1`. */
  s3Region?: string;
  /** Log requests to stderr. */
  logger?: boolean;
  /** Close a connection after this many ms without any bytes from the client (default 120 s). */
  idleTimeoutMs?: number;
  /**
   * Action hooks may read only environment variables with this prefix through
   * `{{ ENV.NAME }}` (default `LAKEFSACTION_`, like lakeFS).
   */
  actionsEnvPrefix?: string;
  /**
   * Lua hooks may `require("net/http")` and send HTTP requests from the server (lakeFS's
   * `actions.lua.net_http_enabled`); default false.
   */
  actionsLuaNetHttp?: boolean;
}

export interface RunningServer {
  /** http://host:port */
  readonly url: string;
  /** url + "/api/v1" */
  readonly endpoint: string;
  /**
   * The admin credentials: generated on first start unless given or quickstart. Undefined when
   * the data directory was set up earlier and none were given (only a hash of the secret is kept).
   */
  readonly credentials: Credentials | undefined;
  /** True when this start created the admin user (a fresh data directory). */
  readonly firstStart: boolean;
  readonly dataDir: string;
  /** Stops accepting requests, waits for in-flight ones, closes the database. */
  close(): Promise<void>;
}

/** lakeFS's well-known quickstart key pair (`lakefs run --quickstart`). */
export const QUICKSTART_CREDENTIALS: Credentials = {
  accessKeyId: "AKIAIOSFOLQUICKSTART",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
