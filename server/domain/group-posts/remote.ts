// Posts into a local group from other servers (FEP-1b12): a Create addressed
// to the group by one of its members. The same rules as a resident's post in
// the group (groupPostVisibility: members, bans, moderators-only posting), the
// same visibility (the group's), and nothing stored when they say no.
import { and, eq, sql } from "drizzle-orm";
import { groupSignedActivities, statuses } from "../../db/schema";
import type { DomainContext } from "../context";
import { storeRemoteStatus, type RemoteStatusData } from "../statuses/remote";
import type { Status } from "../statuses/local";
import { findStatusByUri } from "../statuses/remote";
import { groupPostVisibility } from "../groups/rules";
import { findLocalGroup } from "../groups/remote";

/**
 * Stores a remote member's post into a local group; Forbidden (nothing stored)
 * for a non-member, a banned account, or a member of a moderators-only group.
 * A post we already have is returned as it is.
 */
export async function storeRemoteGroupPost(ctx: DomainContext, groupId: string, data: RemoteStatusData, signedActivity?: SignedActivity | null): Promise<Status> {
  const visibility = await groupPostVisibility(ctx, data.authorId, groupId);
  const status = await storeRemoteStatus(ctx, { ...data, visibility, groupId });
  if (signedActivity) await keepSignedGroupActivity(ctx, status.id, "Create", signedActivity);
  return status;
}

/** An activity's JSON as its author's server sent it, with the author's integrity proof (checked by federation). */
export type SignedActivity = Record<string, unknown>;

/**
 * Keeps the signed Create (or the latest signed Update) of a remote member's
 * post in one of our members-only groups, for the group to pass on embedded
 * (ADR 0024): servers that are not the author's cannot fetch such a post from
 * it. Nothing is kept for a public group (its posts are fetched from their
 * origin), for our residents' posts (the group's server embeds them itself),
 * nor for a post that is not in one of our groups.
 */
export async function keepSignedGroupActivity(ctx: DomainContext, statusId: string, kind: "Create" | "Update", activity: SignedActivity): Promise<void> {
  const [status] = await ctx.db.select({ local: statuses.local, groupId: statuses.groupId }).from(statuses).where(eq(statuses.id, statusId)).limit(1);
  if (!status || status.local || !status.groupId) return;
  const loaded = await findLocalGroup(ctx, status.groupId);
  if (!loaded || loaded.group.visibility !== "members") return;
  const json = JSON.stringify(activity);
  const insert = ctx.db.insert(groupSignedActivities).values({ statusId, kind, activity: json });
  // a Create is kept once; an Update replaces the previous one
  if (kind === "Create") await insert.onConflictDoNothing();
  else await insert.onConflictDoUpdate({ target: [groupSignedActivities.statusId, groupSignedActivities.kind], set: { activity: json, receivedAt: sql`now()` } });
}

/** The signed Create or latest Update kept for a post (keepSignedGroupActivity), or null. */
export async function signedGroupActivity(ctx: DomainContext, statusId: string, kind: "Create" | "Update"): Promise<SignedActivity | null> {
  const [row] = await ctx.db
    .select({ activity: groupSignedActivities.activity })
    .from(groupSignedActivities)
    .where(and(eq(groupSignedActivities.statusId, statusId), eq(groupSignedActivities.kind, kind)))
    .limit(1);
  if (!row) return null;
  const parsed: unknown = JSON.parse(row.activity);
  return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as SignedActivity) : null;
}

/**
 * The local group a remote post goes into: the first local group among the
 * addressed accounts, else the local group of the post it replies to (a reply
 * to a post in a group is in that group). Null when none.
 */
export async function localGroupOfPost(ctx: DomainContext, addressedGroupIds: string[], inReplyToUri: string | null): Promise<string | null> {
  for (const id of addressedGroupIds) {
    if (await findLocalGroup(ctx, id)) return id;
  }
  if (!inReplyToUri) return null;
  const parent = await findStatusByUri(ctx, inReplyToUri);
  if (!parent?.groupId) return null;
  return (await findLocalGroup(ctx, parent.groupId)) ? parent.groupId : null;
}
