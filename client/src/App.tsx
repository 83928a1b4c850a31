// The application shell: providers, the layout and the current screen.
import { Suspense, useEffect, type ReactNode } from "react";
import { Layout } from "./components/Layout";
import { Loading } from "./components/common";
import { I18nProvider } from "./i18n/context";
import { matchPath, navigate, useLocation } from "./lib/router";
import { LoginRouteScreen, NotFoundScreen, routes, type RouteDef } from "./routes";
import { AnnouncerProvider } from "./state/announcer";
import { ComposeProvider } from "./state/compose";
import { NotificationsProvider } from "./state/notifications";
import { SessionProvider, useSession } from "./state/session";
import { safeNextPath } from "./screens/next";

export function findRoute(pathname: string): { route: RouteDef; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return null;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function CurrentScreen() {
  const { pathname, search } = useLocation();
  const { ready, account } = useSession();
  if (!ready) return <Loading />;
  const found = findRoute(pathname);
  if (!found) return <NotFoundScreen params={{}} search={search} />;
  const { route, params } = found;
  if (route.access === "user" && !account) return <LoginRouteScreen params={{}} search={new URLSearchParams({ next: pathname })} />;
  if (route.access === "guest" && account) return <Redirect to={safeNextPath(search.get("next"))} />;
  const Screen = route.screen;
  // keyed by path: /@alice → /@bob starts a fresh screen (state, focus, title)
  return <Screen key={pathname} params={params} search={search} />;
}

export function Providers({ children }: { children: ReactNode }) {
  return (
    <I18nProvider>
      <SessionProvider>
        <AnnouncerProvider>
          <NotificationsProvider>
            <ComposeProvider>{children}</ComposeProvider>
          </NotificationsProvider>
        </AnnouncerProvider>
      </SessionProvider>
    </I18nProvider>
  );
}

export function App() {
  return (
    <Providers>
      <Layout>
        <Suspense fallback={<Loading />}>
          <CurrentScreen />
        </Suspense>
      </Layout>
    </Providers>
  );
}
