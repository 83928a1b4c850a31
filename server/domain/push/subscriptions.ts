// Web Push subscriptions: one per access token (as Mastodon), with the alerts
// the resident wants and a policy on whose notifications may wake the phone.
import { and, eq, sql } from "drizzle-orm";
import { follows, pushSubscriptions, type PushAlerts } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";

export type PushSubscription = typeof pushSubscriptions.$inferSelect;
export type PushPolicy = PushSubscription["policy"];

export const ALERT_TYPES = [
  "mention",
  "status",
  "reblog",
  "follow",
  "follow_request",
  "favourite",
  "poll",
  "update",
  "admin.sign_up",
  "admin.report",
] as const satisfies readonly (keyof PushAlerts)[];

/**
 * The Mastodon alert that lets a Parvis notification type through: apps subscribe with
 * Mastodon's alerts only, so a join request to a group wakes the phone as a follow
 * request does, an approval or a promotion as a follow (docs/api.md "Group notifications").
 */
const ALERT_OF: Record<string, (typeof ALERT_TYPES)[number]> = {
  "parvis.group_request": "follow_request",
  "parvis.group_approved": "follow",
  "parvis.group_promoted": "follow",
};

export function alertsFrom(given: Partial<Record<string, boolean>> | undefined, base?: PushAlerts): PushAlerts {
  const out = {} as PushAlerts;
  for (const t of ALERT_TYPES) out[t] = given?.[t] ?? base?.[t] ?? false;
  return out;
}

export interface SubscribeInput {
  endpoint: string;
  p256dh: string;
  auth: string;
  alerts?: Partial<Record<string, boolean>>;
  policy?: PushPolicy;
  /** RFC 8291's aes128gcm encoding; the legacy aesgcm draft otherwise (Mastodon's `standard`) */
  standard?: boolean;
}

/** The endpoint is a URL of a push service: https (http only where private addresses are allowed: tests). */
function checkEndpoint(ctx: DomainContext, endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Invalid("Validation failed: Endpoint is not a valid URL");
  }
  const http = url.protocol === "http:" && ctx.config.allowPrivateAddress;
  if ((url.protocol !== "https:" && !http) || url.username || url.password) throw new Invalid("Validation failed: Endpoint is not a valid URL");
}

function checkKeys(p256dh: string, auth: string): void {
  const b64url = /^[A-Za-z0-9_-]+={0,2}$/;
  if (!b64url.test(p256dh) || Buffer.from(p256dh, "base64url").length !== 65) throw new Invalid("Validation failed: Keys p256dh is invalid");
  if (!b64url.test(auth) || Buffer.from(auth, "base64url").length !== 16) throw new Invalid("Validation failed: Keys auth is invalid");
}

/** Creates (or replaces) the subscription of an access token. */
export async function subscribe(ctx: DomainContext, tokenId: string, accountId: string, input: SubscribeInput): Promise<PushSubscription> {
  checkEndpoint(ctx, input.endpoint);
  checkKeys(input.p256dh, input.auth);
  return ctx.db.transaction(async (tx) => {
    await tx.delete(pushSubscriptions).where(eq(pushSubscriptions.accessTokenId, tokenId));
    const [row] = await tx
      .insert(pushSubscriptions)
      .values({
        id: newId(),
        accessTokenId: tokenId,
        accountId,
        endpoint: input.endpoint,
        keyP256dh: input.p256dh,
        keyAuth: input.auth,
        alerts: alertsFrom(input.alerts),
        policy: input.policy ?? "all",
        standard: input.standard ?? false,
      })
      .returning();
    return row;
  });
}

export async function subscriptionOfToken(ctx: DomainContext, tokenId: string): Promise<PushSubscription> {
  const [row] = await ctx.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.accessTokenId, tokenId));
  if (!row) throw new NotFound();
  return row;
}

export async function updateSubscription(
  ctx: DomainContext,
  tokenId: string,
  input: { alerts?: Partial<Record<string, boolean>>; policy?: PushPolicy },
): Promise<PushSubscription> {
  const current = await subscriptionOfToken(ctx, tokenId);
  const [row] = await ctx.db
    .update(pushSubscriptions)
    .set({ alerts: alertsFrom(input.alerts, current.alerts), policy: input.policy ?? current.policy, updatedAt: new Date() })
    .where(eq(pushSubscriptions.id, current.id))
    .returning();
  return row;
}

export async function unsubscribe(ctx: DomainContext, tokenId: string): Promise<void> {
  await ctx.db.delete(pushSubscriptions).where(eq(pushSubscriptions.accessTokenId, tokenId));
}

/** The push service said the subscription is gone (404/410). */
export async function removeSubscription(ctx: DomainContext, id: string): Promise<void> {
  await ctx.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
}

/** The subscriptions a notification of `type` from `fromAccountId` should reach. */
export async function subscriptionsFor(ctx: DomainContext, accountId: string, type: string, fromAccountId: string): Promise<PushSubscription[]> {
  const rows = await ctx.db
    .select()
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.accountId, accountId), sql`${pushSubscriptions.policy} <> 'none'`));
  const alert = ALERT_OF[type] ?? type;
  const wanted = rows.filter((r) => (r.alerts as unknown as Record<string, boolean>)[alert] === true);
  if (wanted.length === 0) return [];
  const needs = (p: PushPolicy) => wanted.some((r) => r.policy === p);
  const [followed, follower] = await Promise.all([
    needs("followed") ? related(ctx, accountId, fromAccountId) : Promise.resolve(false),
    needs("follower") ? related(ctx, fromAccountId, accountId) : Promise.resolve(false),
  ]);
  return wanted.filter((r) => r.policy === "all" || (r.policy === "followed" && followed) || (r.policy === "follower" && follower));
}

async function related(ctx: DomainContext, followerId: string, targetId: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: follows.id })
    .from(follows)
    .where(and(eq(follows.accountId, followerId), eq(follows.targetAccountId, targetId)))
    .limit(1);
  return Boolean(row);
}
