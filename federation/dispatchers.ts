// What other servers read from us: the actors (residents, the instance
// actor) and their keys, WebFinger handles, the outbox, followers, following
// and featured collections, a status as its Note, and NodeInfo. Which
// resident is served and what a collection lists are rules of the domain
// (findPublicResident, listedStatusesPage…); this is translation.
import type { Context, Federation, RequestContext } from "@fedify/fedify";
import { Note, type Recipient } from "@fedify/vocab";
import { findAccountByUri, findPublicResident, movedToUri, residentUsernameForHandle } from "../server/domain/accounts";
import { statusForFederation } from "../server/domain/statuses";
import { countFollowers, countFollowing, followersPage, followingPage, type FollowerInboxes } from "../server/domain/follows";
import { FIRST_PAGE } from "../server/domain/pagination";
import { canSee } from "../server/domain/visibility";
import { countListedStatuses, featuredStatuses, listedStatusesPage } from "../server/domain/statuses";
import { isId } from "../server/ids";
import type { Services } from "../server/services";
import { isLocalUrl, localUrls, paths } from "../server/urls";
import { INSTANCE_ACTOR_KEY_ID, type KeyStore } from "./keys";
import { buildNodeInfo } from "./nodeinfo";
import { INSTANCE_ACTOR, INSTANCE_ACTOR_PATH, instanceActor, instanceHandle, localPerson } from "./to-activitypub/actor";
import { statusToActivity } from "./to-activitypub/activities";
import { federatedStatus, statusToNote } from "./to-activitypub/note";

function recipientOf(follower: FollowerInboxes): Recipient {
  return {
    id: new URL(follower.uri),
    inboxId: follower.inboxUrl ? new URL(follower.inboxUrl) : null,
    endpoints: follower.sharedInboxUrl ? { sharedInbox: new URL(follower.sharedInboxUrl) } : null,
  };
}

export function registerDispatchers(federation: Federation<Services>, services: Services, keys: KeyStore): void {
  const { config } = services;
  const d = services.domain;
  const actorPath = paths.actor("{identifier}") as `${string}{identifier}${string}`;
  const sub = (suffix: string) => `${paths.actor("{identifier}")}${suffix}` as `${string}{identifier}${string}`;

  federation
    .setActorDispatcher(actorPath, async (ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR) {
        // at its own path (and through WebFinger), not at /users/instance_actor
        if (new URL(ctx.request.url).pathname === paths.actor(INSTANCE_ACTOR)) return null;
        return instanceActor(ctx, config.domain, config.commune.name);
      }
      const account = await findPublicResident(services.domain, identifier);
      return account ? localPerson(ctx, config.origin, account, await movedToUri(services.domain, account)) : null;
    })
    .mapActorAlias(INSTANCE_ACTOR_PATH, INSTANCE_ACTOR)
    .mapHandle(async (_ctx, handle) => {
      if (handle.toLowerCase() === instanceHandle(config.domain)) return INSTANCE_ACTOR;
      return residentUsernameForHandle(services.domain, handle);
    })
    .mapAlias((_ctx, resource) => {
      // the profile page (https://commune.fr/@alice) also finds the actor
      if (!isLocalUrl(config.origin, resource)) return null;
      const m = resource.pathname.match(/^\/@([A-Za-z0-9_]+)$/);
      return m ? { username: m[1] } : null;
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR) return keys.getKeyPairs(INSTANCE_ACTOR_KEY_ID);
      const account = await findPublicResident(services.domain, identifier);
      return account ? keys.getKeyPairs(account.id) : [];
    });

  const accountIdOf = async (identifier: string) => (await findPublicResident(services.domain, identifier))?.id ?? null;
  const followersUri = (ctx: Context<Services>, identifier: string) => ctx.getFollowersUri(identifier);

  federation
    .setOutboxDispatcher(sub("/outbox"), async (ctx, identifier, cursor) => {
      const accountId = await accountIdOf(identifier);
      if (!accountId) return null;
      const page = await listedStatusesPage(d, accountId, cursor ?? FIRST_PAGE);
      const author = { uri: ctx.getActorUri(identifier), followersUri: followersUri(ctx, identifier) };
      return { items: page.items.map((s) => statusToActivity(s, author)), nextCursor: page.nextCursor };
    })
    .setCounter(async (_ctx, identifier) => {
      const accountId = await accountIdOf(identifier);
      return accountId ? countListedStatuses(d, accountId) : null;
    })
    .setFirstCursor(() => FIRST_PAGE);

  federation
    .setFollowersDispatcher(sub("/followers"), async (_ctx, identifier, cursor, filter) => {
      const accountId = await accountIdOf(identifier);
      if (!accountId) return null;
      // FEP-8fcf: only the followers on one server
      const page = await followersPage(d, accountId, cursor, filter?.origin);
      return { items: page.items.map(recipientOf), nextCursor: page.nextCursor };
    })
    .setCounter(async (_ctx, identifier) => {
      const accountId = await accountIdOf(identifier);
      return accountId ? countFollowers(d, accountId) : null;
    })
    .setFirstCursor(() => FIRST_PAGE);

  federation
    .setFollowingDispatcher(sub("/following"), async (_ctx, identifier, cursor) => {
      const accountId = await accountIdOf(identifier);
      if (!accountId) return null;
      const page = await followingPage(d, accountId, cursor ?? FIRST_PAGE);
      return { items: page.items.map((uri) => new URL(uri)), nextCursor: page.nextCursor };
    })
    .setCounter(async (_ctx, identifier) => {
      const accountId = await accountIdOf(identifier);
      return accountId ? countFollowing(d, accountId) : null;
    })
    .setFirstCursor(() => FIRST_PAGE);

  federation
    .setFeaturedDispatcher(sub("/collections/featured"), async (ctx, identifier) => {
      const accountId = await accountIdOf(identifier);
      if (!accountId) return null;
      const author = { uri: ctx.getActorUri(identifier), followersUri: followersUri(ctx, identifier) };
      return { items: (await featuredStatuses(d, accountId)).map((s) => statusToNote(s, author)) };
    })
    .setCounter(async (_ctx, identifier) => {
      const accountId = await accountIdOf(identifier);
      return accountId ? (await featuredStatuses(d, accountId)).length : null;
    });

  // A status URL answers its Note to ActivityPub clients; followers-only and
  // direct ones only to a signed fetcher allowed to see them (dispatchNote below).
  federation.setObjectDispatcher(
    Note,
    paths.status("{identifier}", "{id}") as `${string}{identifier}${string}{id}${string}`,
    (ctx, values) => dispatchNote(ctx, values.identifier, values.id),
  );

  federation.setNodeInfoDispatcher("/nodeinfo/2.1", () => buildNodeInfo(services));
}

