// Announce: a boost, or what a remote group (FEP-1b12: a Lemmy community, a
// Mobilizon group, another Parvis's group) passes on to its members.
//
// A boost: the boosted post is looked up by its id, or fetched from its own
// server when unknown: an embedded copy is never believed (it could claim any
// origin). Lemmy's Announce(Create(Page)) from a community nobody here joined
// (only followed) is handled the same way.
//
// From a group residents here belong to (listen() and Fedify already checked
// that the group itself signed it): Announce(Create | Update | Delete | Like)
// and Announce(post) act on the group's posts. What the group embeds is read
// only when it is on the group's own origin; anything else (a comment written
// on another Lemmy instance) is fetched from its origin, and the Announce is
// refused, with nothing stored, when that fails. One exception (ADR 0024): an
// embedded Create or Update whose integrity proof (FEP-8b32) verifies with a key
// of its own actor is believed as its author's word without a fetch — how a
// members-only group passes on a remote member's post, which its author's
// server lets no one else fetch. The post must still be attributed to that
// actor, on its origin, and addressed to the group.
import { Create, Delete, Like, Update, type Announce, type Activity, type Object as APObject } from "@fedify/vocab";
import type { Account } from "../../server/domain/accounts";
import { findAccountByUri } from "../../server/domain/accounts";
import { favourite, reblog } from "../../server/domain/interactions";
import { hasLocalFollowers } from "../../server/domain/follows";
import { hasActiveMembersHere, isGroup } from "../../server/domain/groups";
import { removeRemoteGroupPost } from "../../server/domain/group-posts";
import { deleteRemoteStatus, findStatusByUri, remoteEditKind, storeRemoteStatus, updateRemoteStatus } from "../../server/domain/statuses";
import { embeddedObject, remoteActorOf, sameOrigin } from "../from-activitypub/lookup";
import { isPostObject, type PostObject } from "../from-activitypub/note";
import { isLocalUrl } from "../../server/urls";
import { fetchObject, isAttributedTo, postData, rawEmbeddedObject, resolveActor, resolvePost } from "../resolve";
import { ignore, type InboxHandler } from "./types";
import { isJsonObject, receivedPayload, verifiedAuthorActivity } from "../integrity";

type Ctx = Parameters<InboxHandler<Announce>>[0];

export const onAnnounce: InboxHandler<Announce> = async (ctx, activity) => {
  if (!activity.id) return null;
  const group = await announcingGroup(ctx, activity);
  if (group) return fromGroup(ctx, activity, group);
  return boost(ctx, activity);
};

/** A boost of a post by its announcer, shown to the announcer's followers. */
const boost: InboxHandler<Announce> = async (ctx, activity) => {
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
  const uri = activity.id!.href;
  const createdAt = activity.published ? new Date(activity.published.epochMilliseconds) : undefined;
  const originalId = status.id;
  return async (tx) => {
    await reblog(tx, announcer, originalId, { uri, createdAt: createdAt && createdAt.getTime() < Date.now() ? createdAt : undefined });
  };
};

/** The announcing actor when it is a remote group residents here belong to. */
async function announcingGroup(ctx: Ctx, activity: Announce): Promise<Account | null> {
  const d = ctx.data.domain;
  const known = activity.actorId ? await findAccountByUri(d, activity.actorId.href) : undefined;
  if (!known || known.domain === null || known.actorType !== "Group") return null;
  if (!(await isGroup(d, known.id)) || !(await hasActiveMembersHere(d, known.id))) return null;
  return remoteActorOf(ctx, activity);
}

/**
 * An object an activity names, believed as embedded only when `vouching` (the
 * origin of who sent or served the activity) is the object's own origin;
 * otherwise fetched from its origin (safe fetch, id checked). Null when neither.
 */
async function trustedObject(ctx: Ctx, activity: Activity, vouching: URL): Promise<APObject | null> {
  const id = activity.objectId;
  if (!id) return null;
  if (id.origin === vouching.origin) {
    const embedded = await embeddedObject(ctx, activity);
    if (embedded?.id?.href === id.href) return embedded;
  }
  if (isLocalUrl(ctx.data.config.origin, id)) return null;
  return fetchObject(ctx, id);
}

