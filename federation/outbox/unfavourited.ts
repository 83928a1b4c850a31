// favourite.removed: a resident takes back a like of a remote status: Undo(Like), to its author.
import type { DomainEvents } from "../../server/events";
import { undoLike } from "../to-activitypub/activities";
import { likeActivityId } from "../to-activitypub/ids";
import type { OutboxContext } from "./context";
import { remoteStatusLikedByResident } from "./favourites";

export async function onUnfavourited(o: OutboxContext, e: DomainEvents["favourite.removed"]): Promise<void> {
  const liked = await remoteStatusLikedByResident(o, e.accountId, e.statusId);
  if (!liked) return;
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(liked.liker.username);
  const likeId = e.uri ? new URL(e.uri) : likeActivityId(actorUri, e.favouriteId, o.services.config.secret);
  await o.send(ctx, liked.liker.username, [liked.author], undoLike(likeId, actorUri, liked.statusUri, liked.author.uri));
}
