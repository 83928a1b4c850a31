// report.forward_requested: a resident asked that their report of a remote
// account go to its server: Flag from the instance actor (never the
// reporter), to the account's shared inbox (or its own inbox).
import type { DomainEvents } from "../../server/events";
import { flagActivity } from "../to-activitypub/activities";
import { INSTANCE_ACTOR } from "../to-activitypub/actor";
import type { OutboxContext } from "./context";

export async function onReportForwardRequested(o: OutboxContext, e: DomainEvents["report.forward_requested"]): Promise<void> {
  let inbox: URL;
  try {
    inbox = new URL(e.inboxUrl);
  } catch {
    return;
  }
  // never to ourselves (a local account is not forwarded anyway)
  if (inbox.origin === new URL(o.origin).origin) return;
  const ctx = o.federation.context();
  const activity = flagActivity(ctx.getActorUri(INSTANCE_ACTOR), e.targetAccountUri, e.statusUris, e.comment);
  await ctx.sendActivity({ identifier: INSTANCE_ACTOR }, [{ id: new URL(e.targetAccountUri), inboxId: inbox, endpoints: null }], activity, {
    excludeBaseUris: [new URL(o.origin)],
  });
}
