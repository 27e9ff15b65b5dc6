/** Where the UI goes when the session is gone. */

/** Any 401 from the API means the session expired or never was: back to the login page. */
export function onAuthError(error: unknown): void {
  if ((error as { status?: number })?.status === 401 && !location.pathname.startsWith("/auth/")) {
    const next = location.pathname + location.search;
    location.assign(`/auth/login?next=${encodeURIComponent(next)}`);
  }
}
