// Create(Note | Article | Page | Question | Event): a post by the activity's
// actor. Its attributedTo must be that actor; an object embedded from
// another origin than the actor's is fetched from its origin instead of
// being believed. Kept only when the domain says someone here has a reason
// to see it (isRemotePostKept: a resident follows the author, is mentioned,
// or is replied to).
import type { Create } from "@fedify/vocab";
import type { Account } from "../../server/domain/accounts";
import { findStatusByUri, storeRemoteStatus } from "../../server/domain/statuses";
import { isRemotePostKept } from "../../server/domain/follows";
import { embeddedObject, remoteActorOf, sameOrigin } from "../from-activitypub/lookup";
import { isPostObject, type PostObject } from "../from-activitypub/note";
import { fetchObject, isAttributedTo, postData, rawEmbeddedObject } from "../resolve";
import type { Effects, InboxHandler } from "./types";
import { Note } from "@fedify/vocab";
import { firstText } from "../from-activitypub/text";
import { recordRemoteVote } from "../../server/domain/polls";
import { recordRemoteObservation } from "../../server/domain/observations";
import { observationOf } from "../from-activitypub/observation";
import { rawOf } from "../from-activitypub/note";
import { storeRemoteGroupPost } from "../../server/domain/group-posts";
import { groupOfPost, signedGroupPostActivity } from "./group-create";

/**
 * A vote in one of our polls, as Mastodon sends it: a Note with the option as
 * its name, no content, replying to the poll. Counted (once) when the poll is
 * ours, still open, and has that option; never stored as a post.
 */
async function voteOf(ctx: Parameters<InboxHandler<Create>>[0], activity: Create, object: PostObject): Promise<Effects | null> {
  if (!(object instanceof Note) || !object.name || !object.replyTargetId || firstText(object.contents)) return null;
  const parent = await findStatusByUri(ctx.data.domain, object.replyTargetId.href);
  if (!parent?.local || parent.objectType !== "Question") return null;
  const voter = await remoteActorOf(ctx, activity);
  if (!voter) return async () => {};
  const optionName = object.name.toString();
  const uri = object.id!.href;
  return async (tx) => {
    await recordRemoteVote(tx, { voterId: voter.id, pollStatusId: parent.id, optionName, uri });
  };
}

/** The post an activity carries: embedded when the actor's origin vouches for it, fetched otherwise. */
export async function postOf(
  ctx: Parameters<InboxHandler<Create>>[0],
  activity: Create,
): Promise<{ object: PostObject; raw: Record<string, unknown> | null } | null> {
  const objectId = activity.objectId;
  if (!objectId) return null;
  const embedded = sameOrigin(objectId, activity.actorId) ? await embeddedObject(ctx, activity) : null;
  const object = embedded ?? (await fetchObject(ctx, objectId));
  if (!isPostObject(object) || object.id?.href !== objectId.href) return null;
  return { object, raw: embedded ? await rawEmbeddedObject(activity, objectId) : null };
}

export const onCreate: InboxHandler<Create> = async (ctx, activity) => {
  const log = ctx.data.logger;
  const actorId = activity.actorId!;
  const post = await postOf(ctx, activity);
  if (!post) return null;
  const { object } = post;
  if (!isAttributedTo(object, actorId) || !sameOrigin(object.id, actorId)) {
    log.info({ activity: activity.id?.href, object: object.id?.href }, "inbox: Create of a post not by its actor; ignored");
    return null;
  }
  const d = ctx.data.domain;
  const voted = await voteOf(ctx, activity, object);
  if (voted) return voted;
  // A post we already have is not looked up first: storeRemoteStatus keeps the one there is.
  const author = await remoteActorOf(ctx, activity);
  if (!author) return null;
  const mentioned: Account[] = [];
  // the object's JSON, made once for the status data and the observation extension
  const raw = await rawOf(object, post.raw);
  const data = await postData(ctx, object, author, d, raw, mentioned);
  if (!data) return null;
  // a post into one of our groups (group-create.ts): kept, or refused, by the group's rules
  const groupId = await groupOfPost(ctx, activity, object, data.inReplyToUri ?? null);
  if (groupId) {
    // in a members-only group, the Create its author signed, for the group to pass on (ADR 0024)
    const signed = await signedGroupPostActivity(ctx, activity, groupId);
    return async (tx) => {
      await storeRemoteGroupPost(tx, groupId, data, signed);
    };
  }

  if (!(await isRemotePostKept(d, { authorId: author.id, mentioned, inReplyToUri: data.inReplyToUri ?? null }))) {
    log.debug({ object: data.uri }, "inbox: post nobody here follows; ignored");
    return null;
  }
  // an observation from another Parvis (its Note's extension)
  const observation = observationOf(raw);
  return async (tx) => {
    const status = await storeRemoteStatus(tx, data);
    if (observation) await recordRemoteObservation(tx, status.id, observation);
  };
};
