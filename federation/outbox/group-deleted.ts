// group.deleted: a local group was deleted: Delete(Group) from the group's actor
// to the inboxes of its remote members (computed before the memberships went),
// signed with the group's stored keys under the ids its actor publishes.
// Its posts' Deletes went before, one per post (status-deleted.ts).
import type { DomainEvents } from "../../server/events";
import { deletePerson } from "../to-activitypub/activities";
import type { OutboxContext } from "./context";
import { groupSigningKeys } from "./group-send";

export async function onGroupDeleted(o: OutboxContext, e: DomainEvents["group.deleted"]): Promise<void> {
  if (e.memberInboxes.length === 0) return;
  const actorUri = new URL(e.uri);
  const keys = await groupSigningKeys(o, e.groupId, actorUri);
  // the same activity as for a resident: Delete whose object is the actor itself
  const activity = deletePerson(actorUri);
  const ours = new URL(o.origin).origin;
  const inboxes = [...new Set(e.memberInboxes)].flatMap((inbox) => {
    try {
      const url = new URL(inbox);
      return url.origin === ours ? [] : [{ id: url, inboxId: url, endpoints: null }];
    } catch {
      return [];
    }
  });
  if (inboxes.length === 0) return;
  await o.federation.context().sendActivity(keys, inboxes, activity, { preferSharedInbox: true });
}
