// Follows as federation meets them: found by the ActivityPub id of their
// Follow, the remote followers to deliver to, and the questions an incoming
// Follow or Accept asks (is there already a follow? may its Accept be sent again?).
import { and, asc, eq, isNotNull, lt, sql } from "drizzle-orm";
import { accounts, followRequests, follows, users } from "../../db/schema";
import type { DomainContext } from "../context";

/** A remote actor as a delivery target. */
export interface RemoteInboxes {
  uri: string;
  inboxUrl: string | null;
  sharedInboxUrl: string | null;
}

/** The remote accounts following `accountId`, with their inboxes (local followers need no delivery). */
export async function remoteFollowerInboxes(ctx: DomainContext, accountId: string): Promise<RemoteInboxes[]> {
  return ctx.db
    .select({ uri: accounts.uri, inboxUrl: accounts.inboxUrl, sharedInboxUrl: accounts.sharedInboxUrl })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.accountId))
    .where(and(eq(follows.targetAccountId, accountId), isNotNull(accounts.domain)))
    .orderBy(asc(follows.id));
}

/** Is `followerId` following `accountId`? (who may fetch a followers-only post) */
export async function isFollowing(ctx: DomainContext, followerId: string, accountId: string): Promise<boolean> {
  const rows = await ctx.db
    .select({ id: follows.id })
    .from(follows)
    .where(and(eq(follows.accountId, followerId), eq(follows.targetAccountId, accountId)))
    .limit(1);
  return rows.length > 0;
}

/** Records the id of the Follow activity sent for a pending request, so the remote Accept/Reject can be matched. */
export async function setFollowRequestUri(ctx: DomainContext, requestId: string, uri: string): Promise<void> {
  await ctx.db.update(followRequests).set({ uri }).where(eq(followRequests.id, requestId));
}

export async function findFollowByUri(ctx: DomainContext, uri: string) {
  const [row] = await ctx.db.select().from(follows).where(eq(follows.uri, uri)).limit(1);
  return row;
}

export async function findFollowRequestByUri(ctx: DomainContext, uri: string) {
  const [row] = await ctx.db.select().from(followRequests).where(eq(followRequests.uri, uri)).limit(1);
  return row;
}

/** How often a repeated Follow of an existing follow is answered with Accept again: once per 15 minutes. */
export const REPEATED_FOLLOW_WINDOW_MS = 15 * 60_000;

/**
 * Claims the right to send the Accept of an existing follow again: true at
 * most once per window and relationship (the first Accept opens the window),
 * however many Follows arrive and however many workers handle them.
 */
export async function claimAcceptResend(ctx: DomainContext, followerId: string, targetId: string, windowMs = REPEATED_FOLLOW_WINDOW_MS): Promise<boolean> {
  const rows = await ctx.db
    .update(follows)
    .set({ acceptSentAt: sql`now()` })
    .where(
      and(
        eq(follows.accountId, followerId),
        eq(follows.targetAccountId, targetId),
        lt(follows.acceptSentAt, sql`now() - ${windowMs}::double precision * interval '1 millisecond'`),
      ),
    )
    .returning({ id: follows.id });
  return rows.length > 0;
}

/** A local account's follow (or pending request) of `targetId`, by the Follow's id. */
export async function findOutgoingFollow(ctx: DomainContext, targetId: string, uri: string) {
  const [request] = await ctx.db
    .select({ accountId: followRequests.accountId })
    .from(followRequests)
    .where(and(eq(followRequests.targetAccountId, targetId), eq(followRequests.uri, uri)))
    .limit(1);
  if (request) return request;
  const [follow] = await ctx.db
    .select({ accountId: follows.accountId })
    .from(follows)
    .where(and(eq(follows.targetAccountId, targetId), eq(follows.uri, uri)))
    .limit(1);
  return follow;
}

/** Whether a local account follows (or asked to follow) `targetId`. */
export async function hasPendingOrActiveFollow(ctx: DomainContext, followerId: string, targetId: string): Promise<boolean> {
  const a = await ctx.db
    .select({ id: follows.id })
    .from(follows)
    .where(and(eq(follows.accountId, followerId), eq(follows.targetAccountId, targetId)))
    .limit(1);
  if (a.length) return true;
  const b = await ctx.db
    .select({ id: followRequests.id })
    .from(followRequests)
    .where(and(eq(followRequests.accountId, followerId), eq(followRequests.targetAccountId, targetId)))
    .limit(1);
  return b.length > 0;
}

/** Does any resident follow this account? (Remote posts are kept only when someone here cares.) */
export async function hasLocalFollowers(ctx: DomainContext, accountId: string): Promise<boolean> {
  const rows = await ctx.db
    .select({ id: follows.id })
    .from(follows)
    .innerJoin(users, eq(users.accountId, follows.accountId))
    .where(eq(follows.targetAccountId, accountId))
    .limit(1);
  return rows.length > 0;
}
