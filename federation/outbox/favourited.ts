// favourite.created: a resident likes a remote status: Like, to its author.
import type { DomainEvents } from "../../server/events";
import { likeActivity } from "../to-activitypub/activities";
import { likeActivityId } from "../to-activitypub/ids";
import type { OutboxContext } from "./context";
import { remoteStatusLikedByResident } from "./favourites";

export async function onFavourited(o: OutboxContext, e: DomainEvents["favourite.created"]): Promise<void> {
  const liked = await remoteStatusLikedByResident(o, e.accountId, e.statusId);
  if (!liked) return;
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(liked.liker.username);
  const id = likeActivityId(actorUri, e.favouriteId, o.services.config.secret);
  await o.send(ctx, liked.liker.username, [liked.author], likeActivity(id, actorUri, liked.statusUri, liked.author.uri));
}
