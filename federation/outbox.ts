// Outgoing federation: every local action, published as a domain event, is
// turned into an activity and handed to Fedify's persistent outbox queue.
// Nothing is sent from the HTTP request: a listener runs after the domain
// write, enqueues, and a failure here is logged, never surfaced to the writer
// (the bus catches it). Remote actions (events whose actor is remote) are
// never echoed back.
//
// Recipients are computed here rather than with Fedify's "followers"
// expansion, so that followers, mentioned actors and the replied-to author
// go out in one sendActivity call: Fedify then groups them by shared inbox
// (one request per remote server for a public post), and a followers-only
// post only ever goes to servers where the author has followers or a
// mentioned actor.
import { createHmac, randomBytes } from "node:crypto";
import type { Context } from "@fedify/fedify";
import {
  Accept,
  Announce,
  Block,
  type Activity,
  Delete,
  Follow,
  Like,
  Note,
  Create,
  PUBLIC_COLLECTION,
  type Recipient,
  Reject,
  Tombstone,
  Undo,
  Update,
} from "@fedify/vocab";
import type { Account } from "../server/domain/accounts";
import { accountById, accountsByIds } from "../server/domain/accounts";
import { remoteFollowerInboxes, setFollowRequestUri, type RemoteInboxes } from "../server/domain/follows";
import { hasRemoteAudience, statusById, statusForFederation } from "../server/domain/statuses";
import type { DomainEvents } from "../server/events";
import type { Services } from "../server/services";
import { isLocalUrl, localUrls } from "../server/urls";
import { findPublicLocalAccount, localPerson } from "./actors";
import type { ParvisFederation } from "./index";
import { addressing, federatedStatus, pollToUpdate, statusToActivity, statusToUpdate, toInstant, type Author } from "./to-activitypub/objects";
import { remoteVoters, votesByIds } from "../server/domain/polls";

type Ctx = Context<Services>;

export interface OutboxHandle {
  /** unsubscribes from the domain events */
  stop(): void;
  /** Accept(Follow) again, for a Follow received for a follow that already exists (INCOMING) */
  sendAccept(follower: Account, target: Account, followUri: string | null, followId: string): Promise<void>;
}

/** Subscribes to the domain events; returns the handle that unsubscribes. */
export function startOutbox(services: Services, parvis: Pick<ParvisFederation, "context" | "keys">): OutboxHandle {
  const outbox = new Outbox(services, parvis);
  const { events } = services;
  const subscriptions = [
    events.on("status.created", (e) => outbox.statusCreated(e)),
    events.on("status.updated", (e) => outbox.statusUpdated(e)),
    events.on("status.deleted", (e) => outbox.statusDeleted(e)),
    events.on("favourite.created", (e) => outbox.favouriteCreated(e)),
    events.on("favourite.removed", (e) => outbox.favouriteRemoved(e)),
    events.on("follow.requested", (e) => outbox.followRequested(e)),
    events.on("follow.created", (e) => outbox.followCreated(e)),
    events.on("follow.removed", (e) => outbox.unfollowed(e.accountId, e.targetAccountId, e.uri, `follows/${e.followId}`)),
    events.on("follow_request.cancelled", (e) => outbox.unfollowed(e.accountId, e.targetAccountId, e.uri, `follow-requests/${e.requestId}`)),
    events.on("follow_request.rejected", (e) => outbox.followRequestRejected(e)),
    events.on("block.created", (e) => outbox.blocked(e.accountId, e.targetAccountId, e.blockId, false)),
    events.on("block.removed", (e) => outbox.blocked(e.accountId, e.targetAccountId, e.blockId, true, e.uri)),
    events.on("account.updated", (e) => outbox.accountUpdated(e)),
    events.on("account.deleted", (e) => outbox.accountDeleted(e)),
    events.on("poll.voted", (e) => outbox.pollVoted(e)),
    events.on("poll.ended", (e) => outbox.pollChanged(e.statusId)),
  ];
  return {
    stop() {
      for (const unsubscribe of subscriptions.splice(0)) unsubscribe();
    },
    sendAccept: (follower, target, followUri, followId) => outbox.sendAccept(follower, target, followUri, followId),
  };
}

// Our activity ids cannot be guessed before we send them: a server that could
// predict the id of a resident's next Delete could send something harmless
// under it first, and receivers that deduplicate by id alone would then drop
// the real one. Ids of activities sent once get a random part; those built
// again later (a Like or Block named by its Undo) a keyed hash of the row id.
// (A Create's id stays the Note's id + "/activity", as Mastodon's: it is served
// in the outbox collection, and receivers key posts by the Note's id.)

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

