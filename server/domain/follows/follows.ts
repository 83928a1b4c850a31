// Follows, follow requests (locked accounts, and every follow of a remote
// account until its server accepts), and the relationship between two accounts.
import { and, eq, inArray, or, sql } from "drizzle-orm";
import { accounts, blocks, followRequests, follows, mutes, users } from "../../db/schema";
import { Forbidden, NotFound } from "../../errors";
import type { DbOrTx } from "../../db/open";
import { newId } from "../../ids";
import type { Account } from "../accounts/local";
import { dropFromListsOf } from "../lists/lists";
import type { DomainContext } from "../context";
import { membershipsOf } from "../groups/memberships";
import { journaled, writeAndPublish, type Recorder } from "../event-journal";
import { notify, withdrawNotifications } from "../notifications/notifications";
import { finishPage, pageQuery, type PageParams } from "../pagination";

export type Follow = typeof follows.$inferSelect;
export type FollowRequest = typeof followRequests.$inferSelect;

export interface FollowOptions {
  reblogs?: boolean;
  notify?: boolean;
  /** ActivityPub id of the Follow activity (remote follows) */
  uri?: string | null;
}

export type FollowOutcome = { state: "following"; follow: Follow } | { state: "requested"; request: FollowRequest };

async function isBlockedEitherWay(ctx: DomainContext, a: string, b: string): Promise<boolean> {
  const rows = await ctx.db
    .select({ id: blocks.id })
    .from(blocks)
    .where(
      or(
        and(eq(blocks.accountId, a), eq(blocks.targetAccountId, b)),
        and(eq(blocks.accountId, b), eq(blocks.targetAccountId, a)),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

export async function follow(ctx: DomainContext, follower: Account, target: Account, options: FollowOptions = {}): Promise<FollowOutcome> {
  if (follower.id === target.id) throw new Forbidden("You cannot follow yourself");
  if (target.suspendedAt) throw new NotFound();
  if (await isBlockedEitherWay(ctx, follower.id, target.id)) throw new Forbidden();

  const [existing] = await ctx.db
    .select()
    .from(follows)
    .where(and(eq(follows.accountId, follower.id), eq(follows.targetAccountId, target.id)));
  if (existing) {
    const set: Partial<Follow> = {};
    if (options.reblogs !== undefined) set.showReblogs = options.reblogs;
    if (options.notify !== undefined) set.notify = options.notify;
    if (Object.keys(set).length === 0) return { state: "following", follow: existing };
    const [updated] = await ctx.db.update(follows).set(set).where(eq(follows.id, existing.id)).returning();
    return { state: "following", follow: updated };
  }

  // A remote target decides on its server; a local locked one decides by hand.
  const needsApproval = target.locked || target.domain !== null;
  if (needsApproval) {
    const request = await writeAndPublish(ctx, async (tx, record) => {
      const [row] = await tx
        .insert(followRequests)
        .values({
          id: newId(),
          accountId: follower.id,
          targetAccountId: target.id,
          uri: options.uri ?? null,
          showReblogs: options.reblogs ?? true,
          notify: options.notify ?? false,
        })
        .onConflictDoNothing()
        .returning();
      if (row) await record("follow.requested", { requestId: row.id, accountId: follower.id, targetAccountId: target.id });
      return row;
    });
    if (!request) {
      const [pending] = await ctx.db
        .select()
        .from(followRequests)
        .where(and(eq(followRequests.accountId, follower.id), eq(followRequests.targetAccountId, target.id)));
      return { state: "requested", request: pending };
    }
    await notify(ctx, { recipientId: target.id, fromAccountId: follower.id, type: "follow_request" });
    return { state: "requested", request };
  }
  const created = await insertFollow(ctx, follower.id, target.id, options);
  return { state: "following", follow: created };
}

async function insertFollow(ctx: DomainContext, followerId: string, targetId: string, options: FollowOptions): Promise<Follow> {
  const row = await writeAndPublish(ctx, (tx, record) => insertFollowRow(tx, record, followerId, targetId, options));
  if (!row) {
    const [existing] = await ctx.db
      .select()
      .from(follows)
      .where(and(eq(follows.accountId, followerId), eq(follows.targetAccountId, targetId)));
    return existing;
  }
  await notify(ctx, { recipientId: targetId, fromAccountId: followerId, type: "follow" });
  return row;
}

/** The follows row and its "follow.created" event; undefined when the follow already existed. */
async function insertFollowRow(tx: DbOrTx, record: Recorder, followerId: string, targetId: string, options: FollowOptions): Promise<Follow | undefined> {
  const [row] = await tx
    .insert(follows)
    .values({
      id: newId(),
      accountId: followerId,
      targetAccountId: targetId,
      uri: options.uri ?? null,
      showReblogs: options.reblogs ?? true,
      notify: options.notify ?? false,
    })
    .onConflictDoNothing()
    .returning();
  if (row) await record("follow.created", { followId: row.id, accountId: followerId, targetAccountId: targetId, uri: row.uri });
  return row;
}

/** Stops following, or withdraws a pending request. Idempotent. */
export async function unfollow(ctx: DomainContext, followerId: string, targetId: string): Promise<void> {
  const { removed, request } = await writeAndPublish(ctx, async (tx, record) => {
    const [removed] = await tx
      .delete(follows)
      .where(and(eq(follows.accountId, followerId), eq(follows.targetAccountId, targetId)))
      .returning();
    if (removed) await record("follow.removed", { followId: removed.id, uri: removed.uri, accountId: followerId, targetAccountId: targetId });
    // as Mastodon, an account one no longer follows leaves one's lists
    if (removed) await dropFromListsOf({ ...ctx, db: tx }, followerId, targetId);
    const [request] = await tx
      .delete(followRequests)
      .where(and(eq(followRequests.accountId, followerId), eq(followRequests.targetAccountId, targetId)))
      .returning();
    if (request) {
      await record("follow_request.cancelled", { requestId: request.id, uri: request.uri, accountId: followerId, targetAccountId: targetId });
    }
    return { removed, request };
  });
  if (removed) await withdrawNotifications(ctx, { recipientId: targetId, fromAccountId: followerId, type: "follow" });
  if (request) await withdrawNotifications(ctx, { recipientId: targetId, fromAccountId: followerId, type: "follow_request" });
}

/** The target (or its server, for remote targets) accepts a pending request. */
export async function authorizeFollowRequest(ctx: DomainContext, targetId: string, followerId: string): Promise<Follow> {
  const { value: accepted, publish } = await journaled(ctx, async (tx, record) => {
    const [request] = await tx
      .delete(followRequests)
      .where(and(eq(followRequests.accountId, followerId), eq(followRequests.targetAccountId, targetId)))
      .returning();
    if (!request) throw new NotFound();
    const options = { reblogs: request.showReblogs, notify: request.notify, uri: request.uri };
    return { options, row: await insertFollowRow(tx, record, followerId, targetId, options) };
  });
  await withdrawNotifications(ctx, { recipientId: targetId, fromAccountId: followerId, type: "follow_request" });
  publish();
  if (!accepted.row) return insertFollow(ctx, followerId, targetId, accepted.options);
  await notify(ctx, { recipientId: targetId, fromAccountId: followerId, type: "follow" });
  return accepted.row;
}

export async function rejectFollowRequest(ctx: DomainContext, targetId: string, followerId: string): Promise<void> {
  const { publish } = await journaled(ctx, async (tx, record) => {
    const [request] = await tx
      .delete(followRequests)
      .where(and(eq(followRequests.accountId, followerId), eq(followRequests.targetAccountId, targetId)))
      .returning();
    if (!request) throw new NotFound();
    await record("follow_request.rejected", { requestId: request.id, uri: request.uri, accountId: followerId, targetAccountId: targetId });
  });
  await withdrawNotifications(ctx, { recipientId: targetId, fromAccountId: followerId, type: "follow_request" });
  publish();
}

/** A remote server rejected (or withdrew its acceptance of) a local account's follow. */
export async function dropFollowByTarget(ctx: DomainContext, followerId: string, targetId: string): Promise<void> {
  await ctx.db.delete(followRequests).where(and(eq(followRequests.accountId, followerId), eq(followRequests.targetAccountId, targetId)));
  await ctx.db.delete(follows).where(and(eq(follows.accountId, followerId), eq(follows.targetAccountId, targetId)));
}

export async function listFollowRequests(ctx: DomainContext, targetId: string, page: PageParams): Promise<FollowRequest[]> {
  const q = pageQuery(followRequests.id, page);
  const rows = await ctx.db
    .select()
    .from(followRequests)
    .where(and(eq(followRequests.targetAccountId, targetId), q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

export interface FollowListEntry {
  /** id of the follow row (the pagination cursor) */
  cursor: string;
  accountId: string;
}

/** Followers (direction "followers") or followees ("following") of an account, newest first. */
export async function listFollows(
  ctx: DomainContext,
  accountId: string,
  direction: "followers" | "following",
  page: PageParams,
): Promise<FollowListEntry[]> {
  const q = pageQuery(follows.id, page);
  const mine = direction === "followers" ? follows.targetAccountId : follows.accountId;
  const other = direction === "followers" ? follows.accountId : follows.targetAccountId;
  const rows = await ctx.db
    .select({ cursor: follows.id, accountId: other })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, other))
    .where(and(eq(mine, accountId), sql`${accounts.suspendedAt} is null`, q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

/** How the viewer and another account stand towards each other (Mastodon's Relationship: server/entities/relationship.ts). */
export interface Relationship {
  id: string;
  following: boolean;
  /** the viewer sees their reblogs (of a follow, or of a pending request) */
  showingReblogs: boolean;
  notifying: boolean;
  followedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
  muting: boolean;
  mutingNotifications: boolean;
  requested: boolean;
  requestedBy: boolean;
}

export async function relationships(ctx: DomainContext, viewerId: string, targetIds: string[]): Promise<Relationship[]> {
  if (targetIds.length === 0) return [];
  const [out, inc, reqOut, reqIn, blk, blkBy, mut] = await Promise.all([
    ctx.db.select().from(follows).where(and(eq(follows.accountId, viewerId), inArray(follows.targetAccountId, targetIds))),
    ctx.db.select().from(follows).where(and(eq(follows.targetAccountId, viewerId), inArray(follows.accountId, targetIds))),
    ctx.db.select().from(followRequests).where(and(eq(followRequests.accountId, viewerId), inArray(followRequests.targetAccountId, targetIds))),
    ctx.db.select().from(followRequests).where(and(eq(followRequests.targetAccountId, viewerId), inArray(followRequests.accountId, targetIds))),
    ctx.db.select().from(blocks).where(and(eq(blocks.accountId, viewerId), inArray(blocks.targetAccountId, targetIds))),
    ctx.db.select().from(blocks).where(and(eq(blocks.targetAccountId, viewerId), inArray(blocks.accountId, targetIds))),
    ctx.db
      .select()
      .from(mutes)
      .where(and(eq(mutes.accountId, viewerId), inArray(mutes.targetAccountId, targetIds), sql`(${mutes.expiresAt} is null or ${mutes.expiresAt} > now())`)),
  ]);
  // a group's account is "followed" by its members and "requested" by those asking to join
  const joined = await membershipsOf(ctx, viewerId, targetIds);
  return targetIds.map((id) => {
    const g = joined.get(id);
    const f = out.find((r) => r.targetAccountId === id) ?? (g?.state === "active" ? { showReblogs: true, notify: false } : undefined);
    const r = reqOut.find((x) => x.targetAccountId === id) ?? (g?.state === "pending" ? { showReblogs: true, notify: false } : undefined);
    const m = mut.find((x) => x.targetAccountId === id);
    return {
      id,
      following: Boolean(f),
      showingReblogs: f ? f.showReblogs : (r?.showReblogs ?? false),
      notifying: f ? f.notify : (r?.notify ?? false),
      followedBy: inc.some((x) => x.accountId === id),
      blocking: blk.some((x) => x.targetAccountId === id),
      blockedBy: blkBy.some((x) => x.accountId === id),
      muting: Boolean(m),
      mutingNotifications: Boolean(m?.hideNotifications),
      requested: Boolean(r),
      requestedBy: reqIn.some((x) => x.accountId === id),
    };
  });
}

/** Local accounts following `accountId` (for delivering its posts live). */
export async function localFollowerIds(ctx: DomainContext, accountId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: follows.accountId })
    .from(follows)
    .innerJoin(users, eq(users.accountId, follows.accountId))
    .where(eq(follows.targetAccountId, accountId));
  return rows.map((r) => r.id);
}
