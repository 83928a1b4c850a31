// Accept(Follow): the account a resident asked to follow agrees (or the remote
// group a resident asked to join lets them in). Only that
// account may accept, and only a request we sent it: the Accept's object is
// our Follow's id, or an embedded Follow whose actor is a resident and whose
// object is the accepting actor. Matched to the pending request, never
// discarded by id (some servers reuse one Accept id for every follow from the
// same follower: index.ts registers it without deduplication).
import type { Accept } from "@fedify/vocab";
import { authorizeFollowRequest } from "../../server/domain/follows";
import { isFollowing } from "../../server/domain/follows";
import { remoteActorOf } from "../from-activitypub/lookup";
import { ourFollowOf, ourGroupRequestOf } from "./reject";
import { activateRemoteMembership } from "../../server/domain/groups";
import { ignore, type InboxHandler } from "./types";

export const onAccept: InboxHandler<Accept> = async (ctx, activity) => {
  const accepter = await remoteActorOf(ctx, activity);
  if (!accepter) return null;
  // a remote group lets a resident in: the membership is active
  const memberId = await ourGroupRequestOf(ctx, activity, accepter);
  if (memberId) {
    return async (d) => {
      await activateRemoteMembership(d, accepter.id, memberId);
    };
  }
  const followerId = await ourFollowOf(ctx, activity, accepter);
  if (!followerId) return ignore("no follow of the accepting actor on record");
  if (await isFollowing(ctx.data.domain, followerId, accepter.id)) return ignore("already following");
  return async (d) => {
    await authorizeFollowRequest(d, accepter.id, followerId);
  };
};
