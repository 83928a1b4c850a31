// Resolves @user@host[:port] to an actor URL through WebFinger, over our safe
// fetch. Fedify's own lookup always uses https and drops the port, so it
// cannot reach instances on loopback ports (tests, a developer's laptop):
// when private addresses are allowed, a host with a port is asked over http.
import type { SafeFetch } from "./safe-fetch";

export interface WebFingerResult {
  subject: string;
  /** the ActivityPub actor (rel="self"), if the server gave one */
  actorUrl: URL | null;
  /** the profile page, if given */
  profileUrl: URL | null;
}

export interface ParsedHandle {
  username: string;
  /** lower-case host[:port] */
  host: string;
}

/** "@alice@commune.fr", "alice@localhost:3101" or "acct:alice@commune.fr"; null if it is none of these. */
export function parseHandle(input: string): ParsedHandle | null {
  const text = input.trim().replace(/^acct:/i, "").replace(/^@/, "");
  const at = text.lastIndexOf("@");
  if (at <= 0) return null;
  const username = text.slice(0, at);
  const hostPart = text.slice(at + 1).toLowerCase();
  if (!/^[A-Za-z0-9_.-]+$/.test(username) || !/^[a-z0-9.-]+(:\d{1,5})?$/.test(hostPart)) return null;
  try {
    return { username, host: new URL(`https://${hostPart}/`).host || hostPart };
  } catch {
    return null;
  }
}

export async function lookupWebFinger(
  safeFetch: SafeFetch,
  handle: ParsedHandle,
  options: { allowPrivateAddress: boolean; signal?: AbortSignal },
): Promise<WebFingerResult | null> {
  const scheme = options.allowPrivateAddress && /:\d+$/.test(handle.host) ? "http" : "https";
  const url = new URL(`${scheme}://${handle.host}/.well-known/webfinger`);
  url.searchParams.set("resource", `acct:${handle.username}@${handle.host}`);
  const response = await safeFetch(url, {
    accept: "application/jrd+json, application/json",
    contentTypes: "json",
    signal: options.signal,
  });
  if (response.status === 404 || response.status === 410) return null;
  if (!response.ok) throw new Error(`WebFinger of ${handle.username}@${handle.host} answered ${response.status}`);
  const jrd = response.json() as { subject?: unknown; links?: Array<{ rel?: unknown; type?: unknown; href?: unknown }> };
  const links = Array.isArray(jrd.links) ? jrd.links : [];
  const self = links.find(
    (l) => l.rel === "self" && typeof l.type === "string" && /^application\/(activity\+json|ld\+json)/.test(l.type),
  );
  const profile = links.find((l) => l.rel === "http://webfinger.net/rel/profile-page");
  return {
    subject: typeof jrd.subject === "string" ? jrd.subject : `acct:${handle.username}@${handle.host}`,
    actorUrl: httpUrl(self?.href),
    profileUrl: httpUrl(profile?.href),
  };
}

function httpUrl(value: unknown): URL | null {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url : null;
  } catch {
    return null;
  }
}