// A status URL fetched as ActivityPub: the Note, with its mentions, tags and
// attachments. Public and unlisted Notes answer anyone; followers-only and
// direct ones answer only a fetcher whose signed request comes from an actor
// allowed to see them (the same rule as everywhere: canSee in the visibility
// concept). Anyone else gets 404, as if the status did not exist.
async function dispatchNote(ctx: RequestContext<Services>, username: string, statusId: string): Promise<Note | null> {
  const services = ctx.data;
  if (!isId(statusId)) return null;
  const account = await findPublicResident(services.domain, username);
  if (!account) return null;
  const data = await statusForFederation(services.domain, statusId);
  if (!data || data.status.accountId !== account.id || data.status.reblogOfId) return null;
  if (data.status.visibility === "private" || data.status.visibility === "direct") {
    if (!(await fetcherMaySee(ctx, data.status))) return null;
  }
  const status = federatedStatus(data, services.config.origin, services.config.domain);
  // a poll is served as the Question it is: Fedify serializes whatever object the
  // dispatcher returns, and one status path cannot have two dispatchers
  return statusToNote(
    status,
    { uri: ctx.getActorUri(username), followersUri: ctx.getFollowersUri(username) },
    localUrls(services.config.origin).tagPage,
  ) as Note;
}

async function fetcherMaySee(
  ctx: RequestContext<Services>,
  status: { id: string; accountId: string; visibility: "public" | "unlisted" | "private" | "direct" },
): Promise<boolean> {
  let ownerId: URL | null = null;
  try {
    // verifies the request's signature and that the key belongs to the actor that lists it
    ownerId = (await ctx.getSignedKeyOwner())?.id ?? null;
  } catch {
    return false;
  }
  if (!ownerId) return false;
  const fetcher = await findAccountByUri(ctx.data.domain, ownerId.href);
  if (!fetcher || fetcher.domain === null) return false;
  return canSee(ctx.data.domain, status, fetcher.id);
}
