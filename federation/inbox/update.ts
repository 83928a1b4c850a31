// Update: a post edited by its author (same origin, attributedTo = actor), or
// an actor's profile changed (only the actor itself; refetched from its server).
// An Update that changes nothing of the post, or is older than the version we
// have, is not an edit (remoteEditKind).
import type { Update } from "@fedify/vocab";
import { findStatusByUri, remoteEditKind, updateRemoteStatus } from "../../server/domain/statuses";
import { isSupportedActor } from "../from-activitypub/actor";
import { embeddedObject, remoteActorOf, sameOrigin } from "../from-activitypub/lookup";
import { isPostObject } from "../from-activitypub/note";
import { isAttributedTo, postData, rawEmbeddedObject } from "../resolve";
import { ignore, type InboxHandler } from "./types";
import { updateRemotePoll } from "../../server/domain/polls";
import { recordRemoteObservation } from "../../server/domain/observations";
import { observationOf } from "../from-activitypub/observation";
import { rawOf } from "../from-activitypub/note";
import { keepSignedGroupActivity } from "../../server/domain/group-posts";
import { signedGroupPostActivity } from "./group-create";

export const onUpdate: InboxHandler<Update> = async (ctx, activity) => {
  const actorId = activity.actorId!;
  const objectId = activity.objectId;
  if (!objectId || !sameOrigin(objectId, actorId)) return null;

  if (objectId.href === actorId.href) {
    // the profile: fetched again from its server rather than read from the activity; for a
    // Group (a remote group residents belong to) its groups row too: terms, charter (resolve.ts storeActor)
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
  // the object's JSON, made once for the status data and the observation extension
  const raw = await rawOf(object, await rawEmbeddedObject(activity, objectId));
  const data = await postData(ctx, object, author, d, raw);
  if (!data) return null;
  // an observation's state and confirmations change without an edit of the text: its own updatedAt orders them
  const observation = observationOf(raw);
  // a Question is sent again at every vote for its tallies: those are stored, and it is an edit only when what is shown changed
  const kind = await remoteEditKind(d, current, data);
  if (kind === "stale" && !observation) return ignore("Update older than the stored version");
  if (kind === "unchanged" && !data.poll && !observation) return ignore("Update changes nothing of the post");
  // an edit of a post in one of our members-only groups: the Update its author signed, for the group to pass on (ADR 0024)
  const signed = kind === "edit" && current.groupId ? await signedGroupPostActivity(ctx, activity, current.groupId) : null;
  return async (tx) => {
    if (data.poll) await updateRemotePoll(tx, current.id, data.poll);
    if (signed) await keepSignedGroupActivity(tx, current.id, "Update", signed);
    if (kind === "edit") await updateRemoteStatus(tx, author.id, data.uri, data);
    if (observation) await recordRemoteObservation(tx, current.id, observation);
  };
};
