/**
 * lakeFS login with an AWS IAM identity: a SigV4-presigned STS GetCallerIdentity request (signed
 * here, never sent by us) is handed to `POST /auth/external/principal/login`, which lets lakeFS
 * verify who we are with AWS and return a lakeFS token.
 */
import { AwsV4Signer } from "aws4fetch";
import type { CallOptions, CredentialsProvider, HttpClient } from "../api/http.js";
import type { Schema } from "../api/index.js";
import { type Environment, processEnv } from "../config.js";
import { ConfigurationError } from "../errors.js";
import { renewingToken } from "./token.js";

/** AWS credentials, shaped like the AWS SDK's `AwsCredentialIdentity`. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Static AWS credentials or a provider such as `fromNodeProviderChain()` from the AWS SDK. */
export type AwsCredentialsSource = AwsCredentials | (() => Promise<AwsCredentials>);

export interface AwsRoleOptions {
  /** Default: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`. */
  readonly awsCredentials?: AwsCredentialsSource;
  /** STS endpoint; default regional for `AWS_REGION`, else `https://sts.amazonaws.com`. */
  readonly stsEndpoint?: string;
  /** Signing region; default derived from the STS endpoint host (else us-east-1). */
  readonly region?: string;
  /** Lifetime requested for the lakeFS token; default 3600. */
  readonly tokenTtlSeconds?: number;
  /** Lifetime of the presigned STS request; default 60. */
  readonly presignedUrlTtlSeconds?: number;
  /** Headers signed into the STS request; default `X-LakeFS-Server-ID: <lakeFS host>`. */
  readonly tokenRequestHeaders?: Readonly<Record<string, string>>;
}

const DEFAULT_REGION = "us-east-1";

/** The region in an STS host: `sts.<region>.amazonaws.com` and longer forms; else us-east-1. */
export function regionFromStsHost(host: string): string {
  const parts = host.split(".");
  if (parts.length === 4) return parts[1] ?? DEFAULT_REGION;
  if (parts.length > 4) return parts[2] ?? DEFAULT_REGION;
  return DEFAULT_REGION;
}

export interface IdentityTokenInput {
  readonly credentials: AwsCredentials;
  readonly stsEndpoint: string;
  readonly region: string;
  readonly presignedUrlTtlSeconds: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Signing time; default now. */
  readonly date?: Date;
}

/** Presigns GetCallerIdentity and packs its parts into the base64 JSON lakeFS expects. */
export async function buildIdentityToken(input: IdentityTokenInput): Promise<string> {
  const url = new URL(input.stsEndpoint);
  url.search = "";
  url.searchParams.set("Action", "GetCallerIdentity");
  url.searchParams.set("Version", "2011-06-15");
  url.searchParams.set("X-Amz-Expires", String(Math.round(input.presignedUrlTtlSeconds)));
  const signer = new AwsV4Signer({
    method: "POST",
    url: url.toString(),
    headers: input.headers as Record<string, string>,
    accessKeyId: input.credentials.accessKeyId,
    secretAccessKey: input.credentials.secretAccessKey,
    sessionToken: input.credentials.sessionToken,
    service: "sts",
    region: input.region,
    signQuery: true,
    ...(input.date && { datetime: input.date.toISOString().replace(/[:-]|\.\d{3}/g, "") }),
  });
  const signed = (await signer.sign()).url.searchParams;
  const param = (name: string) => signed.get(name) ?? "";
  const identity = {
    method: "POST",
    host: url.host,
    region: input.region,
    action: param("Action"),
    date: param("X-Amz-Date"),
    expiration_duration: param("X-Amz-Expires"),
    access_key_id: param("X-Amz-Credential").split("/")[0] ?? "",
    signature: param("X-Amz-Signature"),
    signed_headers: param("X-Amz-SignedHeaders").split(";"),
    version: param("Version"),
    algorithm: param("X-Amz-Algorithm"),
    security_token: signed.get("X-Amz-Security-Token"),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(identity));
  return btoa(String.fromCharCode(...bytes));
}

function awsCredentialsFromEnv(env: Environment): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigurationError(
      "AWS IAM login needs AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass { awsCredentials } (e.g. fromNodeProviderChain() from @aws-sdk/credential-providers)",
    );
  }
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
  };
}

/**
 * A credentials provider that logs in to lakeFS with an AWS identity and renews the lakeFS token
 * before it expires. `loginHttp` is an unauthenticated HttpClient for the same server.
 */
export function awsRoleCredentialsProvider(
  loginHttp: HttpClient,
  options: AwsRoleOptions = {},
  env: Environment = processEnv(),
): CredentialsProvider {
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const stsEndpoint =
    options.stsEndpoint ??
    (region ? `https://sts.${region}.amazonaws.com` : "https://sts.amazonaws.com");
  const signingRegion = options.region ?? regionFromStsHost(new URL(stsEndpoint).hostname);
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  const headers = options.tokenRequestHeaders ?? {
    "X-LakeFS-Server-ID": new URL(loginHttp.endpoint).hostname,
  };
  const source = options.awsCredentials;
  const awsCredentials = async (): Promise<AwsCredentials> =>
    typeof source === "function" ? source() : (source ?? awsCredentialsFromEnv(env));

  return renewingToken(async (signal) => {
    const identityToken = await buildIdentityToken({
      credentials: await awsCredentials(),
      stsEndpoint,
      region: signingRegion,
      presignedUrlTtlSeconds: options.presignedUrlTtlSeconds ?? 60,
      headers,
    });
    const body = {
      token_expiration_duration: tokenTtlSeconds,
      identityRequest: { identity_token: identityToken },
    };
    const call: CallOptions = { signal };
    const token = await loginHttp.request<Schema<"AuthenticationToken">>(
      {
        method: "POST",
        path: "/auth/external/principal/login",
        json: body,
        // A login has no side effect beyond issuing a token.
        idempotent: true,
        expect: "json",
      },
      call,
    );
    return { token: token.token, expiresAt: token.token_expiration };
  }, tokenTtlSeconds);
}
