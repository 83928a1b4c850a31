// Residents as Person actors, and the instance actor (Application) that signs
// our fetches. Residents are identified by their username, which is also
// their URL (/users/{username}); the instance actor by a reserved name.
// Which residents may be served at all is the domain's rule
// (findPublicResident in server/domain/accounts).
import type { Context, RequestContext } from "@fedify/fedify";
import { Application, Endpoints, Image, Person, PropertyValue } from "@fedify/vocab";
import type { Account } from "../../server/domain/accounts";
import { localUrls } from "../../server/urls";
import { toInstant } from "./addressing";
import { instanceActorStreams } from "../moderation-log";

/**
 * Fedify identifier of the instance actor. "instance_actor" is a reserved
 * username (server/domain/accounts/local.ts), so no resident can take it.
 */
export const INSTANCE_ACTOR = "instance_actor";
/** Where the instance actor lives (Fedify maps this fixed path to INSTANCE_ACTOR). */
export const INSTANCE_ACTOR_PATH = "/actor";

/** A resident as their Person; `movedTo` is the id of the account they moved to (accounts' movedToUri). */
export async function localPerson<T>(ctx: RequestContext<T> | Context<T>, origin: string, account: Account, movedTo: string | null = null): Promise<Person> {
  const username = account.username;
  const keys = await ctx.getActorKeyPairs(username);
  const urls = localUrls(origin);
  return new Person({
    id: ctx.getActorUri(username),
    preferredUsername: username,
    name: account.displayName || username,
    summary: account.note || null,
    url: new URL(urls.profilePage(username)),
    inbox: ctx.getInboxUri(username),
    outbox: ctx.getOutboxUri(username),
    followers: ctx.getFollowersUri(username),
    following: ctx.getFollowingUri(username),
    featured: ctx.getFeaturedUri(username),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((k) => k.multikey),
    manuallyApprovesFollowers: account.locked,
    discoverable: account.discoverable,
    indexable: account.discoverable,
    published: toInstant(account.createdAt),
    icon: account.avatarUrl ? new Image({ url: new URL(account.avatarUrl, origin) }) : null,
    image: account.headerUrl ? new Image({ url: new URL(account.headerUrl, origin) }) : null,
    attachments: account.fields.map((f) => new PropertyValue({ name: f.name, value: f.value })),
    // the accounts the resident declared as theirs (an account elsewhere may move here only if listed)
    aliases: account.alsoKnownAs.map((uri) => new URL(uri)),
    successor: movedTo ? new URL(movedTo) : null,
  });
}

export async function instanceActor<T>(ctx: RequestContext<T> | Context<T>, domain: string, name: string): Promise<Application> {
  const keys = await ctx.getActorKeyPairs(INSTANCE_ACTOR);
  return new Application({
    id: ctx.getActorUri(INSTANCE_ACTOR),
    // Mastodon's convention: the instance actor is named after the domain
    preferredUsername: instanceHandle(domain),
    name,
    inbox: ctx.getInboxUri(INSTANCE_ACTOR),
    outbox: ctx.getOutboxUri(INSTANCE_ACTOR),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    publicKey: keys[0]?.cryptographicKey ?? null,
    assertionMethods: keys.map((k) => k.multikey),
    manuallyApprovesFollowers: true,
    streams: instanceActorStreams(ctx.getActorUri(INSTANCE_ACTOR)),
  });
}

/** acct: user part of the instance actor: the host name without port. */
export function instanceHandle(domain: string): string {
  return domain.replace(/:\d+$/, "");
}
