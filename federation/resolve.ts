// Fetching remote actors and posts, and keeping them in our database.
// Every document comes through the federation's document loader (safe fetch:
// public addresses, domain policy, sizes, Content-Type), and is believed only
// when its id is the URL it was fetched from: a server speaks for its own
// URLs, never for another origin's (Mastodon CVE-2024-23832).
import type { Context, DocumentLoader } from "@fedify/fedify";
import { Group, Object as APObject, type Actor } from "@fedify/vocab";
import type { Account } from "../server/domain/accounts";
import type { DomainContext } from "../server/domain/context";
import { accountsByUris, findAccountByUri, upsertRemoteAccount } from "../server/domain/accounts";
import { findStatusByUri, storeRemoteStatus } from "../server/domain/statuses";
import type { Services } from "../server/services";
import { actorToData, groupToData, isSupportedActor } from "./from-activitypub/actor";
import { recordRemoteGroup } from "../server/domain/groups";
import { isFetchableUrl, isPostObject, postToStatusData, type PostObject } from "./from-activitypub/note";
import { isUrlAllowed } from "./policy";
import { isLocalUrl } from "../server/urls";
import type { SafeFetch } from "./safe-fetch";
import { lookupWebFinger } from "./webfinger";
import { INSTANCE_ACTOR } from "./to-activitypub/actor";

export type FedCtx = Context<Services>;

/** An account's actor document is fetched again after a day. */
export const ACTOR_REFRESH_MS = 24 * 3600_000;
/** Unknown actors mentioned in one post that we fetch (the rest are ignored). */
export const MAX_MENTION_FETCHES = 5;

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

/**
 * Fetches a document and parses it, or null. The document's own `id` must be
 * the URL asked for, or the final URL after redirects. `loader` is the cached
 * document loader unless told otherwise.
 */
export async function fetchObject(ctx: FedCtx, url: URL | string, loader: DocumentLoader = ctx.documentLoader): Promise<APObject | null> {
  const services = ctx.data;
  const log = services.logger;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  if (!isFetchableUrl(target, services.config.allowPrivateAddress)) return null;
  if (isLocalUrl(ctx.data.config.origin, target)) return null;
  if (!(await isUrlAllowed(services.domain, target))) return null;
  let remote;
  try {
    remote = await loader(target.href);
  } catch (err) {
    log.info({ url: target.href, err: (err as Error).message }, "fetch of a remote object failed");
    return null;
  }
  const doc = remote.document as { id?: unknown; "@id"?: unknown } | null;
  const id = typeof doc?.id === "string" ? doc.id : typeof doc?.["@id"] === "string" ? doc["@id"] : null;
  if (!doc || typeof doc !== "object" || !id || !(sameUrl(id, target.href) || sameUrl(id, remote.documentUrl))) {
    log.warn({ url: target.href, documentUrl: remote.documentUrl, id }, "fetched document's id is not its URL; ignored");
    return null;
  }
  // deleted at its origin since: the document came from the cache
  if (await services.domain.tombstones?.isDeleted(id)) return null;
  try {
    return await APObject.fromJsonLd(doc, {
      documentLoader: ctx.documentLoader,
      contextLoader: ctx.contextLoader,
      baseUrl: new URL(remote.documentUrl),
    });
  } catch (err) {
    log.info({ url: target.href, err: (err as Error).message }, "remote object could not be parsed");
    return null;
  }
}

/** The loaders translation needs. */
export function loadersOf(ctx: FedCtx) {
  return { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader };
}

/**
 * The actor's document as its server sent it (the document loader's cached copy):
 * Fedify keeps no raw copy of an actor with values it does not decode, and
 * Lemmy's and Mobilizon's extensions are not in its vocabulary.
 */
async function rawActorDocument(ctx: FedCtx, actor: Actor, loader: DocumentLoader = ctx.documentLoader): Promise<Record<string, unknown> | null> {
  if (!actor.id) return null;
  const remote = await loader(actor.id.href).catch(() => null);
  const doc = remote?.document as Record<string, unknown> | null | undefined;
  return doc && typeof doc === "object" && doc.id === actor.id.href ? doc : null;
}

