// Like (and Misskey's EmojiReact, or a Like with an emoji as content): a
// favourite of a resident's post or of a post we know.
import type { EmojiReact, Like } from "@fedify/vocab";
import { favourite } from "../../server/domain/interactions";
import { findStatusByUri } from "../../server/domain/statuses";
import { remoteActorOf } from "../from-activitypub/lookup";
import type { InboxHandler } from "./types";

export const onLike: InboxHandler<Like | EmojiReact> = async (ctx, activity) => {
  const objectId = activity.objectId;
  if (!objectId) return null;
  const status = await findStatusByUri(ctx.data.domain, objectId.href);
  if (!status || status.reblogOfId) return null;
  const actor = await remoteActorOf(ctx, activity);
  if (!actor) return null;
  const uri = activity.id?.href ?? null;
  return async (d) => {
    await favourite(d, actor, status.id, uri);
  };
};
