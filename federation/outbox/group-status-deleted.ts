// status.deleted of a post in one of our groups (its author deleted it, or a
// moderator removed it): the group sends its own Delete of the post, announced
// to its members' servers (FEP-1b12; Lemmy and Mobilizon remove a post on a
// Delete from its group), so it disappears there too.
import type { DomainEvents } from "../../server/events";
import { groupAnnounce, groupDelete } from "../to-activitypub/group";
import type { OutboxContext } from "./context";
import { localGroupOf, sendAsGroup } from "./group-send";

export async function onGroupStatusDeleted(o: OutboxContext, e: DomainEvents["status.deleted"]): Promise<void> {
  if (e.reblogOfId) return;
  const loaded = await localGroupOf(o, e.groupId);
  if (!loaded) return;
  const ctx = o.federation.context();
  await sendAsGroup(o, ctx, loaded, groupAnnounce(o.origin, loaded, groupDelete(o.origin, loaded, e.uri)), undefined, e.uri);
}