/** Stores (or refreshes) a fetched actor. Refuses inboxes we could not deliver to. */
export async function storeActor(ctx: FedCtx, actor: Actor, dctx: DomainContext = ctx.data.domain, loader: DocumentLoader = ctx.documentLoader): Promise<Account | null> {
  const data = await actorToData(actor, loadersOf(ctx));
  if (!data) return null;
  const allowPrivate = ctx.data.config.allowPrivateAddress;
  for (const u of [data.inboxUrl, data.sharedInboxUrl]) {
    if (u && !isFetchableUrl(u, allowPrivate)) {
      ctx.data.logger.warn({ actor: data.uri, inbox: u }, "actor's inbox is not a public address; ignored");
      return null;
    }
  }
  if (!data.inboxUrl) return null;
  if (data.avatarUrl && !isFetchableUrl(data.avatarUrl, allowPrivate)) data.avatarUrl = null;
  if (data.headerUrl && !isFetchableUrl(data.headerUrl, allowPrivate)) data.headerUrl = null;
  try {
    // a Group actor (Lemmy community, Mobilizon or Parvis group) is a group here too: joinable, with its timeline;
    // its raw terms read with the loader the actor came from (a refresh must not take them from a cached copy),
    // before anything is written, so that the account and its groups row change together
    const group = actor instanceof Group ? await groupToData(actor, await rawActorDocument(ctx, actor, loader)) : null;
    const account = await upsertRemoteAccount(dctx, data);
    if (group) await recordRemoteGroup(dctx, account, group);
    return account;
  } catch (err) {
    ctx.data.logger.info({ actor: data.uri, err: (err as Error).message }, "remote actor not stored");
    return null;
  }
}

/**
 * The account for an actor URL: our own row when fresh enough, otherwise
 * fetched from the actor's server (its id must be that URL) and stored.
 */
export async function resolveActor(
  ctx: FedCtx,
  url: URL | string,
  options: { refresh?: boolean; dctx?: DomainContext } = {},
): Promise<Account | null> {
  const dctx = options.dctx ?? ctx.data.domain;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  const known = await findAccountByUri(dctx, target.href);
  if (isLocalUrl(ctx.data.config.origin, target)) return known && known.domain === null ? known : null;
  if (known && known.domain === null) return null;
  const fresh = known?.lastFetchedAt && Date.now() - known.lastFetchedAt.getTime() < ACTOR_REFRESH_MS;
  if (known && fresh && !options.refresh) return known;
  // a refresh reads the actor's server, not a copy cached minutes ago (signed, never cached)
  const loader = options.refresh ? await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR }) : ctx.documentLoader;
  const object = await fetchObject(ctx, target, loader);
  if (!isSupportedActor(object)) return known ?? null;
  return (await storeActor(ctx, object, dctx, loader)) ?? known ?? null;
}

/** @user@host → account, through WebFinger over our safe fetch, then the actor document. */
export async function resolveHandle(ctx: FedCtx, safeFetch: SafeFetch, username: string, domain: string): Promise<Account | null> {
  const services = ctx.data;
  if (domain.toLowerCase() === services.config.domain.toLowerCase()) return null;
  if (!(await isUrlAllowed(services.domain, `https://${domain}/`))) return null;
  const result = await lookupWebFinger(safeFetch, { username, host: domain.toLowerCase() }, {
    allowPrivateAddress: services.config.allowPrivateAddress,
  }).catch(() => null);
  if (!result?.actorUrl) return null;
  const account = await resolveActor(ctx, result.actorUrl);
  // WebFinger of one server may not name an actor of another one
  if (account && account.domain !== domain.toLowerCase() && new URL(account.uri).host.toLowerCase() !== domain.toLowerCase()) return null;
  return account;
}

/** Account ids for mentioned actor URLs: known (local or remote) ones, and at most a few fetched. */
export async function resolveMentionHrefs(ctx: FedCtx, hrefs: URL[], dctx: DomainContext = ctx.data.domain): Promise<string[]> {
  return (await resolveMentionedAccounts(ctx, hrefs, dctx)).map((a) => a.id);
}

