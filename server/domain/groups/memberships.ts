// Belonging to a group: joining (with the charter), leaving, join requests,
// roles, removal and bans.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { accounts, groupBans, groupMemberships, groups, type GroupRole } from "../../db/schema";
import { Forbidden, Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import type { DbOrTx } from "../../db/open";
import type { DomainContext } from "../context";
import { finishPage, pageQuery, type PageParams } from "../pagination";
import type { Account } from "../accounts/local";
import { recountMembers } from "./groups";
import { notify } from "../notifications/notifications";
import { joinRemoteGroup } from "./remote-groups";
import { writeAndPublish } from "../event-journal";
import { getGroup, isActiveMember, mayAdminister, mayModerate, rankOf, standingIn, type Membership } from "./rules";

export const MAX_BAN_REASON = 1000;

export interface JoinInput {
  /** the member accepts the group's charter (required for vigilance groups) */
  acceptCharter?: boolean;
  /** the Follow activity of a remote member */
  uri?: string | null;
}

/**
 * Joins a group, or asks to when its membership is approved by moderators. Joining
 * again is harmless; with `acceptCharter` it records the acceptance of the current version.
 */
export async function joinGroup(ctx: DomainContext, account: Account, groupId: string, input: JoinInput = {}): Promise<Membership> {
  const loaded = await getGroup(ctx, groupId);
  const { group } = loaded;
  // a remote group decides on its server: the request waits for its Accept
  if (loaded.account.domain !== null) return joinRemoteGroup(ctx, account, loaded);
  if (account.id === groupId) throw new Invalid("Validation failed: A group cannot join itself");
  const standing = await standingIn(ctx, groupId, account.id);
  if (standing.banned) throw new Forbidden("You are banned from this group");
  const now = new Date();
  const charter = input.acceptCharter ? { charterAcceptedAt: now, charterVersion: group.charterVersion } : null;
  if (standing.membership) {
    if (!charter) return standing.membership;
    const [updated] = await ctx.db.update(groupMemberships).set(charter).where(eq(groupMemberships.id, standing.membership.id)).returning();
    return updated;
  }
  if (group.kind === "vigilance" && !charter) {
    throw new Invalid("Validation failed: The charter of this group must be accepted to join it");
  }
  const active = group.membership === "open";
  let fresh = false;
  const created = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(groupMemberships)
      .values({
        id: newId(),
        groupId,
        accountId: account.id,
        role: "member",
        state: active ? "active" : "pending",
        joinedAt: active ? now : null,
        uri: input.uri ?? null,
        ...(charter ?? {}),
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      // a concurrent join won
      const [existing] = await tx
        .select()
        .from(groupMemberships)
        .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.accountId, account.id)));
      return existing;
    }
    if (active) await recountMembers(tx, groupId);
    fresh = true;
    return row;
  });
  if (fresh && created.state === "pending") await notifyModerators(ctx, groupId, account.id);
  return created;
}

/** A join request tells the group's admins and moderators (those who are residents here). */
async function notifyModerators(ctx: DomainContext, groupId: string, requesterId: string): Promise<void> {
  const staff = await ctx.db
    .select({ id: groupMemberships.accountId })
    .from(groupMemberships)
    .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.state, "active"), inArray(groupMemberships.role, ["admin", "moderator"])));
  for (const { id } of staff) {
    await notify(ctx, { recipientId: id, fromAccountId: requesterId, type: "parvis.group_request", parvisGroupId: groupId });
  }
}

/** Locks the group's row: role changes and departures take turns, so "the last admin" is decided once. */
async function lockGroup(tx: DbOrTx, groupId: string): Promise<void> {
  await tx.execute(sql`select 1 from ${groups} where ${groups.accountId} = ${groupId} for update`);
}

async function adminCount(tx: DbOrTx, groupId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(groupMemberships)
    .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.role, "admin"), eq(groupMemberships.state, "active")));
  return Number(row?.n ?? 0);
}

/**
 * When the last admin goes, the group is not left without one: the longest-standing
 * moderator becomes admin, or else the longest-standing member. A group nobody is
 * left in has no admin; the instance's staff still manage it.
 */
async function keepAnAdmin(tx: DbOrTx, groupId: string): Promise<void> {
  if ((await adminCount(tx, groupId)) > 0) return;
  const [heir] = await tx
    .select({ id: groupMemberships.id })
    .from(groupMemberships)
    .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.state, "active")))
    .orderBy(sql`case ${groupMemberships.role} when 'moderator' then 0 else 1 end`, asc(groupMemberships.joinedAt), asc(groupMemberships.id))
    .limit(1);
  if (heir) await tx.update(groupMemberships).set({ role: "admin" }).where(eq(groupMemberships.id, heir.id));
}

