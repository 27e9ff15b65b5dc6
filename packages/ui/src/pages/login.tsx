/** Log in with an access key pair; the server keeps the session in an HttpOnly cookie. */

import { useState } from "preact/hooks";
import { useLocation } from "preact-iso/router";
import { login } from "../api";
import { ErrorText } from "../components/common";

/** Only same-site paths are followed after login (no open redirect). */
function safeNext(next: string | undefined): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/repositories";
}

export function LoginPage() {
  const { query, route } = useLocation();
  const [accessKeyId, setAccessKeyId] = useState("");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(accessKeyId.trim(), secret);
      route(safeNext(query.next));
    } catch (e) {
      setError(
        (e as { status?: number }).status === 401 ? new Error("Invalid access key pair.") : e,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form class="card" onSubmit={submit}>
        <h1>
          <img src="/favicon.svg" alt="" width="32" height="32" /> Log in to lakeFS
        </h1>
        <label>
          Access key ID
          <input
            name="accessKeyId"
            autoComplete="username"
            required
            value={accessKeyId}
            onInput={(e) => setAccessKeyId(e.currentTarget.value)}
          />
        </label>
        <label>
          Secret access key
          <input
            name="secretAccessKey"
            type="password"
            autoComplete="current-password"
            required
            value={secret}
            onInput={(e) => setSecret(e.currentTarget.value)}
          />
        </label>
        <ErrorText error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
    </main>
  );
}
