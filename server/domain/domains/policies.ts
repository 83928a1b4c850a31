// Who this instance federates with. Admins choose the mode (settings
// federation_mode): "open" talks to everyone except blocked domains;
// "allowlist" only to the listed domains ("our neighbouring communes").
// The decision is read on every inbound and outbound exchange, so it is
// cached for a few seconds; changes made here invalidate the cache at once.
import { asc, eq } from "drizzle-orm";
import { domainPolicies } from "../../db/schema";
import { Invalid } from "../../errors";
import type { DomainContext } from "../context";
import { getSettings } from "../instance/settings";

export type DomainPolicy = typeof domainPolicies.$inferSelect;
/** allow (allowlist mode), block (no federation, content hidden), silence (federates; posts kept out of public timelines) */
export type PolicyKind = "allow" | "block" | "silence";

const CACHE_MS = 10_000;

interface Snapshot {
  mode: "open" | "allowlist";
  allow: Set<string>;
  block: Set<string>;
  loadedAt: number;
  /** the configuration it was computed with (its default mode) */
  config: DomainContext["config"];
}

// Keyed by the database handle, so several instances in one process (tests) do not mix.
const cache = new WeakMap<object, Promise<Snapshot>>();

/**
 * Lower-case host[:port] (IDN to punycode); throws Invalid for anything else.
 * Default ports are dropped, so "example.org:443" and "example.org" are one domain.
 */
export function normalizeDomain(input: string): string {
  const trimmed = input.trim().toLowerCase().replace(/\.$/, "");
  if (!trimmed || /[/?#@\s\\]/.test(trimmed)) throw new Invalid("Invalid domain", { domain: "ERR_INVALID" });
  try {
    // URL validates the name, converts IDN to punycode and drops :443
    return new URL(`https://${trimmed}/`).host;
  } catch {
    throw new Invalid("Invalid domain", { domain: "ERR_INVALID" });
  }
}

/**
 * Is federation with `host` (host[:port], as found in an actor or inbox URL) allowed?
 * A block also covers subdomains; an allow entry without a port covers every port.
 */
export async function isDomainAllowed(ctx: DomainContext, host: string): Promise<boolean> {
  let domain: string;
  try {
    domain = normalizeDomain(host);
  } catch {
    return false;
  }
  if (domain === normalizeDomain(ctx.config.domain)) return true;
  const snapshot = await loadSnapshot(ctx);
  const hostname = domain.replace(/:\d+$/, "");
  if (snapshot.mode === "allowlist") {
    return snapshot.allow.has(domain) || snapshot.allow.has(hostname);
  }
  if (snapshot.block.has(domain)) return false;
  // example.org blocks example.org, social.example.org, … on any port
  const labels = hostname.split(".");
  for (let i = 0; i < labels.length - 1; i++) {
    if (snapshot.block.has(labels.slice(i).join("."))) return false;
  }
  return true;
}

export async function listDomainPolicies(ctx: DomainContext): Promise<DomainPolicy[]> {
  return ctx.db.select().from(domainPolicies).orderBy(asc(domainPolicies.domain));
}

export async function getDomainPolicy(ctx: DomainContext, domain: string): Promise<DomainPolicy | undefined> {
  const [row] = await ctx.db.select().from(domainPolicies).where(eq(domainPolicies.domain, domain));
  return row;
}

/**
 * Adds or replaces the policy of a domain: the one place where domain
 * policies change (the moderation log hooks in here and in removeDomainPolicy).
 */
export async function setDomainPolicy(ctx: DomainContext, domain: string, policy: PolicyKind, reason = "", privateComment?: string): Promise<DomainPolicy> {
  const normalized = normalizeDomain(domain);
  if (normalized === normalizeDomain(ctx.config.domain)) throw new Invalid("This is our own domain", { domain: "ERR_INVALID" });
  const comment = privateComment === undefined ? {} : { privateComment };
  const [row] = await ctx.db
    .insert(domainPolicies)
    .values({ domain: normalized, policy, reason, ...comment })
    .onConflictDoUpdate({ target: domainPolicies.domain, set: { policy, reason, ...comment } })
    .returning();
  invalidateDomainPolicyCache(ctx);
  return row;
}

export async function removeDomainPolicy(ctx: DomainContext, domain: string): Promise<void> {
  await ctx.db.delete(domainPolicies).where(eq(domainPolicies.domain, normalizeDomain(domain)));
  invalidateDomainPolicyCache(ctx);
}

/** Call after changing the federation mode setting, so the change applies at once. */
export function invalidateDomainPolicyCache(ctx: DomainContext): void {
  cache.delete(ctx.db);
}

async function loadSnapshot(ctx: DomainContext): Promise<Snapshot> {
  const current = cache.get(ctx.db);
  if (current) {
    const snapshot = await current.catch(() => undefined);
    if (snapshot && snapshot.config === ctx.config && Date.now() - snapshot.loadedAt < CACHE_MS) return snapshot;
    if (cache.get(ctx.db) !== current) return loadSnapshot(ctx);
  }
  const loading = (async (): Promise<Snapshot> => {
    const [settings, rows] = await Promise.all([getSettings(ctx), ctx.db.select().from(domainPolicies)]);
    return {
      mode: settings.federationMode,
      allow: new Set(rows.filter((r) => r.policy === "allow").map((r) => r.domain)),
      block: new Set(rows.filter((r) => r.policy === "block").map((r) => r.domain)),
      loadedAt: Date.now(),
      config: ctx.config,
    };
  })();
  cache.set(ctx.db, loading);
  // a failed load is not cached
  loading.catch(() => {
    if (cache.get(ctx.db) === loading) cache.delete(ctx.db);
  });
  return loading;
}
