/**
 * The UI's one way to the server: the lakefs-ts SDK (its browser entry) on this page's origin,
 * authenticated by the session cookie that `POST /auth/login` sets.
 */
import {
  Client,
  type Listing,
  type Page,
  path,
  Repository,
  type SessionCookieCredentials,
} from "lakefs-ts";
import type { Schema } from "lakefs-ts/api";

const SESSION: SessionCookieCredentials = { sessionCookie: true };

/** The client every page uses (same origin, cookie session). */
export const client = new Client({
  endpoint: `${location.origin}/api/v1`,
  credentials: SESSION,
});

/** A repository handle bound to the UI's client. */
export function repo(id: string): Repository {
  return new Repository(id, { client });
}

/** Logs in with a key pair; the server answers with the session cookie. */
export async function login(accessKeyId: string, secretAccessKey: string): Promise<void> {
  await client.http.request({
    method: "POST",
    path: "/auth/login",
    json: { access_key_id: accessKeyId, secret_access_key: secretAccessKey },
    expect: "json",
  });
}

/** The logged-in user, or undefined when the session is missing or expired. */
export async function currentUser(): Promise<Schema<"User"> | undefined> {
  try {
    const body = await client.http.request<Schema<"CurrentUser">>({
      method: "GET",
      path: "/user",
      expect: "json",
    });
    return body.user;
  } catch (error) {
    if ((error as { status?: number }).status === 401) return undefined;
    throw error;
  }
}

/** One page of a lazy SDK listing; the rest is never fetched. */
export async function pageOf<T, W>(listing: Listing<T, W>): Promise<Page<T>> {
  const pages = listing.pages();
  try {
    const first = await pages.next();
    return first.done ? { items: [], nextOffset: undefined, hasMore: false } : first.value;
  } finally {
    await pages.return(undefined);
  }
}

/** One page of a raw `{pagination, results}` endpoint, for the few the SDK's models trim. */
export async function rawPage<W>(
  route: string,
  query: Record<string, string | number | boolean | undefined>,
  after: string | undefined,
  amount: number,
): Promise<Page<W>> {
  const body = await client.http.request<{ pagination: Schema<"Pagination">; results: W[] }>({
    method: "GET",
    path: route,
    query: { ...query, after, amount },
    expect: "json",
  });
  const more = body.pagination.has_more && body.pagination.next_offset !== "";
  return {
    items: body.results,
    nextOffset: more ? body.pagination.next_offset : undefined,
    hasMore: more,
  };
}

/** The API URL of an object's bytes, for links the browser follows with its cookie. */
export function objectUrl(repository: string, ref: string, objectPath: string): string {
  const route = path`/repositories/${repository}/refs/${ref}/objects`;
  return `/api/v1${route}?path=${encodeURIComponent(objectPath)}`;
}

/** A readable message for any failure. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export type { Schema };
