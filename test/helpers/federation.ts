// Several real Parvis instances talking ActivityPub to each other on loopback
// ports, for the multi-instance tests (test/federation/multi). Each has its own
// database, private addresses allowed, fast queue polling and short retries.
// Everything a test does goes through each instance's Mastodon API, as a
// resident's app would; the helpers here only add the waiting.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import type { ParvisFederation, ParvisFederationOptions } from "../../federation/index";
import { federationModule, type FederationModule } from "../../federation/module";
import type { Database } from "../../server/db/open";
import { invalidateDomainPolicyCache, setDomainPolicy } from "../../server/domain/domains";
import { setSetting } from "../../server/domain/instance";
import { rowsOf } from "../../server/db/rows";
import type { ModuleFactory } from "../../server/instance";
import { createResident, type Resident } from "./factories";
import { openTestDatabase } from "./db";
import { startInstance, type TestInstance } from "./instance";
import { SLOWDOWN, sleep, waitFor } from "./wait";
import { FAST_FEDERATION } from "../federation/support/instance";

export type { Resident };

/**
 * A peer's outbox retries span ~10 s (200 ms to 2 s, 8 attempts) rather than
 * FAST_FEDERATION's ~3 s: a restarted instance takes seconds to listen again.
 */
const PEER_RETRY: ParvisFederationOptions["retry"] = {
  outbox: { initialDelayMs: 200, maxDelayMs: 2_000, maxAttempts: 8 },
  inbox: { initialDelayMs: 200, maxDelayMs: 2_000, maxAttempts: 5 },
};

export interface Peer extends TestInstance {
  /** a short name for messages ("A", "B"…) */
  name: string;
  /** host:port, as in the accounts' acct on other instances */
  domain: string;
  port: number;
  /** the database, kept open across a restart when started with keepDatabase */
  database: Database;
  parvis: ParvisFederation;
}

export interface PeerOptions {
  name?: string;
  /** reuse this database (a restarted instance) */
  database?: Database;
  port?: number;
  /** stop() leaves the database open, to start again on it */
  keepDatabase?: boolean;
  federation?: ParvisFederationOptions;
}

/** Starts one Parvis with the federation module on a loopback port. */
export async function startPeer(options: PeerOptions = {}): Promise<Peer> {
  const database = options.database ?? (await openTestDatabase());
  let captured: FederationModule | undefined;
  const federation: ModuleFactory = async (services) => {
    captured = (await federationModule({ ...FAST_FEDERATION, retry: PEER_RETRY, ...options.federation })(services)) as FederationModule;
    return captured;
  };
  const t = await startInstance({
    database,
    port: options.port,
    keepDatabase: options.keepDatabase,
    modules: () => [federation],
  });
  if (!captured) throw new Error("the federation module was not started");
  return Object.assign(t, {
    name: options.name ?? t.config.domain,
    domain: t.config.domain,
    port: Number(new URL(t.url).port),
    database,
    parvis: captured.parvis,
  });
}

/** Starts `count` instances side by side, named A, B, C… */
export async function startPeers(count: number, options: Omit<PeerOptions, "name" | "database" | "port"> = {}): Promise<Peer[]> {
  const names = ["A", "B", "C", "D"];
  return Promise.all(Array.from({ length: count }, (_, i) => startPeer({ ...options, name: names[i] ?? `P${i}` })));
}

/**
 * The usual setup of a multi-instance test file: `count` instances (A, B, C…)
 * started once before its tests and stopped after them, handed to `use` as
 * soon as they run (like useTestInstance).
 */
export function usePeers(count: number, use: (peers: Peer[]) => void, options: Omit<PeerOptions, "name" | "database" | "port"> = {}): void {
  let peers: Peer[] = [];
  beforeAll(async () => {
    peers = await startPeers(count, options);
    use(peers);
  }, START_TIMEOUT);
  afterAll(() => stopPeers(...peers), START_TIMEOUT);
}

/** Stops instances, ignoring the ones already stopped or never started. */
export async function stopPeers(...peers: (Peer | undefined)[]): Promise<void> {
  await Promise.all(peers.map((p) => p?.stop().catch(() => {})));
}

// ── waiting ──────────────────────────────────────────────────────────────────

