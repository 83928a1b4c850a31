// Reject(Follow): the account a resident follows (or asked to follow) says no,
// or no longer. As for Accept, only that account, about our own Follow.
import { Follow, type Accept, type Reject } from "@fedify/vocab";
import type { Account } from "../../server/domain/accounts";
import { dropFollowByTarget } from "../../server/domain/follows";
import { findOutgoingFollow, hasPendingOrActiveFollow } from "../../server/domain/follows";
import type { Services } from "../../server/services";
import type { Context } from "@fedify/fedify";
import { embeddedObject, localAccountFor, remoteActorOf } from "../from-activitypub/lookup";
import { dropRemoteMembership, findRemoteMembership, isGroup } from "../../server/domain/groups";
import type { InboxHandler } from "./types";

/**
 * The resident whose Follow of `target` this Accept/Reject answers, or null.
 * The answer must name a follow we have on record towards `target`.
 */
export async function ourFollowOf(ctx: Context<Services>, activity: Accept | Reject, target: Account): Promise<string | null> {
  const objectId = activity.objectId;
  if (!objectId) return null;
  const d = ctx.data.domain;
  // 1. our Follow's id, as we stored it when sending
  const byUri = await findOutgoingFollow(d, target.id, objectId.href);
  if (byUri) return byUri.accountId;
  // 2. an embedded Follow (Lemmy, Mastodon): a claim, checked against our records
  const embedded = await embeddedObject(ctx, activity, false);
  let follower: Account | null = null;
  if (embedded instanceof Follow) {
    if (embedded.objectId?.href !== target.uri) return null;
    follower = await localAccountFor(ctx, embedded.actorId);
  } else {
    // 3. a Follow id on our origin that names its actor (…/users/alice#follows/…)
    follower = await localAccountFor(ctx, objectId);
  }
  if (!follower) return null;
  return (await hasPendingOrActiveFollow(d, follower.id, target.id)) ? follower.id : null;
}

/**
 * The resident whose request to join the remote group `group` this Accept/Reject
 * answers, or null: our Follow's id as stored on the membership, or an embedded
 * Follow naming the group and a resident who asked to join it.
 */
export async function ourGroupRequestOf(ctx: Context<Services>, activity: Accept | Reject, group: Account): Promise<string | null> {
  const objectId = activity.objectId;
  if (!objectId || !(await isGroup(ctx.data.domain, group.id))) return null;
  const d = ctx.data.domain;
  const byUri = await findRemoteMembership(d, group.id, { uri: objectId.href });
  if (byUri) return byUri.accountId;
  const embedded = await embeddedObject(ctx, activity, false);
  if (!(embedded instanceof Follow) || embedded.objectId?.href !== group.uri) return null;
  const member = await localAccountFor(ctx, embedded.actorId);
  if (!member) return null;
  return (await findRemoteMembership(d, group.id, { accountId: member.id })) ? member.id : null;
}

export const onReject: InboxHandler<Reject> = async (ctx, activity) => {
  const rejecter = await remoteActorOf(ctx, activity);
  if (!rejecter) return null;
  // a remote group refuses (or ends) a resident's membership
  const memberId = await ourGroupRequestOf(ctx, activity, rejecter);
  if (memberId) {
    return async (d) => {
      await dropRemoteMembership(d, rejecter.id, memberId);
    };
  }
  const followerId = await ourFollowOf(ctx, activity, rejecter);
  if (!followerId) return null;
  return async (d) => {
    await dropFollowByTarget(d, followerId, rejecter.id);
  };
};