/** The accounts behind mentioned actor URLs: known (local or remote) ones, and at most a few fetched. */
export async function resolveMentionedAccounts(ctx: FedCtx, hrefs: URL[], dctx: DomainContext = ctx.data.domain): Promise<Account[]> {
  const uris = [...new Set(hrefs.map((h) => h.href))];
  const found = await accountsByUris(dctx, uris);
  const unknown = uris.filter((u) => !found.some((a) => a.uri === u) && !isLocalUrl(ctx.data.config.origin, new URL(u)));
  for (const uri of unknown.slice(0, MAX_MENTION_FETCHES)) {
    const account = await resolveActor(ctx, uri, { dctx });
    if (account) found.push(account);
  }
  return found;
}

/** The raw JSON of an activity's embedded object, as received (for extensions Fedify does not parse). */
export async function rawEmbeddedObject(activity: { toJsonLd(): Promise<unknown> }, objectId: URL): Promise<Record<string, unknown> | null> {
  const raw = (await activity.toJsonLd().catch(() => null)) as { object?: unknown } | null;
  const object = raw?.object;
  if (!object || typeof object !== "object" || Array.isArray(object)) return null;
  const id = (object as { id?: unknown }).id;
  return id === objectId.href ? (object as Record<string, unknown>) : null;
}

/** Is the post's author the given actor? (attributedTo must name it, and only it) */
export function isAttributedTo(object: APObject, actorId: URL): boolean {
  const ids = object.attributionIds;
  return ids.length > 0 && ids.every((id) => id.href === actorId.href);
}

/**
 * A post by a known author → its status data. `author` must already be
 * checked to be the post's attributedTo. The accounts its mentions name are
 * added to `mentioned` when given.
 */
export async function postData(
  ctx: FedCtx,
  object: PostObject,
  author: Account,
  dctx: DomainContext = ctx.data.domain,
  raw: Record<string, unknown> | null = null,
  mentioned?: Account[],
) {
  return postToStatusData(object, author.id, {
    raw,
    loaders: loadersOf(ctx),
    followersUrl: author.followersUrl,
    resolveMentions: async (hrefs) => {
      const accounts = await resolveMentionedAccounts(ctx, hrefs, dctx);
      mentioned?.push(...accounts);
      return accounts.map((a) => a.id);
    },
    allowPrivateAddress: ctx.data.config.allowPrivateAddress,
  });
}

/** Fetches a post from its origin, with its author; stores it. For search and boosts of unknown posts. */
export async function resolvePost(ctx: FedCtx, url: URL | string, dctx: DomainContext = ctx.data.domain) {
  const known = await findStatusByUri(dctx, new URL(url).href);
  if (known) return known;
  const object = await fetchObject(ctx, url);
  if (!isPostObject(object) || !object.id) return null;
  const authorId = object.attributionIds[0];
  if (!authorId || !isAttributedTo(object, authorId) || authorId.origin !== object.id.origin) return null;
  const author = await resolveActor(ctx, authorId, { dctx });
  if (!author || author.domain === null) return null;
  const data = await postData(ctx, object, author, dctx);
  if (!data || data.visibility === "direct" || data.visibility === "private") return null;
  return storeRemoteStatus(dctx, data);
}

/** For search: what an ActivityPub URL names, fetched if need be. */
export async function resolveObjectUrl(ctx: FedCtx, url: string): Promise<{ accountId?: string; statusId?: string } | null> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  const dctx = ctx.data.domain;
  const account = await findAccountByUri(dctx, target.href);
  if (account) return { accountId: account.id };
  const status = await findStatusByUri(dctx, target.href);
  if (status) return { statusId: status.id };
  if (isLocalUrl(ctx.data.config.origin, target)) return null;
  const object = await fetchObject(ctx, target);
  if (isSupportedActor(object)) {
    const stored = await storeActor(ctx, object);
    return stored ? { accountId: stored.id } : null;
  }
  if (isPostObject(object)) {
    const stored = await resolvePost(ctx, target);
    return stored ? { statusId: stored.id } : null;
  }
  return null;
}

/** Makes remote resolution available to the domain (search, @mentions in new posts). */
export function installResolvers(services: Services, context: () => FedCtx, safeFetch: SafeFetch): void {
  services.domain.resolveRemoteAccount = (username, domain) => resolveHandle(context(), safeFetch, username, domain);
  services.domain.resolveRemoteUrl = (url) => resolveObjectUrl(context(), url);
  services.domain.refreshRemoteAccount = (uri) => resolveActor(context(), uri, { refresh: true });
}
