// A resident in a remote group (a Lemmy community, a Mobilizon group, another
// Parvis's group): joining sends Follow to the group (its id stored on the
// membership, to match the Accept or Reject), leaving Undo(Follow); a post,
// an edit or a deletion in the group goes to the group's inbox addressed to
// the group (FEP-1b12: `audience` is the group), and the group announces it to
// its members. Posts in our own groups are not sent from here.
import { Create, Delete, Note, PUBLIC_COLLECTION, Question, Tombstone, Update, type Object as APObject } from "@fedify/vocab";
import type { Account } from "../../server/domain/accounts";
import { accountById } from "../../server/domain/accounts";
import { getGroup, setRemoteMembershipUri, type LoadedGroup } from "../../server/domain/groups";
import { statusForFederation } from "../../server/domain/statuses";
import type { DomainEvents } from "../../server/events";
import { followActivity, undoFollow } from "../to-activitypub/activities";
import { toInstant } from "../to-activitypub/addressing";
import { followActivityId, keyedIdPart, randomIdPart } from "../to-activitypub/ids";
import { federatedStatus, statusToNote } from "../to-activitypub/note";
import type { OutboxContext } from "./context";
import { isLocal, type RemoteInboxes } from "./recipients";

/** The remote group of an event, or null (a local group, or gone). */
async function remoteGroup(o: OutboxContext, groupId: string): Promise<LoadedGroup | null> {
  const loaded = await getGroup(o.services.domain, groupId).catch(() => null);
  return loaded && loaded.account.domain !== null ? loaded : null;
}

export async function onRemoteGroupJoinRequested(o: OutboxContext, e: DomainEvents["remote_group.join_requested"]): Promise<void> {
  const d = o.services.domain;
  const [member, group] = await Promise.all([accountById(d, e.accountId), remoteGroup(o, e.groupId)]);
  if (!isLocal(member) || !group) return;
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(member.username);
  const id = followActivityId(actorUri, e.membershipId);
  await setRemoteMembershipUri(d, e.membershipId, id.href);
  await o.send(ctx, member.username, [group.account], followActivity(id, actorUri, group.account.uri));
}

export async function onRemoteGroupLeft(o: OutboxContext, e: DomainEvents["remote_group.left"]): Promise<void> {
  const d = o.services.domain;
  const [member, group] = await Promise.all([accountById(d, e.accountId), remoteGroup(o, e.groupId)]);
  if (!isLocal(member) || !group) return;
  const ctx = o.federation.context();
  const actorUri = ctx.getActorUri(member.username);
  const key = `group-memberships/${e.membershipId}`;
  const followId = e.uri ? new URL(e.uri) : new URL(`${actorUri.href}#${key}/${keyedIdPart(o.services.config.secret, key)}`);
  await o.send(ctx, member.username, [group.account], undoFollow(actorUri, followId, group.account.uri));
}

/**
 * How a post in a remote group is addressed: to the group (and Public for a
 * public group), cc the group's followers (its members) and the replied-to
 * author; `audience` names the group (FEP-1b12, Lemmy).
 */
function groupAddressing(group: Account, isPublic: boolean, extra: Account[]): { tos: URL[]; ccs: URL[] } {
  const tos = [new URL(group.uri), ...(isPublic ? [PUBLIC_COLLECTION] : [])];
  const ccs = [...(group.followersUrl ? [new URL(group.followersUrl)] : []), ...extra.map((a) => new URL(a.uri))];
  return { tos, ccs };
}

/** The Note of a resident's post in a remote group, addressed to it; its author and the accounts it goes to. */
async function groupNote(o: OutboxContext, statusId: string, groupId: string) {
  const d = o.services.domain;
  const group = await remoteGroup(o, groupId);
  if (!group) return null;
  const data = await statusForFederation(d, statusId);
  if (!data || !isLocal(data.author) || data.reblogOf || data.status.groupId !== groupId) return null;
  const ctx = o.federation.context();
  const author = o.author(ctx, data.author.username);
  const status = federatedStatus(data, o.origin, o.services.config.domain);
  const extra: Account[] = [];
  if (data.inReplyToAccount && data.inReplyToAccount.domain !== null && data.inReplyToAccount.id !== group.account.id) extra.push(data.inReplyToAccount);
  const remoteMentioned: RemoteInboxes[] = data.mentions.filter((m) => m.domain !== null);
  const { tos, ccs } = groupAddressing(group.account, data.status.visibility === "public" || data.status.visibility === "unlisted", extra);
  const built = statusToNote(status, author, o.tagUrl);
  const values = { tos, ccs: [...ccs, ...remoteMentioned.map((m) => new URL(m.uri))], audience: new URL(group.account.uri) };
  const note: Note | Question = built.clone(values);
  const targets: RemoteInboxes[] = [group.account, ...extra, ...remoteMentioned];
  return { ctx, data, group, note, tos, ccs: values.ccs, targets };
}

export async function onRemoteGroupPostCreated(o: OutboxContext, e: DomainEvents["group.status.created"]): Promise<void> {
  if (!e.local) return;
  const built = await groupNote(o, e.statusId, e.groupId);
  if (!built) return;
  const { ctx, data, note, tos, ccs, targets } = built;
  const activity = new Create({
    id: new URL(`${data.status.uri}/activity`),
    actor: ctx.getActorUri(data.author.username),
    object: note,
    published: toInstant(data.status.createdAt),
    tos,
    ccs,
    audience: note.audienceId,
  });
  await o.send(ctx, data.author.username, targets, activity, data.status.uri);
}

export async function onRemoteGroupPostUpdated(o: OutboxContext, e: DomainEvents["group.status.updated"]): Promise<void> {
  if (!e.local) return;
  const built = await groupNote(o, e.statusId, e.groupId);
  if (!built) return;
  const { ctx, data, note, tos, ccs, targets } = built;
  const at = data.status.editedAt ?? new Date();
  const activity = new Update({
    id: new URL(`${data.status.uri}#updates/${at.getTime()}/${randomIdPart()}`),
    actor: ctx.getActorUri(data.author.username),
    object: note as APObject,
    published: toInstant(at),
    tos,
    ccs,
    audience: note.audienceId,
  });
  await o.send(ctx, data.author.username, targets, activity, data.status.uri);
}

export async function onRemoteGroupPostDeleted(o: OutboxContext, e: DomainEvents["status.deleted"]): Promise<void> {
  if (!e.local || !e.groupId || e.reblogOfId) return;
  const group = await remoteGroup(o, e.groupId);
  if (!group) return;
  const author = await accountById(o.services.domain, e.accountId);
  if (!isLocal(author)) return;
  const ctx = o.federation.context();
  const { tos, ccs } = groupAddressing(group.account, e.visibility === "public" || e.visibility === "unlisted", []);
  const activity = new Delete({
    id: new URL(`${e.uri}#delete/${randomIdPart()}`),
    actor: ctx.getActorUri(author.username),
    object: new Tombstone({ id: new URL(e.uri) }),
    tos,
    ccs,
    audience: new URL(group.account.uri),
  });
  await o.send(ctx, author.username, [group.account], activity, e.uri);
}
