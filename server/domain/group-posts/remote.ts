// Posts into a local group from other servers (FEP-1b12): a Create addressed
// to the group by one of its members. The same rules as a resident's post in
// the group (groupPostVisibility: members, bans, moderators-only posting), the
// same visibility (the group's), and nothing stored when they say no.
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
export async function storeRemoteGroupPost(ctx: DomainContext, groupId: string, data: RemoteStatusData): Promise<Status> {
  const visibility = await groupPostVisibility(ctx, data.authorId, groupId);
  return storeRemoteStatus(ctx, { ...data, visibility, groupId });
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
