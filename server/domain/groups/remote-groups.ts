// Remote groups (a Lemmy community, a Mobilizon group, another Parvis's group),
// as residents join and read them: the groups row federation records for a
// Group actor, memberships that wait for the group's Accept, and leaving.
// The group decides on its own server: our side only records the answer.
import { and, eq } from "drizzle-orm";
import { groupMemberships, groups, users, type GroupKind } from "../../db/schema";
import { Forbidden } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { writeAndPublish } from "../event-journal";
import type { Account } from "../accounts/local";
import { recountMembers } from "./groups";
import { standingIn, type LoadedGroup, type Membership } from "./rules";

/** What a remote Group actor tells of itself (federation/from-activitypub/actor.ts reads it). */
export interface RemoteGroupData {
  /** what another Parvis says it is (others have no kinds: 'topic') */
  kind?: GroupKind;
  /** whether its posts are for its members only (another Parvis says so) */
  visibility?: "public" | "members";
  /** its members collection (Mobilizon `members`), when it names one */
  membersUrl?: string | null;
  /** its moderators collection (Lemmy's `attributedTo`, FEP-1b12), when it names one */
  moderatorsUrl?: string | null;
  /** Lemmy's `postingRestrictedToMods`: an announcement channel */
  posting?: "members" | "moderators";
  /** `manuallyApprovesFollowers`: joining is a request its moderators answer */
  membership?: "open" | "approval";
  /** another Parvis's charter and its version (kept as they are when the actor names none) */
  charter?: string;
  charterVersion?: number;
}

/**
 * Records (or refreshes) the groups row of a remote Group actor, so that it has
 * the local id and the endpoints of our own groups. A remote group is a 'topic'
 * group unless it says otherwise (another Parvis names its kind).
 */
export async function recordRemoteGroup(ctx: DomainContext, account: Account, data: RemoteGroupData): Promise<void> {
  if (account.domain === null) throw new Forbidden("Not a remote group");
  const values = {
    membersUrl: data.membersUrl ?? null,
    moderatorsUrl: data.moderatorsUrl ?? null,
    posting: data.posting ?? "members",
    membership: data.membership ?? (account.locked ? "approval" : "open"),
    visibility: data.visibility ?? "public",
    ...(data.kind ? { kind: data.kind } : {}),
    ...(data.charter !== undefined ? { charter: data.charter, ...(data.charterVersion !== undefined ? { charterVersion: Math.max(1, Math.trunc(data.charterVersion)) } : {}) } : {}),
  } as const;
  await ctx.db
    .insert(groups)
    .values({ accountId: account.id, kind: "topic", ...values })
    .onConflictDoUpdate({ target: groups.accountId, set: { ...values, updatedAt: new Date() } });
}

/**
 * A resident joins a remote group: the membership waits (pending) for the
 * group's Accept, and the outbox sends the Follow (`remote_group.join_requested`).
 * Asking again while pending sends the Follow again (its server may have lost it).
 */
export async function joinRemoteGroup(ctx: DomainContext, account: Account, loaded: LoadedGroup): Promise<Membership> {
  if (account.domain !== null) throw new Forbidden("Only residents join a remote group from here");
  const groupId = loaded.group.accountId;
  const standing = await standingIn(ctx, groupId, account.id);
  if (standing.banned) throw new Forbidden("You are banned from this group");
  if (standing.membership?.state === "active") return standing.membership;
  return writeAndPublish(ctx, async (tx, record) => {
    let row = standing.membership;
    if (!row) {
      [row] = await tx
        .insert(groupMemberships)
        .values({ id: newId(), groupId, accountId: account.id, role: "member", state: "pending" })
        .onConflictDoNothing()
        .returning();
    }
    if (!row) {
      // a concurrent join won
      [row] = await tx.select().from(groupMemberships).where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.accountId, account.id)));
      return row;
    }
    await record("remote_group.join_requested", { membershipId: row.id, accountId: account.id, groupId });
    return row;
  });
}

/** The Follow id the outbox sent for a membership request (the Accept or Reject names it). */
export async function setRemoteMembershipUri(ctx: DomainContext, membershipId: string, uri: string): Promise<void> {
  await ctx.db.update(groupMemberships).set({ uri }).where(eq(groupMemberships.id, membershipId));
}

/** A resident's membership of a remote group, by the id of the Follow we sent, or by the resident. */
export async function findRemoteMembership(
  ctx: DomainContext,
  groupId: string,
  by: { uri: string } | { accountId: string },
): Promise<Membership | undefined> {
  const [row] = await ctx.db
    .select()
    .from(groupMemberships)
    .where(
      and(
        eq(groupMemberships.groupId, groupId),
        "uri" in by ? eq(groupMemberships.uri, by.uri) : eq(groupMemberships.accountId, by.accountId),
      ),
    );
  return row;
}

/** The remote group accepted a resident's Follow: the membership is active. Idempotent. */
export async function activateRemoteMembership(ctx: DomainContext, groupId: string, accountId: string): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(groupMemberships)
      .set({ state: "active", joinedAt: new Date() })
      .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.accountId, accountId), eq(groupMemberships.state, "pending")))
      .returning({ id: groupMemberships.id });
    if (row) await recountMembers(tx, groupId);
    return Boolean(row);
  });
}

/** The remote group rejected the request, or removed the member: the membership goes. Idempotent. */
export async function dropRemoteMembership(ctx: DomainContext, groupId: string, accountId: string): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const gone = await tx
      .delete(groupMemberships)
      .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.accountId, accountId)))
      .returning({ id: groupMemberships.id });
    if (gone.length) await recountMembers(tx, groupId);
    return gone.length > 0;
  });
}

/** Whether residents here belong to this group (what it announces is kept only then). */
export async function hasActiveMembersHere(ctx: DomainContext, groupId: string): Promise<boolean> {
  const rows = await ctx.db
    .select({ id: groupMemberships.id })
    .from(groupMemberships)
    .innerJoin(users, eq(users.accountId, groupMemberships.accountId))
    .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.state, "active")))
    .limit(1);
  return rows.length > 0;
}
