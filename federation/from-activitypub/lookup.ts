// Small lookups the inbox handlers share: which resident a URL names, the
// sending actor's account, an activity's embedded object (never fetched).
import type { Context } from "@fedify/fedify";
import { FetchError } from "@fedify/fedify";
import type { Activity, Object as APObject } from "@fedify/vocab";
import type { Account } from "../../server/domain/accounts";
import { findAccountByUri, findPublicResident } from "../../server/domain/accounts";
import type { Services } from "../../server/services";
import { isLocalUrl } from "../../server/urls";
import { resolveActor } from "../resolve";

type Ctx = Context<Services>;

export function sameOrigin(a: URL | null | undefined, b: URL | null | undefined): boolean {
  return Boolean(a && b && a.origin === b.origin);
}

/** The resident an actor URL names (public residents only), or null. */
export async function localAccountFor(ctx: Ctx, url: URL | null | undefined): Promise<Account | null> {
  if (!url || !isLocalUrl(ctx.data.config.origin, url)) return null;
  const parsed = ctx.parseUri(url);
  if (parsed?.type === "actor") return findPublicResident(ctx.data.domain, parsed.identifier);
  const row = await findAccountByUri(ctx.data.domain, url.href);
  return row && row.domain === null ? row : null;
}

/** The remote account of the activity's (signing) actor, fetched when unknown or stale. */
export async function remoteActorOf(ctx: Ctx, activity: Activity, refresh = false): Promise<Account | null> {
  if (!activity.actorId || isLocalUrl(ctx.data.config.origin, activity.actorId)) return null;
  const account = await resolveActor(ctx, activity.actorId, { refresh });
  if (!account || account.domain === null || account.uri !== activity.actorId.href) return null;
  if (account.suspendedAt) return null;
  return account;
}

const noFetch = async (url: string) => {
  throw new FetchError(url, "not fetched: only the embedded object is read");
};

/**
 * The object embedded in an activity, without fetching anything; null when
 * only an id is given. With `sameOriginOnly`, an embedded object of another
 * origin than the activity's is not returned (Fedify's crossOrigin "ignore").
 * Without it, the caller must treat the object as a claim to check against
 * our own records, never as truth.
 */
export async function embeddedObject(ctx: Ctx, activity: Activity, sameOriginOnly = true): Promise<APObject | null> {
  try {
    return await activity.getObject({
      documentLoader: noFetch,
      contextLoader: ctx.contextLoader,
      suppressError: true,
      crossOrigin: sameOriginOnly ? "ignore" : "trust",
    });
  } catch {
    return null;
  }
}
