// What is posted in a group: its timeline, the posts its moderators pin, and
// the posts they remove (recorded for the group's moderation log).
import { and, desc, eq, isNull } from "drizzle-orm";
import { groupPins, groupRemovals, statuses } from "../../db/schema";
import { Forbidden, Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { appendLogEntry } from "../moderation/log";
import { finishPage, pageQuery, type PageParams } from "../pagination";
import { deleteStatus, removeStatusRow, type Status } from "../statuses/local";
import { visibleTo } from "../visibility/visibility";
import { notHidden } from "../timelines/timelines";
import { getGroup, isActiveMember, mayModerate, standingIn } from "../groups/rules";

export const MAX_PINS = 10;
export const MAX_REMOVAL_REASON = 1000;

/** A members-only group's posts are read by its members only: anyone else is told so (403), not shown an empty page. */
async function checkReader(ctx: DomainContext, viewerId: string | null, groupId: string): Promise<void> {
  const { group } = await getGroup(ctx, groupId);
  if (group.visibility !== "members") return;
  const standing = await standingIn(ctx, groupId, viewerId);
  if (!isActiveMember(standing)) throw new Forbidden("This group's posts are for its members");
}

/** The group's posts (replies included), newest first, under the visibility rule like any timeline. */
export async function groupTimeline(ctx: DomainContext, viewerId: string | null, groupId: string, page: PageParams): Promise<Status[]> {
  await checkReader(ctx, viewerId, groupId);
  const q = pageQuery(statuses.id, page);
  const rows = await ctx.db
    .select()
    .from(statuses)
    .where(and(eq(statuses.groupId, groupId), isNull(statuses.reblogOfId), visibleTo(viewerId), notHidden(viewerId), q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

/** The pinned posts, the latest pinned first. */
export async function pinnedGroupStatuses(ctx: DomainContext, viewerId: string | null, groupId: string): Promise<Status[]> {
  await checkReader(ctx, viewerId, groupId);
  const rows = await ctx.db
    .select({ status: statuses })
    .from(groupPins)
    .innerJoin(statuses, eq(statuses.id, groupPins.statusId))
    .where(and(eq(groupPins.groupId, groupId), visibleTo(viewerId), notHidden(viewerId)))
    .orderBy(desc(groupPins.createdAt))
    .limit(MAX_PINS);
  return rows.map((r) => r.status);
}

/** A post of this group, for its moderators (NotFound when it is not in the group). */
async function moderatedPost(ctx: DomainContext, actorId: string, groupId: string, statusId: string): Promise<Status> {
  await getGroup(ctx, groupId);
  const standing = await standingIn(ctx, groupId, actorId);
  const [status] = await ctx.db.select().from(statuses).where(and(eq(statuses.id, statusId), eq(statuses.groupId, groupId)));
  if (!status || status.reblogOfId) throw new NotFound();
  if (!mayModerate(standing)) throw new Forbidden("Only the group's moderators may do this");
  return status;
}

export async function pinGroupStatus(ctx: DomainContext, actorId: string, groupId: string, statusId: string): Promise<Status> {
  const status = await moderatedPost(ctx, actorId, groupId, statusId);
  const pins = await ctx.db.select({ id: groupPins.statusId }).from(groupPins).where(eq(groupPins.groupId, groupId));
  if (pins.some((p) => p.id === statusId)) return status;
  if (pins.length >= MAX_PINS) throw new Invalid(`Validation failed: A group pins at most ${MAX_PINS} posts`);
  await ctx.db.insert(groupPins).values({ groupId, statusId, pinnedById: actorId }).onConflictDoNothing();
  return status;
}

export async function unpinGroupStatus(ctx: DomainContext, actorId: string, groupId: string, statusId: string): Promise<Status> {
  const status = await moderatedPost(ctx, actorId, groupId, statusId);
  await ctx.db.delete(groupPins).where(and(eq(groupPins.groupId, groupId), eq(groupPins.statusId, statusId)));
  return status;
}

/**
 * A moderator removes a post from the group: it is deleted (with its reblogs), and
 * who removed it, why, and whose it was are kept for the group's moderation log.
 */
export async function removeGroupStatus(ctx: DomainContext, actorId: string, groupId: string, statusId: string, reason = ""): Promise<void> {
  if ([...reason].length > MAX_REMOVAL_REASON) {
    throw new Invalid(`Validation failed: Reason is too long (maximum is ${MAX_REMOVAL_REASON} characters)`);
  }
  const status = await moderatedPost(ctx, actorId, groupId, statusId);
  await ctx.db.insert(groupRemovals).values({
    id: newId(),
    groupId,
    statusId: status.id,
    statusUri: status.uri,
    authorId: status.accountId,
    removedById: actorId,
    reason,
  });
  // the instance's public moderation log records the removal: the group, the role, the reason
  await appendLogEntry(ctx, {
    action: "group_removal",
    target: { type: "group", id: groupId },
    publicReason: reason,
    actorRole: "group_moderator",
    staffAccountId: actorId,
  });
  await deleteStatus(ctx, actorId, status.id, true);
}

export type GroupRemoval = typeof groupRemovals.$inferSelect;

/**
 * A remote group's server removed a post from the group (its moderators: Lemmy's
 * and Mobilizon's Delete announced by the group): the post (with its reblogs)
 * goes here too. Only a post of that group, never one of ours.
 */
export async function removeRemoteGroupPost(ctx: DomainContext, groupId: string, uri: string): Promise<boolean> {
  const [status] = await ctx.db.select().from(statuses).where(and(eq(statuses.uri, uri), eq(statuses.groupId, groupId)));
  if (!status || status.local) return false;
  const reblogs = await ctx.db.select().from(statuses).where(eq(statuses.reblogOfId, status.id));
  for (const r of reblogs) await removeStatusRow(ctx, r);
  await removeStatusRow(ctx, status);
  return true;
}