/** Leaves a group, or withdraws a join request. Always possible; idempotent. */
export async function leaveGroup(ctx: DomainContext, accountId: string, groupId: string): Promise<void> {
  const { account: groupAccount } = await getGroup(ctx, groupId);
  await writeAndPublish(ctx, async (tx, record) => {
    await lockGroup(tx, groupId);
    const [gone] = await tx
      .delete(groupMemberships)
      .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.accountId, accountId)))
      .returning();
    if (!gone) return;
    if (gone.role === "admin") await keepAnAdmin(tx, groupId);
    await recountMembers(tx, groupId);
    // a remote group hears of it: Undo(Follow)
    if (groupAccount.domain !== null) await record("remote_group.left", { membershipId: gone.id, accountId, groupId, uri: gone.uri });
  });
}

export interface MemberRow {
  membership: Membership;
  account: Account;
}

async function moderatorStanding(ctx: DomainContext, actorId: string, groupId: string) {
  await getGroup(ctx, groupId);
  const standing = await standingIn(ctx, groupId, actorId);
  if (!mayModerate(standing)) throw new Forbidden("Only the group's moderators may do this");
  return standing;
}

/** Pending join requests, oldest first (moderators). Paginated by the request's id. */
export async function joinRequests(ctx: DomainContext, actorId: string, groupId: string, page: PageParams): Promise<MemberRow[]> {
  await moderatorStanding(ctx, actorId, groupId);
  return memberRows(ctx, groupId, "pending", page);
}

async function memberRows(ctx: DomainContext, groupId: string, state: "pending" | "active", page: PageParams, role?: GroupRole): Promise<MemberRow[]> {
  const q = pageQuery(groupMemberships.id, page);
  const rows = await ctx.db
    .select({ membership: groupMemberships, account: accounts })
    .from(groupMemberships)
    .innerJoin(accounts, eq(accounts.id, groupMemberships.accountId))
    .where(
      and(
        eq(groupMemberships.groupId, groupId),
        eq(groupMemberships.state, state),
        role ? eq(groupMemberships.role, role) : undefined,
        sql`${accounts.suspendedAt} is null`,
        q.where,
      ),
    )
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

/**
 * Active members, the newest first. A public group's members are listed to anyone;
 * a members-only group's to its members (and the instance's staff) only.
 */
export async function groupMembers(ctx: DomainContext, viewerId: string | null, groupId: string, page: PageParams, role?: GroupRole): Promise<MemberRow[]> {
  const { group } = await getGroup(ctx, groupId);
  if (group.visibility === "members") {
    const standing = await standingIn(ctx, groupId, viewerId);
    if (!isActiveMember(standing) && !standing.staff) throw new Forbidden("This group's members are listed to its members only");
  }
  return memberRows(ctx, groupId, "active", page, role);
}

async function pendingRequest(ctx: DomainContext, groupId: string, accountId: string): Promise<Membership> {
  const [row] = await ctx.db
    .select()
    .from(groupMemberships)
    .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.accountId, accountId), eq(groupMemberships.state, "pending")));
  if (!row) throw new NotFound("Join request not found");
  return row;
}

export async function approveJoinRequest(ctx: DomainContext, actorId: string, groupId: string, accountId: string): Promise<Membership> {
  await moderatorStanding(ctx, actorId, groupId);
  const request = await pendingRequest(ctx, groupId, accountId);
  const approved = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(groupMemberships)
      .set({ state: "active", joinedAt: new Date() })
      .where(and(eq(groupMemberships.id, request.id), eq(groupMemberships.state, "pending")))
      .returning();
    if (!row) throw new NotFound("Join request not found");
    await recountMembers(tx, groupId);
    return row;
  });
  // the requester hears of it, from the group
  await notify(ctx, { recipientId: accountId, fromAccountId: groupId, type: "parvis.group_approved", parvisGroupId: groupId });
  // a remote member's Follow is answered now (federation: Accept)
  ctx.events.emit("group.member.accepted", { groupId, accountId, uri: approved.uri });
  return approved;
}

export async function rejectJoinRequest(ctx: DomainContext, actorId: string, groupId: string, accountId: string): Promise<void> {
  await moderatorStanding(ctx, actorId, groupId);
  const request = await pendingRequest(ctx, groupId, accountId);
  const gone = await ctx.db
    .delete(groupMemberships)
    .where(and(eq(groupMemberships.id, request.id), eq(groupMemberships.state, "pending")))
    .returning({ id: groupMemberships.id });
  // a remote member's Follow is answered now (federation: Reject)
  if (gone.length > 0) ctx.events.emit("group.join.refused", { groupId, accountId, uri: request.uri });
}

/** Gives an active member another role (the group's admins). The group keeps at least one admin. */
export async function setMemberRole(ctx: DomainContext, actorId: string, groupId: string, accountId: string, role: GroupRole): Promise<Membership> {
  await getGroup(ctx, groupId);
  if (!mayAdminister(await standingIn(ctx, groupId, actorId))) throw new Forbidden("Only the group's admins may change roles");
  const changed = await ctx.db.transaction(async (tx) => {
    await lockGroup(tx, groupId);
    const [current] = await tx
      .select()
      .from(groupMemberships)
      .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.accountId, accountId), eq(groupMemberships.state, "active")));
    if (!current) throw new NotFound("Member not found");
    if (current.role === role) return { row: current, promoted: false };
    if (current.role === "admin" && (await adminCount(tx, groupId)) <= 1) {
      throw new Invalid("Validation failed: A group keeps at least one admin");
    }
    const [row] = await tx.update(groupMemberships).set({ role }).where(eq(groupMemberships.id, current.id)).returning();
    return { row, promoted: RANK_OF[role] > RANK_OF[current.role] };
  });
  // a promotion (to moderator or admin) is told to the member, from the group
  if (changed.promoted) await notify(ctx, { recipientId: accountId, fromAccountId: groupId, type: "parvis.group_promoted", parvisGroupId: groupId });
  return changed.row;
}