/**
 * Waits until the instances' queues hold nothing due (or `settleMs` passes),
 * plus a short margin: before asserting that something never arrived.
 */
export async function settle(peers: Peer[], settleMs = 5_000): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < settleMs) {
    const pending = await Promise.all(peers.map((p) => pendingMessages(p).catch(() => 0)));
    if (pending.every((n) => n === 0)) break;
    await sleep(100);
  }
  await sleep(500);
}

/** Messages due now or being handled, over all of this instance's queues (delayed retries left out). */
async function pendingMessages(peer: Peer): Promise<number> {
  const result = await peer.services.db.execute(sql`select count(*)::int as n from fedify_queue where deliver_after <= now()`);
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}

// ── the Mastodon API of an instance ─────────────────────────────────────────

export interface ApiAccount {
  id: string;
  username: string;
  acct: string;
  url: string;
  uri: string;
  locked: boolean;
  display_name: string;
  followers_count: number;
  following_count: number;
}

export interface ApiStatus {
  id: string;
  uri: string;
  url: string | null;
  content: string;
  visibility: "public" | "unlisted" | "private" | "direct";
  account: ApiAccount;
  in_reply_to_id: string | null;
  reblog: ApiStatus | null;
  favourites_count: number;
  reblogs_count: number;
  replies_count: number;
  edited_at: string | null;
  mentions: { id: string; acct: string }[];
}

export interface ApiRelationship {
  id: string;
  following: boolean;
  followed_by: boolean;
  requested: boolean;
  blocking: boolean;
  blocked_by: boolean;
}

export interface ApiNotification {
  id: string;
  type: string;
  account: ApiAccount;
  status?: ApiStatus | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown, message: string) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** Calls the Mastodon API of `peer` as `who` (anonymous when null); throws ApiError on a non-2xx answer. */
export async function api<T = unknown>(
  peer: Peer,
  who: Resident | null,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  body?: Record<string, unknown>,
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (who) headers.authorization = who.auth;
  if (body) headers["content-type"] = "application/json";
  const res = await fetch(peer.url + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text for the message
  }
  if (!res.ok) throw new ApiError(res.status, parsed, `${method} ${peer.name}${path} → ${res.status} ${text.slice(0, 300)}`);
  return parsed as T;
}

/** A resident with a unique username on `peer` (tests share instances, never names). */
let residentCounter = 0;
export async function resident(peer: Peer, prefix = "user", extra: { locked?: boolean; role?: "resident" | "moderator" | "admin" } = {}): Promise<Resident> {
  const username = `${prefix}${++residentCounter}${Math.random().toString(36).slice(2, 6)}`.slice(0, 30);
  return createResident(peer, username, extra);
}

/** "@bob@localhost:3101": the handle other instances use for a resident of `peer`. */
export function handleOf(peer: Peer, who: Resident): string {
  return `@${who.account.username}@${peer.domain}`;
}

/** The acct other instances show for a resident of `peer` (no leading @). */
export function acctOf(peer: Peer, who: Resident): string {
  return `${who.account.username}@${peer.domain}`;
}

/**
 * Finds `handle` (@user@host:port) from `viewer`'s instance through
 * /api/v2/search?resolve=true, as a client does before following; returns the
 * account as `peer` knows it.
 */
export async function findRemote(peer: Peer, viewer: Resident, handle: string): Promise<ApiAccount> {
  const acct = handle.replace(/^@/, "").toLowerCase();
  const q = encodeURIComponent(handle);
  const result = await api<{ accounts: ApiAccount[] }>(peer, viewer, "GET", `/api/v2/search?q=${q}&resolve=true&type=accounts`);
  const found = result.accounts.find((a) => a.acct.toLowerCase() === acct);
  if (!found) throw new Error(`${peer.name}: search for ${handle} found ${JSON.stringify(result.accounts.map((a) => a.acct))}`);
  return found;
}

export async function relationship(peer: Peer, viewer: Resident, accountId: string): Promise<ApiRelationship> {
  const list = await api<ApiRelationship[]>(peer, viewer, "GET", `/api/v1/accounts/relationships?id[]=${accountId}`);
  return list[0];
}

