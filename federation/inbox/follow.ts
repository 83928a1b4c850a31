// Follow: a remote actor follows a resident. Unlocked residents are followed
// at once (the outbox answers Accept on "follow.created"), locked ones get a
// request. A Follow of one of our groups is a join (group-follow.ts). A Follow
// of anything else here is ignored.
//
// A Follow for a follow that already exists is confirmed again (its server
// lost our Accept, or restarted the follow): the domain publishes
// "follow.reconfirmed" at most once per relationship within
// REPEATED_FOLLOW_WINDOW_MS (sixty Follows give one Accept), and the outbox
// answers it (outbox/follow-reconfirmed.ts). Nothing is sent from here.
import type { Follow } from "@fedify/vocab";
import { follow, reconfirmFollow } from "../../server/domain/follows";
import { isFollowing } from "../../server/domain/follows";
import { localAccountFor, remoteActorOf } from "../from-activitypub/lookup";
import { ignore, type InboxHandler } from "./types";
import { findLocalGroup } from "../../server/domain/groups";
import { onGroupFollow } from "./group-follow";

export const onFollow: InboxHandler<Follow> = async (ctx, activity) => {
  if (!activity.id) return ignore("Follow without an id");
  const target = await localAccountFor(ctx, activity.objectId);
  if (!target) return null;
  // one of our groups: joining it (group-follow.ts)
  const group = target.actorType === "Group" ? await findLocalGroup(ctx.data.domain, target.id) : null;
  if (group) return onGroupFollow(ctx, activity, group);
  const follower = await remoteActorOf(ctx, activity);
  if (!follower) return null;
  const uri = activity.id.href;
  const d = ctx.data.domain;
  if (await isFollowing(d, follower.id, target.id)) {
    // published at once (outside the inbox transaction: this activity has no effects of its own)
    if (!(await reconfirmFollow(d, follower, target, uri))) return ignore("already following; Accept sent recently");
    return ignore("already following; Accept sent again");
  }
  return async (tx) => {
    await follow(tx, follower, target, { uri });
  };
};
