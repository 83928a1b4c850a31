// account.updated: a resident's profile changed: Update(Person) to the
// servers of their followers.
import { accountById, findPublicResident, movedToUri } from "../../server/domain/accounts";
import type { DomainEvents } from "../../server/events";
import { updatePerson } from "../to-activitypub/activities";
import { localPerson } from "../to-activitypub/actor";
import type { OutboxContext } from "./context";
import { followerTargets, isLocal } from "./recipients";

export async function onAccountUpdated(o: OutboxContext, e: DomainEvents["account.updated"]): Promise<void> {
  if (!e.local) return;
  const d = o.services.domain;
  const row = await accountById(d, e.accountId);
  if (!isLocal(row)) return;
  // suspended, disabled or unapproved residents are not served as actors either
  const account = await findPublicResident(d, row.username);
  if (!account) return;
  const ctx = o.federation.context();
  const person = await localPerson(ctx, o.origin, account, await movedToUri(d, account));
  const actorUri = ctx.getActorUri(account.username);
  const activity = updatePerson(actorUri, ctx.getFollowersUri(account.username), person);
  const targets = await followerTargets(d, account.id);
  await o.send(ctx, account.username, targets, activity, actorUri.href);
}
