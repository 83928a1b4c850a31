// The activities we send, built from plain values (the outbox picks who gets
// them): about a status (Create, Announce, Update, Delete, Undo(Announce)),
// a follow (Follow, Accept, Reject, Undo), a favourite (Like, Undo), a block
// (Block, Undo), a vote, a profile (Update(Person), Delete(Person), Move), a
// report forwarded to another server (Flag, from the instance actor).
import {
  Accept,
  Announce,
  Block,
  Create,
  Delete,
  Flag,
  Follow,
  Like,
  Move,
  Note,
  PUBLIC_COLLECTION,
  Reject,
  Tombstone,
  Undo,
  Update,
  type Person,
} from "@fedify/vocab";
import type { Visibility } from "../../server/db/schema";
import { addressing, toInstant, type Author } from "./addressing";
import { randomIdPart } from "./ids";
import { statusAddressing, statusToNote, type StatusForObject } from "./note";

/** The activity that published a status: Create(Note), or Announce for a reblog. */
export function statusToActivity(status: StatusForObject, author: Author, tagUrl?: (name: string) => string): Create | Announce {
  const { tos, ccs } = statusAddressing(status, author);
  if (status.reblogOfUri) {
    return new Announce({
      // a reblog's uri is already its Announce's id (server/domain/interactions.ts)
      id: new URL(status.uri),
      actor: author.uri,
      object: new URL(status.reblogOfUri),
      published: toInstant(status.createdAt),
      tos,
      ccs,
    });
  }
  return new Create({
    id: new URL(`${status.uri}/activity`),
    actor: author.uri,
    object: statusToNote(status, author, tagUrl),
    published: toInstant(status.createdAt),
    tos,
    ccs,
  });
}

/** Update(Question) with a poll's new tallies (after votes, and once it ended); a fresh id each time. */
export function pollToUpdate(status: StatusForObject, author: Author, tagUrl?: (name: string) => string): Update {
  const { tos, ccs } = statusAddressing(status, author);
  const now = new Date();
  return new Update({
    id: new URL(`${status.uri}#poll-updates/${now.getTime()}-${Math.random().toString(36).slice(2, 10)}`),
    actor: author.uri,
    object: statusToNote(status, author, tagUrl),
    published: toInstant(now),
    tos,
    ccs,
  });
}

/** Update(Note) after an edit; its id is new each time (random part), so receivers see each one and nobody can predict it. */
export function statusToUpdate(status: StatusForObject, author: Author, tagUrl?: (name: string) => string): Update {
  const { tos, ccs } = statusAddressing(status, author);
  const at = status.editedAt ?? new Date();
  return new Update({
    id: new URL(`${status.uri}#updates/${at.getTime()}/${randomIdPart()}`),
    actor: author.uri,
    object: statusToNote(status, author, tagUrl),
    published: toInstant(at),
    tos,
    ccs,
  });
}

/** A reblog withdrawn: Undo(Announce), addressed as the Announce was. The original may be gone already: the Announce's id is what receivers match. */
export function undoAnnounce(reblogUri: string, author: Author, visibility: Visibility, original: { uri: string; authorUri: string | null } | null): Undo {
  const { tos, ccs } = addressing(visibility, author.followersUri, original?.authorUri ? [new URL(original.authorUri)] : []);
  return new Undo({
    id: new URL(`${reblogUri}#undo/${randomIdPart()}`),
    actor: author.uri,
    object: new Announce({ id: new URL(reblogUri), actor: author.uri, object: original ? new URL(original.uri) : null, tos, ccs }),
    tos,
    ccs,
  });
}

/** A status deleted: Delete(Tombstone), addressed as the status was. */
export function deleteStatus(statusUri: string, author: Author, visibility: Visibility, mentionedUris: URL[]): Delete {
  const { tos, ccs } = addressing(visibility, author.followersUri, mentionedUris);
  return new Delete({
    id: new URL(`${statusUri}#delete/${randomIdPart()}`),
    actor: author.uri,
    object: new Tombstone({ id: new URL(statusUri) }),
    tos,
    ccs,
  });
}

/** A resident's vote in a remote poll: one Note per chosen option, named after it (Mastodon's shape), to the poll's author. */
export function voteNote(actorUri: URL, voteId: string, optionName: string, pollUri: string, pollAuthorUri: string): Create {
  const id = new URL(`${actorUri.href}#votes/${voteId}`);
  return new Create({
    id: new URL(`${id.href}/activity`),
    actor: actorUri,
    object: new Note({ id, name: optionName, attribution: actorUri, replyTarget: new URL(pollUri), to: new URL(pollAuthorUri) }),
    to: new URL(pollAuthorUri),
  });
}

