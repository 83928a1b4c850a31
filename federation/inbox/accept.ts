// Accept(Follow): the account a resident asked to follow agrees. Only that
// account may accept, and only a request we sent it: the Accept's object is
// our Follow's id, or an embedded Follow whose actor is a resident and whose
// object is the accepting actor. Matched to the pending request, never
// discarded by id (some servers reuse one Accept id for every follow from the
// same follower: index.ts registers it without deduplication).
import type { Accept } from "@fedify/vocab";
import { authorizeFollowRequest } from "../../server/domain/follows";
import { isFollowing } from "../../server/domain/follows";
import { remoteActorOf } from "../from-activitypub/lookup";
import { ourFollowOf } from "./reject";
import { ignore, type InboxHandler } from "./types";

export const onAccept: InboxHandler<Accept> = async (ctx, activity) => {
  const accepter = await remoteActorOf(ctx, activity);
  if (!accepter) return null;
  const followerId = await ourFollowOf(ctx, activity, accepter);
  if (!followerId) return ignore("no follow of the accepting actor on record");
  if (await isFollowing(ctx.data.domain, followerId, accepter.id)) return ignore("already following");
  return async (d) => {
    await authorizeFollowRequest(d, accepter.id, followerId);
  };
};
