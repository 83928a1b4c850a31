// Update: a post edited by its author (same origin, attributedTo = actor), or
// an actor's profile changed (only the actor itself; refetched from its server).
import type { Update } from "@fedify/vocab";
import { findStatusByUri, updateRemoteStatus } from "../../server/domain/remote-statuses";
import { isSupportedActor } from "../incoming/actor";
import { embeddedObject, remoteActorOf, sameOrigin } from "../incoming/lookup";
import { isPostObject } from "../incoming/note";
import { isAttributedTo, postData, rawEmbeddedObject } from "../resolve";
import type { InboxHandler } from "./index";
import { updateRemotePoll } from "../../server/domain/polls";
import { sanitizePostHtml, stripHtml } from "../../server/domain/sanitize";

export const onUpdate: InboxHandler<Update> = async (ctx, activity) => {
  const actorId = activity.actorId!;
  const objectId = activity.objectId;
  if (!objectId || !sameOrigin(objectId, actorId)) return null;

  if (objectId.href === actorId.href) {
    // the profile: fetched again from its server rather than read from the activity
    await remoteActorOf(ctx, activity, true);
    return null;
  }
  const object = await embeddedObject(ctx, activity);
  if (isSupportedActor(object)) return null;
  if (!isPostObject(object) || object.id?.href !== objectId.href || !isAttributedTo(object, actorId)) return null;
  const d = ctx.data.domain;
  const current = await findStatusByUri(d, objectId.href);
  if (!current || current.local) return null;
  const author = await remoteActorOf(ctx, activity);
  if (!author || current.accountId !== author.id) return null;
  const data = await postData(ctx, object, author, d, await rawEmbeddedObject(activity, objectId));
  if (!data) return null;
  // a Question is updated for its tallies at every vote: an edit only when the text changed
  const edited = !data.poll || sanitizePostHtml(data.content) !== current.content || stripHtml(data.spoilerText ?? "") !== current.spoilerText;
  return async (tx) => {
    if (data.poll) await updateRemotePoll(tx, current.id, data.poll);
    if (edited) await updateRemoteStatus(tx, author.id, data.uri, data);
  };
};
