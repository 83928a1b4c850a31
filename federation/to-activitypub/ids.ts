// Ids of the activities we send. They cannot be guessed before we send them:
// a server that could predict the id of a resident's next Delete could send
// something harmless under it first, and receivers that deduplicate by id
// alone would then drop the real one. Ids of activities sent once get a random
// part; those built again later (a Like or Block named by its Undo) a keyed
// hash of the row id. (A Create's id stays the Note's id + "/activity", as
// Mastodon's: it is served in the outbox collection, and receivers key posts
// by the Note's id.)
import { createHmac, randomBytes } from "node:crypto";

/** 16 random bytes, base64url. */
export function randomIdPart(): string {
  return randomBytes(16).toString("base64url");
}

/** A part derived from `key` and the instance secret: the same every time, unguessable elsewhere. */
export function keyedIdPart(secret: string, key: string): string {
  return createHmac("sha256", secret).update(`activity-id:${key}`).digest("base64url").slice(0, 22);
}

/** The id of the Follow activity a resident sends for a request (stored in follow_requests.uri). */
export function followActivityId(actorUri: URL, requestId: string): URL {
  return new URL(`${actorUri.href}#follows/${requestId}/${randomIdPart()}`);
}

export function likeActivityId(actorUri: URL, favouriteId: string, secret: string): URL {
  return new URL(`${actorUri.href}#likes/${favouriteId}/${keyedIdPart(secret, `like:${favouriteId}`)}`);
}

export function blockActivityId(actorUri: URL, blockId: string, secret: string): URL {
  return new URL(`${actorUri.href}#blocks/${blockId}/${keyedIdPart(secret, `block:${blockId}`)}`);
}
