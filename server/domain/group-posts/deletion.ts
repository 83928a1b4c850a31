// Deleting a group (docs/api.md "Deleting a group"). As Mobilizon does for a
// group, and as Lemmy does for a deleted community's posts (no longer readable),
// the group's posts go with it: they were written for the group's audience (a
// members-only group's posts are read by its members only) and kept without the
// group they would change audience. Each post goes through removeStatusRow, so
// that timelines drop it and federation sends its Delete. The account row stays,
// emptied and marked suspended (as a deleted resident's does): the slug is never
// given to another group, which remote servers would take for the same actor.
import { and, eq, isNotNull, or, sql } from "drizzle-orm";
import { accounts, accountStats, groupBans, groupMemberships, groupPins, groups, notifications, statuses, users } from "../../db/schema";
import { Forbidden, Invalid } from "../../errors";
import type { DomainContext } from "../context";
import { journaled } from "../event-journal";
import { removeMediaFiles } from "../media/attachments";
import { appendLogEntry, MAX_PUBLIC_REASON } from "../moderation/log";
import { removeStatusRow } from "../statuses/local";
import { getGroup, isActiveMember, standingIn } from "../groups/rules";

export interface DeleteGroupOptions {
  /** the public reason, written to the moderation log when the instance's staff delete a group */
  reason?: string;
}

/**
 * Deletes a local group: its admins may, and the instance's admins and moderators
 * (then the public moderation log records it as `group_deleted`, with the reason).
 * Publishes `group.deleted` with the remote members' inboxes.
 */
export async function deleteGroup(ctx: DomainContext, actorId: string, groupId: string, options: DeleteGroupOptions = {}): Promise<void> {
  const reason = options.reason ?? "";
  if ([...reason].length > MAX_PUBLIC_REASON) throw new Invalid(`Validation failed: Reason is too long (maximum is ${MAX_PUBLIC_REASON} characters)`);
  const { account } = await getGroup(ctx, groupId);
  const standing = await standingIn(ctx, groupId, actorId);
  const groupAdmin = isActiveMember(standing) && standing.membership!.role === "admin";
  if (!groupAdmin && !standing.staff) throw new Forbidden("Only the group's admins may delete it");
  if (account.domain !== null) throw new Forbidden("A remote group is deleted on its own server");

  // who must hear of it, computed before the memberships go
  const remote = await ctx.db
    .select({ inbox: sql<string | null>`coalesce(${accounts.sharedInboxUrl}, ${accounts.inboxUrl})` })
    .from(groupMemberships)
    .innerJoin(accounts, eq(accounts.id, groupMemberships.accountId))
    .where(and(eq(groupMemberships.groupId, groupId), isNotNull(accounts.domain)));
  const memberInboxes = [...new Set(remote.map((r) => r.inbox).filter((u): u is string => Boolean(u)))];

  // its posts first, one by one: each publishes status.deleted (streams, federation)
  const posts = await ctx.db.select().from(statuses).where(eq(statuses.groupId, groupId));
  for (const post of posts) {
    const reblogs = await ctx.db.select().from(statuses).where(eq(statuses.reblogOfId, post.id));
    for (const reblog of reblogs) await removeStatusRow(ctx, reblog);
    await removeStatusRow(ctx, post);
  }

  const { publish } = await journaled(ctx, async (tx, record) => {
    const now = new Date();
    // a post written meanwhile goes too (the row lock keeps the membership rules in turn)
    await tx.execute(sql`select 1 from ${groups} where ${groups.accountId} = ${groupId} for update`);
    await tx.delete(statuses).where(eq(statuses.groupId, groupId));
    await tx.delete(groupPins).where(eq(groupPins.groupId, groupId));
    await tx.delete(groupMemberships).where(eq(groupMemberships.groupId, groupId));
    await tx.delete(groupBans).where(eq(groupBans.groupId, groupId));
    await tx.delete(notifications).where(or(eq(notifications.fromAccountId, groupId), eq(notifications.parvisGroupId, groupId)));
    await tx
      .update(accounts)
      .set({ displayName: "", note: "", noteSource: "", fields: [], avatarUrl: null, headerUrl: null, locked: false, suspendedAt: now, updatedAt: now })
      .where(eq(accounts.id, groupId));
    await tx.update(accountStats).set({ followersCount: 0 }).where(eq(accountStats.accountId, groupId));
    if (!groupAdmin) {
      // the instance's moderation acted on a group: the public log says so, in the same transaction
      const [user] = await tx.select({ role: users.role }).from(users).where(eq(users.accountId, actorId));
      await appendLogEntry(
        { ...ctx, db: tx },
        { action: "group_deleted", target: { type: "group", id: groupId }, publicReason: reason, actorRole: user?.role === "admin" ? "admin" : "moderator", staffAccountId: actorId },
      );
    }
    await record("group.deleted", { groupId, uri: account.uri, memberInboxes });
  });
  publish();
  await removeMediaFiles(ctx, [account.avatarUrl, account.headerUrl]);
}
