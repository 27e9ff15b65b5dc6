/** A lakeFS token that renews itself before it expires (shared by the AWS IAM login). */
import type { CredentialsProvider, TokenCredentials } from "../api/http.js";

export interface IssuedToken {
  readonly token: string;
  /** Unix seconds when the server says the token expires, if it says. */
  readonly expiresAt?: number;
}

/** Renew this long before expiry (or half the lifetime for short-lived tokens). */
const RENEW_MARGIN_SECONDS = 300;

/**
 * Wraps a login function into a credentials provider: the token is reused until shortly before
 * it expires (the earlier of the requested lifetime and the server's expiry); concurrent calls
 * share one login.
 */
export function renewingToken(
  login: (signal: AbortSignal | undefined) => Promise<IssuedToken>,
  ttlSeconds: number,
  now: () => number = Date.now,
): CredentialsProvider {
  let current: { credentials: TokenCredentials; renewAt: number } | undefined;
  let pending: Promise<TokenCredentials> | undefined;

  const renew = (signal: AbortSignal | undefined): Promise<TokenCredentials> => {
    pending ??= (async () => {
      try {
        const startedAt = now() / 1000;
        const issued = await login(signal);
        const expiresAt = Math.min(
          startedAt + ttlSeconds,
          issued.expiresAt ?? Number.POSITIVE_INFINITY,
        );
        const margin = Math.min(RENEW_MARGIN_SECONDS, (expiresAt - startedAt) / 2);
        current = { credentials: { token: issued.token }, renewAt: (expiresAt - margin) * 1000 };
        return current.credentials;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };

  return async ({ signal, forceRefresh }) => {
    if (current && !forceRefresh && now() < current.renewAt) return current.credentials;
    return renew(signal);
  };
}