/**
 * The activity the group embeds, from another origin than the group's, when
 * it carries its own actor's valid integrity proof (integrity.ts
 * verifiedAuthorActivity): parsed from the embedded JSON as received, which is
 * what the proof covers. Null otherwise (the caller fetches it from its origin).
 */
async function signedByItsAuthor(ctx: Ctx, activity: Announce, groupUrl: URL): Promise<APObject | null> {
  const id = activity.objectId;
  if (!id || id.origin === groupUrl.origin) return null;
  const embedded = receivedPayload(ctx, activity)?.object;
  if (!isJsonObject(embedded) || embedded.id !== id.href || embedded.proof == null) return null;
  const verified = await verifiedAuthorActivity(ctx, embedded);
  if (!verified || verified.id?.href !== id.href) {
    ctx.data.logger.info({ activity: activity.id?.href, object: id.href }, "inbox: a group's Announce embeds an activity whose proof is not its actor's; fetched from its origin instead");
    return null;
  }
  return verified;
}

/** Does the post (or the activity that carried it) name the group among its audience? */
function addressesGroup(group: Account, ...objects: (APObject | null)[]): boolean {
  return objects.some(
    (o) => o && [...o.toIds, ...o.ccIds, ...o.audienceIds, ...o.attributionIds].some((u) => u.href === group.uri || u.href === group.followersUrl),
  );
}

async function fromGroup(ctx: Ctx, activity: Announce, group: Account) {
  const log = ctx.data.logger;
  const groupUrl = new URL(group.uri);
  const inner = (await signedByItsAuthor(ctx, activity, groupUrl)) ?? (await trustedObject(ctx, activity, groupUrl));
  if (!inner) {
    log.info({ activity: activity.id?.href, object: activity.objectId?.href }, "inbox: a group's Announce whose object is not available from its origin; refused");
    return ignore("announced object not available from its origin");
  }
  // Announce(post): the group passes a post on as it is (Mobilizon, Parvis); the
  // group's own Announce is what puts it in the group (Parvis's Notes name only their author's audience)
  if (isPostObject(inner)) {
    const authorId = inner.attributionIds[0];
    if (!authorId) return ignore("announced post has no author");
    const raw = inner.id && sameOrigin(inner.id, groupUrl) ? await rawEmbeddedObject(activity, inner.id) : null;
    return storeGroupPost(ctx, group, inner, authorId, activity, raw);
  }
  // the announced activity comes from its own origin (embedded from the group's, or fetched): its actor must be of that origin too
  if (!(inner instanceof Create || inner instanceof Update || inner instanceof Delete || inner instanceof Like)) return ignore("announced activity not handled");
  const actorId = inner.actorId;
  if (!inner.id || !actorId) return ignore("announced activity is not by an actor of its origin");
  // a Parvis group re-announces a remote author's edit as its own Update naming the post by id
  // (it keeps no copy of the author's activity): believed only through the post, fetched from its origin below
  const groupsOwnUpdate = inner instanceof Update && sameOrigin(inner.id, groupUrl) && !sameOrigin(inner.objectId ?? inner.id, groupUrl);
  if (!sameOrigin(inner.id, actorId) && !groupsOwnUpdate) return ignore("announced activity is not by an actor of its origin");
  if (inner instanceof Delete) return groupDelete(ctx, group, inner, actorId);
  if (inner instanceof Like) return groupLike(ctx, group, inner, actorId);
  const post = await trustedObject(ctx, inner, inner.id);
  if (!isPostObject(post)) return ignore("announced post not available from its origin");
  const raw = post.id && sameOrigin(post.id, inner.id) ? await rawEmbeddedObject(inner, post.id) : null;
  if (inner instanceof Update) return groupUpdate(ctx, group, post, actorId, raw);
  return storeGroupPost(ctx, group, post, actorId, inner, raw);
}