/**
 * Accept(Follow) from a resident to a remote follower. Exported for INCOMING:
 * a Follow received again for a follow that already exists (the remote server
 * lost our Accept) is answered with it, from any Fedify context (InboxContext too).
 * `acceptKey` names the Accept's id (the follows row id for the first Accept),
 * with a random part: a re-sent Accept has a fresh id (receivers drop an
 * activity id seen before).
 */
export async function sendAcceptFollow(
  ctx: Context<Services>,
  follower: Pick<Account, "uri" | "inboxUrl" | "sharedInboxUrl">,
  target: Pick<Account, "username">,
  followUri: string | null,
  acceptKey: string,
): Promise<void> {
  const actorUri = ctx.getActorUri(target.username);
  const follow = new Follow({ id: followUri ? new URL(followUri) : null, actor: new URL(follower.uri), object: actorUri });
  const activity = new Accept({
    id: new URL(`${actorUri.href}#accepts/follows/${acceptKey}/${randomIdPart()}`),
    actor: actorUri,
    object: follow,
    to: new URL(follower.uri),
  });
  await ctx.sendActivity({ identifier: target.username }, recipientOf(follower), activity, { preferSharedInbox: true });
}

const isLocal = (account: Account | null): account is Account => account !== null && account.domain === null;
const isRemote = (account: Account | null): account is Account => account !== null && account.domain !== null;

function recipientOf(target: RemoteInboxes): Recipient {
  return {
    id: new URL(target.uri),
    inboxId: target.inboxUrl ? new URL(target.inboxUrl) : null,
    endpoints: target.sharedInboxUrl ? { sharedInbox: new URL(target.sharedInboxUrl) } : null,
  };
}

class Outbox {
  private readonly log;
  private readonly origin: string;

  constructor(
    private readonly services: Services,
    private readonly parvis: Pick<ParvisFederation, "context" | "keys">,
  ) {
    this.log = services.logger.child({ module: "federation-outbox" });
    this.origin = services.config.origin;
  }

  private get ctx(): Ctx {
    return this.parvis.context();
  }

  private get domain() {
    return this.services.domain;
  }

  private author(ctx: Ctx, username: string): Author {
    return { uri: ctx.getActorUri(username), followersUri: ctx.getFollowersUri(username) };
  }

  private tagUrl = (name: string) => localUrls(this.origin).tagPage(name);

  /**
   * Enqueues `activity` for the remote recipients (deduplicated by shared
   * inbox). Our own origin is never a target.
   */
  private async send(ctx: Ctx, username: string, targets: RemoteInboxes[], activity: Activity, orderingKey?: string): Promise<void> {
    const seen = new Set<string>();
    const recipients: Recipient[] = [];
    for (const t of targets) {
      if (seen.has(t.uri)) continue;
      seen.add(t.uri);
      recipients.push(recipientOf(t));
    }
    if (recipients.length === 0) return;
    await ctx.sendActivity({ identifier: username }, recipients, activity, {
      preferSharedInbox: true,
      excludeBaseUris: [new URL(this.origin)],
      ...(orderingKey ? { orderingKey } : {}),
    });
    this.log.debug({ activity: activity.id?.href, recipients: recipients.length }, "activity queued");
  }

  /** Remote followers (unless direct), remote mentioned actors, and the remote parent author (public/unlisted). */
  private async statusTargets(
    authorId: string,
    visibility: DomainEvents["status.deleted"]["visibility"],
    mentioned: RemoteInboxes[],
    extra: Account[],
  ): Promise<RemoteInboxes[]> {
    const targets: RemoteInboxes[] = [];
    if (visibility !== "direct") targets.push(...(await remoteFollowerInboxes(this.domain, authorId)));
    targets.push(...mentioned);
    if (visibility === "public" || visibility === "unlisted") targets.push(...extra.filter((a) => a.domain !== null));
    return targets;
  }

  async statusCreated(e: DomainEvents["status.created"]): Promise<void> {
    if (!e.local) return;
    // most posts of a commune may be read by residents only: nothing to build then
    if (!(await hasRemoteAudience(this.domain, e.statusId))) return;
    const data = await statusForFederation(this.domain, e.statusId);
    if (!data || !isLocal(data.author)) return;
    const ctx = this.ctx;
    const status = federatedStatus(data, this.origin, this.services.config.domain);
    const activity = statusToActivity(status, this.author(ctx, data.author.username), this.tagUrl);
    const mentioned = data.mentions.filter((m) => m.domain !== null);
    const extra: Account[] = [];
    if (data.inReplyToAccount) extra.push(data.inReplyToAccount);
    if (data.reblogOf) extra.push(data.reblogOf.author);
    const targets = await this.statusTargets(data.author.id, data.status.visibility, mentioned, extra);
    await this.send(ctx, data.author.username, targets, activity, status.reblogOfUri ? undefined : status.uri);
  }

