// The rules every part of Parvis asks of a group: who stands where in it, and
// who may post in it. Kept apart from the rest of the concept so that statuses
// (which posts into groups) can use them without a cycle of imports.
import { and, eq, inArray } from "drizzle-orm";
import { accounts, groupBans, groupMemberships, groups, users, type GroupRole } from "../../db/schema";
import { Forbidden, NotFound } from "../../errors";
import type { DomainContext } from "../context";

export type Group = typeof groups.$inferSelect;
export type GroupAccount = typeof accounts.$inferSelect;
export type Membership = typeof groupMemberships.$inferSelect;

export interface LoadedGroup {
  group: Group;
  account: GroupAccount;
}

/** A group and its account; NotFound when there is none (or its account is suspended). */
export async function getGroup(ctx: DomainContext, id: string): Promise<LoadedGroup> {
  const [row] = await ctx.db
    .select({ group: groups, account: accounts })
    .from(groups)
    .innerJoin(accounts, eq(accounts.id, groups.accountId))
    .where(eq(groups.accountId, id));
  if (!row || row.account.suspendedAt) throw new NotFound("Group not found");
  return row;
}

/** The active members of a group among these accounts. */
export async function activeMembersAmong(ctx: DomainContext, groupId: string, accountIds: string[]): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const rows = await ctx.db
    .select({ id: groupMemberships.accountId })
    .from(groupMemberships)
    .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.state, "active"), inArray(groupMemberships.accountId, accountIds)));
  const members = new Set(rows.map((r) => r.id));
  return accountIds.filter((id) => members.has(id));
}

/** Whether this account is a group's (a group row exists for it). */
export async function isGroup(ctx: DomainContext, accountId: string): Promise<boolean> {
  const rows = await ctx.db.select({ id: groups.accountId }).from(groups).where(eq(groups.accountId, accountId));
  return rows.length > 0;
}

/** Where an account stands in a group. */
export interface Standing {
  membership: Membership | null;
  banned: boolean;
  /** an instance admin or moderator: they act as the group's admins (moderation of the instance) */
  staff: boolean;
}

export async function standingIn(ctx: DomainContext, groupId: string, accountId: string | null): Promise<Standing> {
  if (!accountId) return { membership: null, banned: false, staff: false };
  const [[membership], [ban], [user]] = await Promise.all([
    ctx.db
      .select()
      .from(groupMemberships)
      .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.accountId, accountId))),
    ctx.db
      .select({ id: groupBans.id })
      .from(groupBans)
      .where(and(eq(groupBans.groupId, groupId), eq(groupBans.accountId, accountId))),
    ctx.db.select({ role: users.role }).from(users).where(eq(users.accountId, accountId)),
  ]);
  return { membership: membership ?? null, banned: Boolean(ban), staff: user?.role === "admin" || user?.role === "moderator" };
}

/** An instance admin or moderator (they act as every local group's admins). */
export async function isInstanceStaff(ctx: DomainContext, accountId: string): Promise<boolean> {
  const [user] = await ctx.db.select({ role: users.role }).from(users).where(eq(users.accountId, accountId));
  return user?.role === "admin" || user?.role === "moderator";
}

export function isActiveMember(s: Standing): boolean {
  return s.membership?.state === "active";
}

const RANK: Record<GroupRole, number> = { member: 1, moderator: 2, admin: 3 };

/**
 * A number to compare powers: 0 outside the group (or only asking to join), 1 member,
 * 2 moderator, 3 admin; the instance's staff rank above every group role.
 */
export function rankOf(s: Standing): number {
  if (s.staff) return 4;
  return s.membership?.state === "active" ? RANK[s.membership.role] : 0;
}

export function mayModerate(s: Standing): boolean {
  return rankOf(s) >= RANK.moderator;
}

export function mayAdminister(s: Standing): boolean {
  return rankOf(s) >= RANK.admin;
}

/** Whether this standing may write a post in the group (members; moderators only in an announcement channel). */
export function mayPost(group: Group, s: Standing): boolean {
  if (s.banned || !isActiveMember(s)) return false;
  return group.posting === "members" || RANK[s.membership!.role] >= RANK.moderator;
}

/**
 * Checks that the author may post in the group and gives the visibility its posts
 * take: the group's, whatever the client asked (a members-only group's posts are
 * 'private' and read by its members; a public group's are public).
 */
export async function groupPostVisibility(ctx: DomainContext, authorId: string, groupId: string): Promise<"public" | "private"> {
  const { group } = await getGroup(ctx, groupId);
  const standing = await standingIn(ctx, groupId, authorId);
  if (standing.banned) throw new Forbidden("You are banned from this group");
  if (!isActiveMember(standing)) throw new Forbidden("Only members may post in this group");
  if (!mayPost(group, standing)) throw new Forbidden("Only moderators may post in this group");
  return group.visibility === "members" ? "private" : "public";
}

/**
 * The local group a post addresses by mentioning it (@slug), as Lemmy and Friendica
 * take a Mastodon user's post into a group: the first mentioned local group the author
 * may post in. Only where the post's audience does not widen: never for a direct post,
 * and a public group takes public or unlisted posts only (a followers-only post stays
 * the author's). Null when the post addresses no such group: it stays an ordinary post.
 */
export async function groupAddressedByMention(
  ctx: DomainContext,
  authorId: string,
  mentioned: { id: string; domain: string | null; actorType: string }[],
  visibility: "public" | "unlisted" | "private" | "direct",
): Promise<string | null> {
  if (visibility === "direct") return null;
  for (const account of mentioned) {
    if (account.domain !== null || account.actorType !== "Group") continue;
    const [row] = await ctx.db.select().from(groups).where(eq(groups.accountId, account.id));
    if (!row) continue;
    if (row.visibility === "public" && visibility === "private") continue;
    if (mayPost(row, await standingIn(ctx, account.id, authorId))) return account.id;
  }
  return null;
}
