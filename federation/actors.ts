// Local residents as Person actors, and the instance actor (Application)
// that signs our fetches. Residents are identified by their username, which is
// also their URL (/users/{username}); the instance actor by a reserved name.
import type { Context, RequestContext } from "@fedify/fedify";
import { Application, Endpoints, Image, Person, PropertyValue } from "@fedify/vocab";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../server/db/open";
import { accounts, users } from "../server/db/schema";
import { localUrls } from "../server/urls";
import { toInstant } from "./to-activitypub/objects";
import { instanceActorStreams } from "./moderation-log";

/**
 * Fedify identifier of the instance actor. "instance_actor" is a reserved
 * username (server/domain/accounts.ts), so no resident can take it.
 */
export const INSTANCE_ACTOR = "instance_actor";
/** Where the instance actor lives (Fedify maps this fixed path to INSTANCE_ACTOR). */
export const INSTANCE_ACTOR_PATH = "/actor";

export type LocalAccount = typeof accounts.$inferSelect;

/**
 * A resident who may appear to other servers: local, approved, not disabled,
 * not suspended. Exact username match: the URL is canonical.
 */
export async function findPublicLocalAccount(db: Db, username: string): Promise<LocalAccount | null> {
  const [row] = await db
    .select({ account: accounts })
    .from(accounts)
    .innerJoin(users, eq(users.accountId, accounts.id))
    .where(
      and(
        isNull(accounts.domain),
        eq(accounts.username, username),
        eq(users.approved, true),
        isNull(users.disabledAt),
        isNull(accounts.suspendedAt),
      ),
    )
    .limit(1);
  return row?.account ?? null;
}

/** WebFinger handles are case-insensitive: acct:Alice@… finds alice. Returns the canonical username. */
export async function usernameForHandle(db: Db, handle: string): Promise<string | null> {
  const [row] = await db
    .select({ username: accounts.username })
    .from(accounts)
    .where(and(isNull(accounts.domain), sql`lower(${accounts.username}) = ${handle.toLowerCase()}`))
    .limit(1);
  return row?.username ?? null;
}

export async function localPerson<T>(ctx: RequestContext<T> | Context<T>, origin: string, account: LocalAccount): Promise<Person> {
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
