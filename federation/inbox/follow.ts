// Follow: a remote actor follows a resident. Unlocked residents are followed
// at once (the outbox answers Accept on "follow.created"), locked ones get a
// request. A Follow of anything else here is ignored.
import { randomBytes } from "node:crypto";
import type { Follow } from "@fedify/vocab";
import { follow } from "../../server/domain/follows";
import { isFollowing } from "../../server/domain/federation-queries";
import { localAccountFor, remoteActorOf } from "../incoming/lookup";
import { sendAcceptFollow } from "../outbox";
import type { InboxHandler } from "./index";

export const onFollow: InboxHandler<Follow> = async (ctx, activity) => {
  if (!activity.id) return null;
  const target = await localAccountFor(ctx, activity.objectId);
  if (!target) return null;
  const follower = await remoteActorOf(ctx, activity);
  if (!follower) return null;
  const uri = activity.id.href;
  if (await isFollowing(ctx.data.domain, follower.id, target.id)) {
    // Its server lost our Accept (or restarted its follow): answer again, with a
    // fresh Accept id since receivers drop ids they have seen. Sent here, outside
    // the inbox transaction, because sending enqueues on the database.
    await sendAcceptFollow(ctx, follower, target, uri, randomBytes(8).toString("hex"));
    return null;
  }
  return async (d) => {
    await follow(d, follower, target, { uri });
  };
};
