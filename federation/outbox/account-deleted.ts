// account.deleted: a resident's account was deleted: Delete(Person) to the
// inboxes its followers had. The row is gone, so the stored keys sign it
// directly.
import type { DomainEvents } from "../../server/events";
import { deletePerson } from "../to-activitypub/activities";
import type { OutboxContext } from "./context";

export async function onAccountDeleted(o: OutboxContext, e: DomainEvents["account.deleted"]): Promise<void> {
  if (!e.local || e.followerInboxes.length === 0) return;
  const actorUri = new URL(e.uri);
  const pairs = await o.federation.keys.getKeyPairs(e.accountId);
  const keys = pairs.map((pair, i) => ({
    keyId: new URL(i === 0 ? "#main-key" : `#key-${i + 1}`, actorUri),
    privateKey: pair.privateKey,
  }));
  const activity = deletePerson(actorUri);
  const inboxes = [...new Set(e.followerInboxes)].flatMap((inbox) => {
    try {
      const url = new URL(inbox);
      return url.origin === new URL(o.origin).origin ? [] : [{ id: url, inboxId: url, endpoints: null }];
    } catch {
      return [];
    }
  });
  if (inboxes.length === 0) return;
  await o.federation.context().sendActivity(keys, inboxes, activity, { preferSharedInbox: true });
}