  async statusUpdated(e: DomainEvents["status.updated"]): Promise<void> {
    if (!e.local) return;
    const data = await statusForFederation(this.domain, e.statusId);
    if (!data || !isLocal(data.author) || data.reblogOf) return;
    const ctx = this.ctx;
    const status = federatedStatus(data, this.origin, this.services.config.domain);
    const activity = statusToUpdate(status, this.author(ctx, data.author.username), this.tagUrl);
    const mentioned = data.mentions.filter((m) => m.domain !== null);
    const extra = data.inReplyToAccount ? [data.inReplyToAccount] : [];
    const targets = await this.statusTargets(data.author.id, data.status.visibility, mentioned, extra);
    await this.send(ctx, data.author.username, targets, activity, status.uri);
  }

  async statusDeleted(e: DomainEvents["status.deleted"]): Promise<void> {
    if (!e.local) return;
    const author = await accountById(this.domain, e.accountId);
    if (!isLocal(author)) return;
    const ctx = this.ctx;
    const actor = this.author(ctx, author.username);
    const mentionedAccounts = await accountsByIds(this.domain, e.mentionedAccountIds);
    const mentionedUris = mentionedAccounts.map((a) => new URL(a.uri));
    const mentioned = mentionedAccounts.filter((a) => a.domain !== null);
    let activity: Activity;
    const extra: Account[] = [];
    if (e.reblogOfId) {
      // the original may already be gone (deleted with its reblogs): the Announce's id is what receivers match
      const original = await statusById(this.domain, e.reblogOfId);
      const originalAuthor = original ? await accountById(this.domain, original.accountId) : null;
      if (originalAuthor) extra.push(originalAuthor);
      const { tos, ccs } = addressing(e.visibility, actor.followersUri, originalAuthor ? [new URL(originalAuthor.uri)] : []);
      activity = new Undo({
        id: new URL(`${e.uri}#undo/${randomIdPart()}`),
        actor: actor.uri,
        object: new Announce({ id: new URL(e.uri), actor: actor.uri, object: original ? new URL(original.uri) : null, tos, ccs }),
        tos,
        ccs,
      });
    } else {
      const { tos, ccs } = addressing(e.visibility, actor.followersUri, mentionedUris);
      activity = new Delete({
        id: new URL(`${e.uri}#delete/${randomIdPart()}`),
        actor: actor.uri,
        object: new Tombstone({ id: new URL(e.uri) }),
        tos,
        ccs,
      });
    }
    const targets = await this.statusTargets(author.id, e.visibility, mentioned, extra);
    await this.send(ctx, author.username, targets, activity, e.reblogOfId ? undefined : e.uri);
  }

  /**
   * Votes: a resident's vote in a remote poll goes to the poll's author as one
   * Note per chosen option (Mastodon's shape); any vote in a local poll makes
   * its new tallies go out as Update(Question).
   */
  async pollVoted(e: DomainEvents["poll.voted"]): Promise<void> {
    const status = await statusById(this.domain, e.statusId);
    if (!status) return;
    if (status.local) return this.pollChanged(e.statusId);
    const [voter, author] = await Promise.all([accountById(this.domain, e.accountId), accountById(this.domain, status.accountId)]);
    if (!isLocal(voter) || !isRemote(author)) return;
    const data = await statusForFederation(this.domain, e.statusId);
    const options = data?.poll?.poll.options ?? [];
    const ctx = this.ctx;
    const actorUri = ctx.getActorUri(voter.username);
    for (const v of await votesByIds(this.domain, e.voteIds)) {
      const name = options[v.choice];
      if (name === undefined) continue;
      const id = new URL(`${actorUri.href}#votes/${v.id}`);
      const activity = new Create({
        id: new URL(`${id.href}/activity`),
        actor: actorUri,
        object: new Note({ id, name, attribution: actorUri, replyTarget: new URL(status.uri), to: new URL(author.uri) }),
        to: new URL(author.uri),
      });
      await this.send(ctx, voter.username, [author], activity);
    }
  }