const RANK_OF: Record<GroupRole, number> = { member: 1, moderator: 2, admin: 3 };

/** Removes a member (moderators remove members, admins moderators too). They may join again. */
export async function removeMember(ctx: DomainContext, actorId: string, groupId: string, accountId: string): Promise<void> {
  const actor = await moderatorStanding(ctx, actorId, groupId);
  if (actorId === accountId) throw new Invalid("Validation failed: Leave the group instead");
  const target = await standingIn(ctx, groupId, accountId);
  if (!target.membership || target.membership.state !== "active") throw new NotFound("Member not found");
  if (rankOf(target) >= rankOf(actor)) throw new Forbidden("You may not remove this member");
  await writeAndPublish(ctx, async (tx, record) => {
    await lockGroup(tx, groupId);
    const gone = await tx.delete(groupMemberships).where(eq(groupMemberships.id, target.membership!.id)).returning();
    await keepAnAdmin(tx, groupId);
    await recountMembers(tx, groupId);
    // a remote member's server hears that its Follow no longer stands (federation: Reject, as Mastodon's "remove follower")
    for (const m of gone) await record("group.join.refused", { groupId, accountId, uri: m.uri });
  });
}

export type Ban = typeof groupBans.$inferSelect;

/**
 * Bans an account (a member or not): its membership or request goes, it may not join
 * again nor post. Its past posts stay until a moderator removes them.
 */
export async function banFromGroup(ctx: DomainContext, actorId: string, groupId: string, accountId: string, reason = ""): Promise<Ban> {
  const actor = await moderatorStanding(ctx, actorId, groupId);
  if (actorId === accountId) throw new Invalid("Validation failed: You cannot ban yourself");
  if (accountId === groupId) throw new Invalid("Validation failed: A group cannot ban itself");
  if ([...reason].length > MAX_BAN_REASON) throw new Invalid(`Validation failed: Reason is too long (maximum is ${MAX_BAN_REASON} characters)`);
  const [account] = await ctx.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw new NotFound("Account not found");
  const target = await standingIn(ctx, groupId, accountId);
  // staff of the instance outrank the group's roles; a group's moderator cannot ban its admins
  if (rankOf(target) >= rankOf(actor) || (target.staff && !actor.staff)) throw new Forbidden("You may not ban this account");
  return writeAndPublish(ctx, async (tx, record) => {
    await lockGroup(tx, groupId);
    const gone = await tx.delete(groupMemberships).where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.accountId, accountId))).returning();
    // a banned member's (or requester's) server hears that its Follow no longer stands (federation: Reject)
    for (const m of gone) await record("group.join.refused", { groupId, accountId, uri: m.uri });
    await keepAnAdmin(tx, groupId);
    await recountMembers(tx, groupId);
    const [row] = await tx
      .insert(groupBans)
      .values({ id: newId(), groupId, accountId, bannedById: actorId, reason })
      .onConflictDoUpdate({ target: [groupBans.groupId, groupBans.accountId], set: { reason, bannedById: actorId } })
      .returning();
    return row;
  });
}

export async function unbanFromGroup(ctx: DomainContext, actorId: string, groupId: string, accountId: string): Promise<void> {
  await moderatorStanding(ctx, actorId, groupId);
  const gone = await ctx.db
    .delete(groupBans)
    .where(and(eq(groupBans.groupId, groupId), eq(groupBans.accountId, accountId)))
    .returning({ id: groupBans.id });
  if (gone.length === 0) throw new NotFound("Ban not found");
}

export interface BanRow {
  ban: Ban;
  account: Account;
}

export async function groupBansList(ctx: DomainContext, actorId: string, groupId: string, page: PageParams): Promise<BanRow[]> {
  await moderatorStanding(ctx, actorId, groupId);
  const q = pageQuery(groupBans.id, page);
  const rows = await ctx.db
    .select({ ban: groupBans, account: accounts })
    .from(groupBans)
    .innerJoin(accounts, eq(accounts.id, groupBans.accountId))
    .where(and(eq(groupBans.groupId, groupId), q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

/** The viewer's memberships among these groups (relationships of group accounts). */
export async function membershipsOf(ctx: DomainContext, accountId: string, groupIds: string[]): Promise<Map<string, Membership>> {
  if (groupIds.length === 0) return new Map();
  const rows = await ctx.db
    .select()
    .from(groupMemberships)
    .where(and(eq(groupMemberships.accountId, accountId), inArray(groupMemberships.groupId, groupIds)));
  return new Map(rows.map((r) => [r.groupId, r]));
}
