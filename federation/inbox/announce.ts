// Announce: a boost. The boosted post is looked up by its id, or fetched from
// its own server when unknown: an embedded copy is never believed (it could
// claim any origin). Lemmy groups announce whole activities
// (Announce(Create(Page))): the post inside is handled the same way.
import { Create, type Announce } from "@fedify/vocab";
import { reblog } from "../../server/domain/interactions";
import { hasLocalFollowers } from "../../server/domain/follows";
import { findStatusByUri } from "../../server/domain/statuses";
import { embeddedObject, remoteActorOf, sameOrigin } from "../from-activitypub/lookup";
import { isLocalUrl } from "../../server/urls";
import { resolvePost } from "../resolve";
import type { InboxHandler } from "./types";

export const onAnnounce: InboxHandler<Announce> = async (ctx, activity) => {
  if (!activity.id) return null;
  let objectId = activity.objectId;
  if (!objectId) return null;
  // an announced activity (Lemmy): read only when the announcer's origin vouches for it
  if (sameOrigin(objectId, activity.actorId)) {
    const inner = await embeddedObject(ctx, activity);
    if (inner instanceof Create) objectId = inner.objectId;
  }
  if (!objectId) return null;
  const d = ctx.data.domain;
  const announcer = await remoteActorOf(ctx, activity);
  if (!announcer) return null;
  let status = await findStatusByUri(d, objectId.href);
  if (!status) {
    if (isLocalUrl(ctx.data.config.origin, objectId) || !(await hasLocalFollowers(d, announcer.id))) return null;
    status = (await resolvePost(ctx, objectId)) ?? undefined;
  }
  if (!status || status.reblogOfId) return null;
  if (!status.local && !(await hasLocalFollowers(d, announcer.id))) return null;
  const uri = activity.id.href;
  const createdAt = activity.published ? new Date(activity.published.epochMilliseconds) : undefined;
  const originalId = status.id;
  return async (tx) => {
    await reblog(tx, announcer, originalId, { uri, createdAt: createdAt && createdAt.getTime() < Date.now() ? createdAt : undefined });
  };
};