  /** A local poll's tallies changed (a vote) or it ended: Update(Question) to where the post went. */
  async pollChanged(statusId: string): Promise<void> {
    const voters = await remoteVoters(this.domain, statusId);
    if (voters.length === 0 && !(await hasRemoteAudience(this.domain, statusId))) return;
    const data = await statusForFederation(this.domain, statusId);
    if (!data || !isLocal(data.author) || !data.status.local || !data.poll) return;
    const ctx = this.ctx;
    const status = federatedStatus(data, this.origin, this.services.config.domain);
    const activity = pollToUpdate(status, this.author(ctx, data.author.username), this.tagUrl);
    const mentioned = data.mentions.filter((m) => m.domain !== null);
    const extra = data.inReplyToAccount ? [data.inReplyToAccount] : [];
    const targets = await this.statusTargets(data.author.id, data.status.visibility, mentioned, extra);
    await this.send(ctx, data.author.username, [...targets, ...voters], activity, status.uri);
  }

  /** Like of a remote status: to its author. */
  async favouriteCreated(e: DomainEvents["favourite.created"]): Promise<void> {
    const liked = await this.remoteStatusLikedByResident(e.accountId, e.statusId);
    if (!liked) return;
    const ctx = this.ctx;
    const actorUri = ctx.getActorUri(liked.liker.username);
    const activity = new Like({
      id: likeActivityId(actorUri, e.favouriteId, this.services.config.secret),
      actor: actorUri,
      object: new URL(liked.statusUri),
      to: new URL(liked.author.uri),
    });
    await this.send(ctx, liked.liker.username, [liked.author], activity);
  }

  async favouriteRemoved(e: DomainEvents["favourite.removed"]): Promise<void> {
    const liked = await this.remoteStatusLikedByResident(e.accountId, e.statusId);
    if (!liked) return;
    const ctx = this.ctx;
    const actorUri = ctx.getActorUri(liked.liker.username);
    const like = new Like({
      id: e.uri ? new URL(e.uri) : likeActivityId(actorUri, e.favouriteId, this.services.config.secret),
      actor: actorUri,
      object: new URL(liked.statusUri),
    });
    const activity = new Undo({
      id: new URL(`${like.id!.href}/undo/${randomIdPart()}`),
      actor: actorUri,
      object: like,
      to: new URL(liked.author.uri),
    });
    await this.send(ctx, liked.liker.username, [liked.author], activity);
  }

  private async remoteStatusLikedByResident(likerId: string, statusId: string) {
    const liker = await accountById(this.domain, likerId);
    if (!isLocal(liker)) return null;
    const status = await statusById(this.domain, statusId);
    if (!status) return null;
    const author = await accountById(this.domain, status.accountId);
    if (!isRemote(author)) return null;
    return { liker, author, statusUri: status.uri };
  }

  /** A resident asks to follow a remote account: Follow, whose id is stored to match the answer. */
  async followRequested(e: DomainEvents["follow.requested"]): Promise<void> {
    const [follower, target] = await Promise.all([accountById(this.domain, e.accountId), accountById(this.domain, e.targetAccountId)]);
    if (!isLocal(follower) || !isRemote(target)) return;
    const ctx = this.ctx;
    const actorUri = ctx.getActorUri(follower.username);
    const id = followActivityId(actorUri, e.requestId);
    await setFollowRequestUri(this.domain, e.requestId, id.href);
    const activity = new Follow({ id, actor: actorUri, object: new URL(target.uri), to: new URL(target.uri) });
    await this.send(ctx, follower.username, [target], activity);
  }

  /** A remote account now follows a resident (auto-accepted, or approved): Accept(Follow). */
  async followCreated(e: DomainEvents["follow.created"]): Promise<void> {
    const [follower, target] = await Promise.all([accountById(this.domain, e.accountId), accountById(this.domain, e.targetAccountId)]);
    if (!isRemote(follower) || !isLocal(target)) return;
    await this.sendAccept(follower, target, e.uri, e.followId);
  }

  async sendAccept(follower: Account, target: Account, followUri: string | null, followId: string): Promise<void> {
    await sendAcceptFollow(this.ctx, follower, target, followUri, followId);
  }

  async followRequestRejected(e: DomainEvents["follow_request.rejected"]): Promise<void> {
    const [follower, target] = await Promise.all([accountById(this.domain, e.accountId), accountById(this.domain, e.targetAccountId)]);
    if (!isRemote(follower) || !isLocal(target)) return;
    const ctx = this.ctx;
    const actorUri = ctx.getActorUri(target.username);
    const follow = new Follow({ id: e.uri ? new URL(e.uri) : null, actor: new URL(follower.uri), object: actorUri });
    const activity = new Reject({
      id: new URL(`${actorUri.href}#rejects/follows/${e.requestId}/${randomIdPart()}`),
      actor: actorUri,
      object: follow,
      to: new URL(follower.uri),
    });
    await this.send(ctx, target.username, [follower], activity);
  }

