// A very small client-side router on the History API: enough for a route
// table of path patterns such as "/@:acct/:id" or "/tags/:tag".
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from "react";

export type Params = Record<string, string>;

/**
 * Matches a pattern against a path. A segment may be a literal ("home"),
 * a parameter (":id") or a literal prefix followed by a parameter ("@:acct").
 */
export function matchPath(pattern: string, pathname: string): Params | null {
  const want = pattern.split("/").filter(Boolean);
  const have = pathname.replace(/\/+$/, "").split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    let h: string;
    try {
      h = decodeURIComponent(have[i]);
    } catch {
      return null;
    }
    const colon = w.indexOf(":");
    if (colon < 0) {
      if (w !== h) return null;
      continue;
    }
    const prefix = w.slice(0, colon);
    if (!h.startsWith(prefix) || h.length === prefix.length) return null;
    params[w.slice(colon + 1)] = h.slice(prefix.length);
  }
  return params;
}

const listeners = new Set<() => void>();
let focusOnNextTitle = false;

function notify() {
  for (const listener of listeners) listener();
}

if (typeof window !== "undefined") {
  window.addEventListener("popstate", () => {
    focusOnNextTitle = true;
    notify();
  });
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => window.location.pathname + window.location.search;

export function navigate(to: string, options: { replace?: boolean } = {}) {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  focusOnNextTitle = true;
  window.scrollTo?.(0, 0);
  notify();
}

/** True once after a navigation: the next page heading takes the focus. */
export function consumeTitleFocus(): boolean {
  const value = focusOnNextTitle;
  focusOnNextTitle = false;
  return value;
}

export interface LocationValue {
  pathname: string;
  search: URLSearchParams;
}

export function useLocation(): LocationValue {
  const current = useSyncExternalStore(subscribe, snapshot, () => "/");
  const q = current.indexOf("?");
  return {
    pathname: q < 0 ? current : current.slice(0, q),
    search: new URLSearchParams(q < 0 ? "" : current.slice(q)),
  };
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & { to: string; children: ReactNode };

/** An internal link: a real <a href> (new tab, copy link work) that navigates in place. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}

/** Where a profile lives in the client: /@alice or /@alice@other-commune.fr */
export const paths = {
  profile: (acct: string) => `/@${acct}`,
  status: (acct: string, id: string) => `/@${acct}/${id}`,
  tag: (name: string) => `/tags/${encodeURIComponent(name)}`,
  search: (q: string) => `/search?q=${encodeURIComponent(q)}`,
  group: (id: string) => `/groups/${encodeURIComponent(id)}`,
};
