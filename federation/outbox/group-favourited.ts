// favourite.created of a post in one of our groups: the group announces the
// Like to its members' servers (FEP-1b12: the group announces the activities
// in it). A resident's Like is built again under its own id; a remote
// member's is named by the id its server gave it.
import { Like } from "@fedify/vocab";
import { accountById } from "../../server/domain/accounts";
import { findFavourite } from "../../server/domain/interactions";
import { statusById } from "../../server/domain/statuses";
import type { DomainEvents } from "../../server/events";
import { groupAnnounce } from "../to-activitypub/group";
import { likeActivityId } from "../to-activitypub/ids";
import type { OutboxContext } from "./context";
import { localGroupOf, sendAsGroup } from "./group-send";

export async function onGroupFavourited(o: OutboxContext, e: DomainEvents["favourite.created"]): Promise<void> {
  const d = o.services.domain;
  const status = await statusById(d, e.statusId);
  if (!status?.groupId) return;
  const loaded = await localGroupOf(o, status.groupId);
  if (!loaded) return;
  const liker = await accountById(d, e.accountId);
  if (!liker) return;
  const ctx = o.federation.context();
  let id: URL | null;
  if (liker.domain === null) {
    id = likeActivityId(ctx.getActorUri(liker.username), e.favouriteId, o.services.config.secret);
  } else {
    const uri = (await findFavourite(d, liker.id, { statusId: status.id }))?.uri;
    id = uri ? new URL(uri) : null;
  }
  if (!id) return;
  const like = new Like({ id, actor: new URL(liker.uri), object: new URL(status.uri) });
  await sendAsGroup(o, ctx, loaded, groupAnnounce(o.origin, loaded, like));
}