/** A post the group announced, stored as that group's post (it shows on the group's page and in its members' home timelines). */
async function storeGroupPost(ctx: Ctx, group: Account, post: PostObject, authorId: URL, carrier: APObject | null, raw: Record<string, unknown> | null) {
  if (!post.id || !isAttributedTo(post, authorId) || !sameOrigin(post.id, authorId)) return ignore("announced post is not by its actor");
  if (isLocalUrl(ctx.data.config.origin, post.id)) return ignore("one of our posts");
  if (!addressesGroup(group, post, carrier)) return ignore("announced post is not addressed to the group");
  const d = ctx.data.domain;
  const author = await resolveActor(ctx, authorId);
  if (!author || author.domain === null || author.uri !== authorId.href || author.suspendedAt) return ignore("author unknown");
  const data = await postData(ctx, post, author, d, raw);
  if (!data) return null;
  // a group's post is read by the group's audience: a post to the group alone is for its members
  const visibility = data.visibility === "public" || data.visibility === "unlisted" ? data.visibility : "private";
  return async (tx: Parameters<typeof storeRemoteStatus>[0]) => {
    await storeRemoteStatus(tx, { ...data, visibility, groupId: group.id });
  };
}

/** Announce(Update): the author's edit of a post of the group. */
async function groupUpdate(ctx: Ctx, group: Account, post: PostObject, actorId: URL, raw: Record<string, unknown> | null) {
  if (!post.id || !isAttributedTo(post, actorId) || !sameOrigin(post.id, actorId)) return ignore("edit not by the post's author");
  const d = ctx.data.domain;
  const current = await findStatusByUri(d, post.id.href);
  if (!current || current.local || current.groupId !== group.id) return ignore("not a post of this group");
  const author = await resolveActor(ctx, actorId);
  if (!author || current.accountId !== author.id) return ignore("edit not by the post's author");
  const data = await postData(ctx, post, author, d, raw);
  if (!data) return null;
  if ((await remoteEditKind(d, current, data)) !== "edit") return ignore("Update changes nothing of the post");
  return async (tx: Parameters<typeof updateRemoteStatus>[0]) => {
    await updateRemoteStatus(tx, author.id, data.uri, data);
  };
}

/**
 * Announce(Delete): the author deletes a post of the group, or the group's own
 * server removes it (its moderators): the Delete is then of the group's origin.
 */
async function groupDelete(ctx: Ctx, group: Account, inner: Delete, actorId: URL) {
  const objectId = inner.objectId;
  if (!objectId) return null;
  const d = ctx.data.domain;
  const status = await findStatusByUri(d, objectId.href);
  if (!status || status.local || status.groupId !== group.id) return ignore("not a post of this group");
  const actor = await findAccountByUri(d, actorId.href);
  if (actor && status.accountId === actor.id) {
    await d.tombstones?.remember(objectId.href);
    return async (tx: Parameters<typeof deleteRemoteStatus>[0]) => {
      await deleteRemoteStatus(tx, actor.id, status.uri);
    };
  }
  if (!sameOrigin(inner.id, new URL(group.uri))) return ignore("removal not by the group's server");
  return async (tx: Parameters<typeof removeRemoteGroupPost>[0]) => {
    await removeRemoteGroupPost(tx, group.id, status.uri);
  };
}

/** Announce(Like): a vote of a group's post (Lemmy) is a favourite. */
async function groupLike(ctx: Ctx, group: Account, inner: Like, actorId: URL) {
  const objectId = inner.objectId;
  if (!objectId) return null;
  const status = await findStatusByUri(ctx.data.domain, objectId.href);
  if (!status || status.reblogOfId || status.groupId !== group.id) return ignore("not a post of this group");
  const actor = await resolveActor(ctx, actorId);
  if (!actor || actor.domain === null || actor.uri !== actorId.href || actor.suspendedAt) return ignore("voter unknown");
  const uri = inner.id?.href ?? null;
  return async (tx: Parameters<typeof favourite>[0]) => {
    await favourite(tx, actor, status.id, uri);
  };
}
