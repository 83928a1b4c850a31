// A local group as other servers meet it (FEP-1b12): found by its slug, joined
// by a remote actor's Follow, and its members as delivery targets. The rules
// are the ones residents meet (joinGroup, leaveGroup, bans); federation only
// translates activities into these calls and the events they raise into
// activities.
import { and, asc, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import { accounts, groupMemberships, groups } from "../../db/schema";
import type { DomainContext } from "../context";
import type { Account } from "../accounts/local";
import { joinGroup } from "./memberships";
import { getGroup, standingIn, type LoadedGroup, type Membership } from "./rules";

/** A local, unsuspended group by its slug (its actor's identifier), or null. */
export async function findLocalGroupBySlug(ctx: DomainContext, slug: string): Promise<LoadedGroup | null> {
  const [row] = await ctx.db
    .select({ group: groups, account: accounts })
    .from(groups)
    .innerJoin(accounts, eq(accounts.id, groups.accountId))
    .where(and(sql`lower(${accounts.username}) = lower(${slug})`, isNull(accounts.domain), isNull(accounts.suspendedAt)));
  return row ?? null;
}

/** A local group by its account id, or null when the id is not a local group's. */
export async function findLocalGroup(ctx: DomainContext, groupId: string): Promise<LoadedGroup | null> {
  try {
    const loaded = await getGroup(ctx, groupId);
    return loaded.account.domain === null ? loaded : null;
  } catch {
    return null;
  }
}

export type RemoteJoinOutcome = { state: "active" | "pending"; membership: Membership } | { state: "refused" };

/**
 * A remote actor's Follow of a local group. A banned actor is refused (Reject);
 * otherwise it joins as a resident would: at once in an open group (Accept), as
 * a join request in an approval group (Accept once a moderator approves, Reject
 * if one refuses). The Follow is taken as acceptance of the charter the group's
 * actor shows (its text and version): the acceptance is recorded with its date
 * and that version, which is what a vigilance group requires. A repeated Follow
 * of an active member is accepted again (its server lost our Accept).
 */
export async function joinGroupFromRemote(ctx: DomainContext, account: Account, groupId: string, followUri: string): Promise<RemoteJoinOutcome> {
  const { group } = await getGroup(ctx, groupId);
  const standing = await standingIn(ctx, groupId, account.id);
  if (standing.banned) {
    ctx.events.emit("group.join.refused", { groupId, accountId: account.id, uri: followUri });
    return { state: "refused" };
  }
  const membership = await joinGroup(ctx, account, groupId, { acceptCharter: group.charter !== "", uri: followUri });
  if (membership.uri !== followUri) {
    // a new Follow for an existing membership: answered under its own id
    await ctx.db.update(groupMemberships).set({ uri: followUri }).where(eq(groupMemberships.id, membership.id));
  }
  if (membership.state === "active") ctx.events.emit("group.member.accepted", { groupId, accountId: account.id, uri: followUri });
  return { state: membership.state, membership: { ...membership, uri: followUri } };
}

/** A remote member's inboxes, as a delivery target. */
export interface MemberInboxes {
  uri: string;
  inboxUrl: string | null;
  sharedInboxUrl: string | null;
}

/**
 * Where a group's activities go: one target per remote server its active members
 * are on (a shared inbox when the server has one, else each member's inbox).
 * Deduplicated here, so that a group of 2,000 members on 50 servers is 50 requests.
 */
export async function remoteMemberInboxes(ctx: DomainContext, groupId: string): Promise<MemberInboxes[]> {
  const rows = await ctx.db
    .select({ uri: accounts.uri, inboxUrl: accounts.inboxUrl, sharedInboxUrl: accounts.sharedInboxUrl })
    .from(groupMemberships)
    .innerJoin(accounts, eq(accounts.id, groupMemberships.accountId))
    .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.state, "active"), isNotNull(accounts.domain), isNull(accounts.suspendedAt)))
    .orderBy(asc(groupMemberships.id));
  const seen = new Set<string>();
  const targets: MemberInboxes[] = [];
  for (const r of rows) {
    const key = r.sharedInboxUrl ?? r.inboxUrl ?? r.uri;
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push(r);
  }
  return targets;
}

export interface MemberUriPage {
  items: string[];
  nextCursor: string | null;
}

const COLLECTION_PAGE = 100;

/** The members a group's collections list (active, not suspended), or its moderators only; joined with accounts. */
function listedMembers(groupId: string, moderatorsOnly: boolean) {
  return and(
    eq(groupMemberships.groupId, groupId),
    eq(groupMemberships.state, "active"),
    isNull(accounts.suspendedAt),
    moderatorsOnly ? sql`${groupMemberships.role} in ('admin', 'moderator')` : undefined,
  );
}

/**
 * A page of a group's active members' actor ids (its followers and members
 * collections), oldest first; `role` narrows to moderators (admins included).
 */
export async function groupMemberUris(
  ctx: DomainContext,
  groupId: string,
  cursor: string | null,
  moderatorsOnly = false,
): Promise<MemberUriPage> {
  const rows = await ctx.db
    .select({ id: groupMemberships.id, uri: accounts.uri })
    .from(groupMemberships)
    .innerJoin(accounts, eq(accounts.id, groupMemberships.accountId))
    .where(and(listedMembers(groupId, moderatorsOnly), cursor && /^\d{1,20}$/.test(cursor) ? gt(groupMemberships.id, cursor) : undefined))
    .orderBy(asc(groupMemberships.id))
    .limit(COLLECTION_PAGE + 1);
  const more = rows.length > COLLECTION_PAGE;
  const page = rows.slice(0, COLLECTION_PAGE);
  return { items: page.map((r) => r.uri), nextCursor: more ? page[page.length - 1].id : null };
}

export async function countGroupMembers(ctx: DomainContext, groupId: string, moderatorsOnly = false): Promise<number> {
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(groupMemberships)
    .innerJoin(accounts, eq(accounts.id, groupMemberships.accountId))
    .where(listedMembers(groupId, moderatorsOnly));
  return Number(row?.n ?? 0);
}

/** The membership (or join request) a remote actor's Follow created, by the Follow's id. */
export async function membershipOfFollow(ctx: DomainContext, accountId: string, followUri: string): Promise<Membership | null> {
  const [row] = await ctx.db
    .select()
    .from(groupMemberships)
    .where(and(eq(groupMemberships.accountId, accountId), eq(groupMemberships.uri, followUri)))
    .limit(1);
  return row ?? null;
}
