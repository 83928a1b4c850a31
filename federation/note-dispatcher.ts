// A status URL fetched as ActivityPub: the Note, with its mentions, tags and
// attachments. Public and unlisted Notes answer anyone; followers-only and
// direct ones answer only a fetcher whose signed request comes from an actor
// allowed to see them (the same rule as everywhere: domain/visibility/).
// Anyone else gets 404, as if the status did not exist.
import type { RequestContext } from "@fedify/fedify";
import type { Note } from "@fedify/vocab";
import { statusForFederation } from "../server/domain/statuses";
import { isId } from "../server/ids";
import { findAccountByUri } from "../server/domain/accounts";
import { canSee } from "../server/domain/visibility";
import type { Services } from "../server/services";
import { localUrls } from "../server/urls";
import { findPublicLocalAccount } from "./actors";
import { federatedStatus, statusToNote } from "./to-activitypub/objects";

export async function dispatchNote(ctx: RequestContext<Services>, username: string, statusId: string): Promise<Note | null> {
  const services = ctx.data;
  if (!isId(statusId)) return null;
  const account = await findPublicLocalAccount(services.db, username);
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
