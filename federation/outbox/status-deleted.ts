// status.deleted: a resident's post is gone (Delete(Tombstone)) or a reblog
// withdrawn (Undo(Announce)); the row is gone, the event carries what
// addressing needs.
import type { Account } from "../../server/domain/accounts";
import { accountById, accountsByIds } from "../../server/domain/accounts";
import { statusById } from "../../server/domain/statuses";
import type { DomainEvents } from "../../server/events";
import { deleteStatus, undoAnnounce } from "../to-activitypub/activities";
import type { OutboxContext } from "./context";
import { isLocal, statusTargets } from "./recipients";

export async function onStatusDeleted(o: OutboxContext, e: DomainEvents["status.deleted"]): Promise<void> {
  if (!e.local) return;
  const d = o.services.domain;
  const author = await accountById(d, e.accountId);
  if (!isLocal(author)) return;
  const ctx = o.federation.context();
  const actor = o.author(ctx, author.username);
  const mentionedAccounts = await accountsByIds(d, e.mentionedAccountIds);
  const mentioned = mentionedAccounts.filter((a) => a.domain !== null);
  const extra: Account[] = [];
  let activity;
  if (e.reblogOfId) {
    // the original may already be gone (deleted with its reblogs): the Announce's id is what receivers match
    const original = await statusById(d, e.reblogOfId);
    const originalAuthor = original ? await accountById(d, original.accountId) : null;
    if (originalAuthor) extra.push(originalAuthor);
    activity = undoAnnounce(e.uri, actor, e.visibility, original ? { uri: original.uri, authorUri: originalAuthor?.uri ?? null } : null);
  } else {
    activity = deleteStatus(e.uri, actor, e.visibility, mentionedAccounts.map((a) => new URL(a.uri)));
  }
  const targets = await statusTargets(d, author.id, e.visibility, mentioned, extra);
  await o.send(ctx, author.username, targets, activity, e.reblogOfId ? undefined : e.uri);
}
