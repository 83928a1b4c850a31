// Follow: a remote actor follows a resident. Unlocked residents are followed
// at once (the outbox answers Accept on "follow.created"), locked ones get a
// request. A Follow of anything else here is ignored.
import type { Follow } from "@fedify/vocab";
import { follow } from "../../server/domain/follows";
import { localAccountFor, remoteActorOf } from "../incoming/lookup";
import type { InboxHandler } from "./index";

export const onFollow: InboxHandler<Follow> = async (ctx, activity) => {
  if (!activity.id) return null;
  const target = await localAccountFor(ctx, activity.objectId);
  if (!target) return null;
  const follower = await remoteActorOf(ctx, activity);
  if (!follower) return null;
  const uri = activity.id.href;
  return async (d) => {
    await follow(d, follower, target, { uri });
  };
};