/**
 * `follower` (resident of `from`) follows `target` (resident of `to`) through
 * search and POST /api/v1/accounts/:id/follow; waits until `from` shows the
 * follow accepted. Returns the target's account id on `from`.
 */
export async function follow(from: Peer, follower: Resident, to: Peer, target: Resident, timeoutMs = WAIT): Promise<string> {
  const account = await findRemote(from, follower, handleOf(to, target));
  await api(from, follower, "POST", `/api/v1/accounts/${account.id}/follow`);
  await waitFor(
    async () => (await relationship(from, follower, account.id)).following,
    timeoutMs,
    `${acctOf(from, follower)} following ${acctOf(to, target)} on ${from.name}`,
  );
  return account.id;
}

/** Posts a status through the API. */
export async function post(peer: Peer, author: Resident, status: string, extra: Record<string, unknown> = {}): Promise<ApiStatus> {
  return api<ApiStatus>(peer, author, "POST", "/api/v1/statuses", { status, ...extra });
}

export async function homeTimeline(peer: Peer, viewer: Resident): Promise<ApiStatus[]> {
  return api<ApiStatus[]>(peer, viewer, "GET", "/api/v1/timelines/home?limit=40");
}

/** Waits until a status with this ActivityPub id is in `viewer`'s home timeline on `peer`; returns it. */
export async function waitForHomeStatus(peer: Peer, viewer: Resident, uri: string, timeoutMs = WAIT): Promise<ApiStatus> {
  return waitFor(
    async () => (await homeTimeline(peer, viewer)).find((s) => s.uri === uri || s.reblog?.uri === uri),
    timeoutMs,
    `${uri} in ${viewer.account.username}'s home timeline on ${peer.name}`,
  );
}

export async function notifications(peer: Peer, viewer: Resident): Promise<ApiNotification[]> {
  return api<ApiNotification[]>(peer, viewer, "GET", "/api/v1/notifications?limit=40");
}

/** The status with ActivityPub id `uri` as `peer` knows it, if it knows it (looked up by URL search without fetching). */
export async function localCopy(peer: Peer, viewer: Resident, uri: string): Promise<ApiStatus | undefined> {
  const home = await homeTimeline(peer, viewer);
  return home.find((s) => s.uri === uri) ?? home.find((s) => s.reblog?.uri === uri)?.reblog ?? undefined;
}

/** Resolves a status URL on `peer` through /api/v2/search?resolve=true (fetching it from its origin). */
export async function resolveStatus(peer: Peer, viewer: Resident, url: string): Promise<ApiStatus | undefined> {
  const result = await api<{ statuses: ApiStatus[] }>(
    peer,
    viewer,
    "GET",
    `/api/v2/search?q=${encodeURIComponent(url)}&resolve=true&type=statuses`,
  );
  return result.statuses.find((s) => s.uri === url || s.url === url);
}

// ── who may talk to whom ────────────────────────────────────────────────────

/** Switches `peer` to allowlist mode, allowing only `allowed` (host:port), at once. */
export async function allowOnly(peer: Peer, ...allowed: Peer[]): Promise<void> {
  const ctx = peer.services.domain;
  for (const other of allowed) await setDomainPolicy(ctx, other.domain, "allow");
  await setSetting(ctx, "federation_mode", "allowlist");
  invalidateDomainPolicyCache(ctx);
}

/** Blocks `blocked`'s domain on `peer`, at once. */
export async function blockDomain(peer: Peer, blocked: Peer): Promise<void> {
  const ctx = peer.services.domain;
  await setDomainPolicy(ctx, blocked.domain, "block");
  invalidateDomainPolicyCache(ctx);
}

// ── timeouts ────────────────────────────────────────────────────────────────

/** Starting or stopping two or three instances on a loaded 2-core machine. */
export const START_TIMEOUT = 180_000;
/** One behaviour: a few round trips between instances, with retries. */
export const TEST_TIMEOUT = 240_000 * SLOWDOWN;
/** One round trip between instances (an activity delivered and handled), on a busy machine. */
export const WAIT = 60_000;

/** The text of a status's HTML (tags dropped, entities decoded): instances may encode the same text differently. */
export function textOf(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, "\u00a0")
    .replace(/&amp;/g, "&")
    .trim();
}
