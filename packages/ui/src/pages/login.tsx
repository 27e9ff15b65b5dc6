/** Log in with an access key pair; the server keeps the session in an HttpOnly cookie. */

import { useState } from "preact/hooks";
import { useLocation } from "preact-iso/router";
import { login } from "../api";
import { ErrorText, onSubmit, TextField } from "../components/common";
import { useAction } from "../hooks";

/** Only same-site paths are followed after login (no open redirect). */
function safeNext(next: string | undefined): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/repositories";
}

export function LoginPage() {
  const { query, route } = useLocation();
  const [accessKeyId, setAccessKeyId] = useState("");
  const [secret, setSecret] = useState("");
  const submit = useAction(async () => {
    try {
      await login(accessKeyId.trim(), secret);
    } catch (e) {
      throw (e as { status?: number }).status === 401 ? new Error("Invalid access key pair.") : e;
    }
    route(safeNext(query.next));
  });
  return (
    <main class="login">
      <form class="card" onSubmit={onSubmit(submit.run)}>
        <h1>
          <img src="/favicon.svg" alt="" width="32" height="32" /> Log in to lakeFS
        </h1>
        <TextField
          label="Access key ID"
          name="accessKeyId"
          autoComplete="username"
          required
          value={accessKeyId}
          onValue={setAccessKeyId}
        />
        <TextField
          label="Secret access key"
          name="secretAccessKey"
          type="password"
          autoComplete="current-password"
          required
          value={secret}
          onValue={setSecret}
        />
        <ErrorText error={submit.error} />
        <button type="submit" class="primary" disabled={submit.busy}>
          {submit.busy ? "Logging in…" : "Log in"}
        </button>
      </form>
    </main>
  );
}
