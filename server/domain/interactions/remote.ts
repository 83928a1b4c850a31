// What federation needs to find by ActivityPub id, and a few questions it
// asks before storing anything (is anyone here interested in this actor?).
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { accounts, blocks, favourites, followRequests, follows, statuses, users } from "../../db/schema";
import type { DomainContext } from "../context";

export async function findFollowByUri(ctx: DomainContext, uri: string) {
  const [row] = await ctx.db.select().from(follows).where(eq(follows.uri, uri)).limit(1);
  return row;
}

export async function findFollowRequestByUri(ctx: DomainContext, uri: string) {
  const [row] = await ctx.db.select().from(followRequests).where(eq(followRequests.uri, uri)).limit(1);
  return row;
}

export async function findBlockByUri(ctx: DomainContext, uri: string) {
  const [row] = await ctx.db.select().from(blocks).where(eq(blocks.uri, uri)).limit(1);
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

/** Which of these account ids are residents. */
export async function localAccountIds(ctx: DomainContext, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(inArray(accounts.id, ids.slice(0, 200)), isNull(accounts.domain)));
  return rows.map((r) => r.id);
}

/** A favourite by its Like id, or by who liked what. */
export async function findFavourite(ctx: DomainContext, accountId: string, match: { uri?: string; statusId?: string }) {
  const conditions = [];
  if (match.uri) conditions.push(eq(favourites.uri, match.uri));
  if (match.statusId) conditions.push(eq(favourites.statusId, match.statusId));
  if (conditions.length === 0) return undefined;
  const [row] = await ctx.db
    .select()
    .from(favourites)
    .where(and(eq(favourites.accountId, accountId), or(...conditions)))
    .limit(1);
  return row;
}

/** A reblog by its author and the reblogged status. */
export async function findReblog(ctx: DomainContext, accountId: string, reblogOfId: string) {
  const [row] = await ctx.db
    .select()
    .from(statuses)
    .where(and(eq(statuses.accountId, accountId), eq(statuses.reblogOfId, reblogOfId)))
    .limit(1);
  return row;
}