  /** A resident stops following (or withdraws a request to) a remote account: Undo(Follow). */
  async unfollowed(followerId: string, targetId: string, followUri: string | null, fallbackKey: string): Promise<void> {
    const [follower, target] = await Promise.all([accountById(this.domain, followerId), accountById(this.domain, targetId)]);
    if (!isLocal(follower) || !isRemote(target)) return;
    const ctx = this.ctx;
    const actorUri = ctx.getActorUri(follower.username);
    const followId = followUri ? new URL(followUri) : new URL(`${actorUri.href}#${fallbackKey}/${keyedIdPart(this.services.config.secret, fallbackKey)}`);
    const activity = new Undo({
      id: new URL(`${followId.href}/undo/${randomIdPart()}`),
      actor: actorUri,
      object: new Follow({ id: followId, actor: actorUri, object: new URL(target.uri) }),
      to: new URL(target.uri),
    });
    await this.send(ctx, follower.username, [target], activity);
  }

  /** A resident blocks (or unblocks) a remote account: Block, or Undo(Block), to it. */
  async blocked(blockerId: string, targetId: string, blockId: string, undo: boolean, uri: string | null = null): Promise<void> {
    const [blocker, target] = await Promise.all([accountById(this.domain, blockerId), accountById(this.domain, targetId)]);
    if (!isLocal(blocker) || !isRemote(target)) return;
    const ctx = this.ctx;
    const actorUri = ctx.getActorUri(blocker.username);
    const block = new Block({
      id: uri ? new URL(uri) : blockActivityId(actorUri, blockId, this.services.config.secret),
      actor: actorUri,
      object: new URL(target.uri),
      to: new URL(target.uri),
    });
    const activity = undo
      ? new Undo({ id: new URL(`${block.id!.href}/undo/${randomIdPart()}`), actor: actorUri, object: block, to: new URL(target.uri) })
      : block;
    await this.send(ctx, blocker.username, [target], activity);
  }

  /** Profile changed: Update(Person) to the servers of the resident's followers. */
  async accountUpdated(e: DomainEvents["account.updated"]): Promise<void> {
    if (!e.local) return;
    const row = await accountById(this.domain, e.accountId);
    if (!isLocal(row)) return;
    // suspended, disabled or unapproved residents are not served as actors either
    const account = await findPublicLocalAccount(this.services.db, row.username);
    if (!account) return;
    const ctx = this.ctx;
    const person = await localPerson(ctx, this.origin, account);
    const actorUri = ctx.getActorUri(account.username);
    const now = new Date();
    const activity = new Update({
      id: new URL(`${actorUri.href}#updates/${now.getTime()}/${randomIdPart()}`),
      actor: actorUri,
      object: person,
      published: toInstant(now),
      to: PUBLIC_COLLECTION,
      cc: ctx.getFollowersUri(account.username),
    });
    const targets = await remoteFollowerInboxes(this.domain, account.id);
    await this.send(ctx, account.username, targets, activity, actorUri.href);
  }

  /**
   * A resident's account was deleted: Delete(Person) to the inboxes its
   * followers had. The row is gone, so the stored keys sign it directly.
   */
  async accountDeleted(e: DomainEvents["account.deleted"]): Promise<void> {
    if (!e.local || e.followerInboxes.length === 0) return;
    const actorUri = new URL(e.uri);
    const pairs = await this.parvis.keys.getKeyPairs(e.accountId);
    const keys = pairs.map((pair, i) => ({
      keyId: new URL(i === 0 ? "#main-key" : `#key-${i + 1}`, actorUri),
      privateKey: pair.privateKey,
    }));
    const activity = new Delete({
      id: new URL(`${actorUri.href}#delete/${randomIdPart()}`),
      actor: actorUri,
      object: actorUri,
      to: PUBLIC_COLLECTION,
    });
    const inboxes = [...new Set(e.followerInboxes)].flatMap((inbox) => {
      try {
        const url = new URL(inbox);
        return isLocalUrl(this.origin, url) ? [] : [{ id: url, inboxId: url, endpoints: null }];
      } catch {
        return [];
      }
    });
    if (inboxes.length === 0) return;
    await this.ctx.sendActivity(keys, inboxes, activity, { preferSharedInbox: true });
  }
}

