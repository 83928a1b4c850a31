// poll.voted: a resident's vote in a remote poll goes to the poll's author as
// one Note per chosen option (Mastodon's shape); any vote in a local poll makes
// its new tallies go out (poll-changed.ts).
import { accountById } from "../../server/domain/accounts";
import { statusById, statusForFederation } from "../../server/domain/statuses";
import { votesByIds } from "../../server/domain/polls";
import type { DomainEvents } from "../../server/events";
import { voteNote } from "../to-activitypub/activities";
import type { OutboxContext } from "./context";
import { onPollChanged } from "./poll-changed";
import { isLocal, isRemote } from "./recipients";

export async function onPollVoted(o: OutboxContext, e: DomainEvents["poll.voted"]): Promise<void> {
  const d = o.services.domain;
  const status = await statusById(d, e.statusId);
  if (!status) return;
  if (status.local) return onPollChanged(o, e.statusId);
  const [voter, author] = await Promise.all([accountById(d, e.accountId), accountById(d, status.accountId)]);
  if (!isLocal(voter) || !isRemote(author)) return;
  const data = await statusForFederation(d, e.statusId);
  const options = data?.poll?.poll.options ?? [];
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(voter.username);
  for (const v of await votesByIds(d, e.voteIds)) {
    const name = options[v.choice];
    if (name === undefined) continue;
    await o.send(ctx, voter.username, [author], voteNote(actorUri, v.id, name, status.uri, author.uri));
  }
}