/** A resident asks to follow `targetUri`. */
export function followActivity(id: URL, actorUri: URL, targetUri: string): Follow {
  return new Follow({ id, actor: actorUri, object: new URL(targetUri), to: new URL(targetUri) });
}

/**
 * A resident accepts a remote follower's Follow. `acceptKey` names the
 * Accept's id (the follows row id for the first Accept), with a random part:
 * an Accept sent again has a fresh id (receivers drop an activity id seen before).
 */
export function acceptFollow(actorUri: URL, followerUri: string, followUri: string | null, acceptKey: string): Accept {
  const follow = new Follow({ id: followUri ? new URL(followUri) : null, actor: new URL(followerUri), object: actorUri });
  return new Accept({
    id: new URL(`${actorUri.href}#accepts/follows/${acceptKey}/${randomIdPart()}`),
    actor: actorUri,
    object: follow,
    to: new URL(followerUri),
  });
}

/** A resident rejects a remote follower's request. */
export function rejectFollow(actorUri: URL, followerUri: string, followUri: string | null, requestId: string): Reject {
  const follow = new Follow({ id: followUri ? new URL(followUri) : null, actor: new URL(followerUri), object: actorUri });
  return new Reject({
    id: new URL(`${actorUri.href}#rejects/follows/${requestId}/${randomIdPart()}`),
    actor: actorUri,
    object: follow,
    to: new URL(followerUri),
  });
}

/** A resident stops following (or withdraws a request to) `targetUri`; `followId` is the Follow's id. */
export function undoFollow(actorUri: URL, followId: URL, targetUri: string): Undo {
  return new Undo({
    id: new URL(`${followId.href}/undo/${randomIdPart()}`),
    actor: actorUri,
    object: new Follow({ id: followId, actor: actorUri, object: new URL(targetUri) }),
    to: new URL(targetUri),
  });
}

/** A resident favourites a remote status. */
export function likeActivity(id: URL, actorUri: URL, statusUri: string, authorUri: string): Like {
  return new Like({ id, actor: actorUri, object: new URL(statusUri), to: new URL(authorUri) });
}

/** A resident takes a favourite back: Undo(Like), the Like named by its id. */
export function undoLike(likeId: URL, actorUri: URL, statusUri: string, authorUri: string): Undo {
  return new Undo({
    id: new URL(`${likeId.href}/undo/${randomIdPart()}`),
    actor: actorUri,
    object: new Like({ id: likeId, actor: actorUri, object: new URL(statusUri) }),
    to: new URL(authorUri),
  });
}

/** A resident blocks `targetUri`: Block, or Undo(Block) when `undo`. */
export function blockActivity(id: URL, actorUri: URL, targetUri: string, undo: boolean): Block | Undo {
  const block = new Block({ id, actor: actorUri, object: new URL(targetUri), to: new URL(targetUri) });
  return undo ? new Undo({ id: new URL(`${id.href}/undo/${randomIdPart()}`), actor: actorUri, object: block, to: new URL(targetUri) }) : block;
}

/** A resident's profile changed: Update(Person), public, cc followers. */
export function updatePerson(actorUri: URL, followersUri: URL, person: Person, now = new Date()): Update {
  return new Update({
    id: new URL(`${actorUri.href}#updates/${now.getTime()}/${randomIdPart()}`),
    actor: actorUri,
    object: person,
    published: toInstant(now),
    to: PUBLIC_COLLECTION,
    cc: followersUri,
  });
}

/** A resident's account is gone: Delete(Person). */
export function deletePerson(actorUri: URL): Delete {
  return new Delete({
    id: new URL(`${actorUri.href}#delete/${randomIdPart()}`),
    actor: actorUri,
    object: actorUri,
    to: PUBLIC_COLLECTION,
  });
}

/** A resident moved to `targetUri`: Move, actor and object the old account, to its followers. */
export function moveActivity(actorUri: URL, followersUri: URL, targetUri: string, now = new Date()): Move {
  return new Move({
    id: new URL(`${actorUri.href}#moves/${now.getTime()}/${randomIdPart()}`),
    actor: actorUri,
    object: actorUri,
    target: new URL(targetUri),
    published: toInstant(now),
    to: followersUri,
  });
}

/**
 * A report forwarded to the reported account's server: Flag from the
 * instance actor (the reporter is never named), its objects the account and
 * the reported posts, its content the reporter's comment (as Mastodon sends it).
 */
export function flagActivity(instanceActorUri: URL, accountUri: string, statusUris: string[], comment: string): Flag {
  return new Flag({
    id: new URL(`${instanceActorUri.href}#flags/${randomIdPart()}`),
    actor: instanceActorUri,
    objects: [new URL(accountUri), ...statusUris.map((u) => new URL(u))],
    content: comment,
    to: new URL(accountUri),
  });
}
