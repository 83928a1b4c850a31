// Follow: a remote actor follows a resident. Unlocked residents are followed
// at once (the outbox answers Accept on "follow.created"), locked ones get a
// request. A Follow of anything else here is ignored.
//
// A Follow for a follow that already exists is answered with Accept again (its
// server lost ours, or restarted the follow), but at most once per
// relationship within REPEATED_FOLLOW_WINDOW_MS: sixty Follows give one Accept.
import { randomBytes } from "node:crypto";
import type { Follow } from "@fedify/vocab";
import { follow } from "../../server/domain/follows";
import { claimAcceptResend, isFollowing } from "../../server/domain/follows";
import { localAccountFor, remoteActorOf } from "../from-activitypub/lookup";
import { sendAcceptFollow } from "../outbox";
import { ignore, type InboxHandler } from "./index";

export const onFollow: InboxHandler<Follow> = async (ctx, activity) => {
  if (!activity.id) return ignore("Follow without an id");
  const target = await localAccountFor(ctx, activity.objectId);
  if (!target) return null;
  const follower = await remoteActorOf(ctx, activity);
  if (!follower) return null;
  const uri = activity.id.href;
  const d = ctx.data.domain;
  if (await isFollowing(d, follower.id, target.id)) {
    if (!(await claimAcceptResend(d, follower.id, target.id))) return ignore("already following; Accept sent recently");
    // A fresh Accept id since receivers drop ids they have seen. Sent here, outside
    // the inbox transaction, because sending enqueues on the database.
    await sendAcceptFollow(ctx, follower, target, uri, randomBytes(8).toString("hex"));
    return ignore("already following; Accept sent again");
  }
  return async (tx) => {
    await follow(tx, follower, target, { uri });
  };
};
