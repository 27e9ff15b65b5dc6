/** The shell: who is logged in, the header, and which page a URL shows. */

import { useEffect } from "preact/hooks";
import lazy, { ErrorBoundary } from "preact-iso/lazy";
import { LocationProvider, Route, Router, useLocation } from "preact-iso/router";
import { currentUser } from "./api";
import { ErrorText, Loading } from "./components/common";
import { useAsync } from "./hooks";
import { LoginPage } from "./pages/login";
import { RepositoriesPage } from "./pages/repositories";

// Pages past the first screen load on demand, keeping the first load small.
const RepositoryPage = lazy(() => import("./pages/repository").then((m) => m.RepositoryPage));

/** Links the client-side router handles; others (/logout, API downloads) load normally. */
const APP_LINKS = /^\/(repositories|auth)(\/|\?|$)/;

export function App() {
  return (
    <LocationProvider scope={APP_LINKS}>
      <Shell />
    </LocationProvider>
  );
}

function Shell() {
  const { path } = useLocation();
  return path.startsWith("/auth/") ? <LoginPage /> : <Authenticated />;
}

/** Every page but login: checks the session once, then routes. */
function Authenticated() {
  const user = useAsync(() => currentUser(), []);
  const { route, url } = useLocation();
  const loggedOut = !user.loading && !user.error && user.value === undefined;
  useEffect(() => {
    if (loggedOut) route(`/auth/login?next=${encodeURIComponent(url)}`, true);
  }, [loggedOut, route, url]);
  if (user.value === undefined) {
    return user.error ? <ErrorText error={user.error} /> : <Loading />;
  }
  return (
    <>
      <header class="top">
        <a class="brand" href="/repositories">
          <img src="/favicon.svg" alt="" width="24" height="24" /> lakeFS
        </a>
        <span class="spacer" />
        <span class="muted" title="Logged in as">
          {user.value.id}
        </span>
        <a href="/logout" class="button">
          Log out
        </a>
      </header>
      <main>
        <ErrorBoundary>
          <Router>
            <Route path="/repositories/:repo/:tab?/:id?" component={RepositoryPage} />
            <Route path="/repositories" component={RepositoriesPage} />
            <Route default component={Home} />
          </Router>
        </ErrorBoundary>
      </main>
    </>
  );
}

function Home() {
  const { route } = useLocation();
  useEffect(() => route("/repositories", true), [route]);
  return null;
}
