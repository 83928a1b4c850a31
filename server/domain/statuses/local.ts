// Statuses: writing, editing, deleting and reading one, with the visibility rule.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import {
  follows,
  groupMemberships,
  idempotencyKeys,
  mediaAttachments,
  mentions,
  statusEdits,
  statusTags,
  statuses,
  tags,
  users,
  type Visibility,
} from "../../db/schema";
import { Conflict, Forbidden, Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import { isBlank } from "../../unicode";
import { localUrls } from "../../urls";
import { findAccountByAcct, findLocalAccount, type Account } from "../accounts/local";
import type { DbOrTx } from "../../db/open";
import { recordDirectStatus } from "../conversations/conversations";
import type { DomainContext } from "../context";
import { HeldEvents } from "../../events";
import { journaled, writeAndPublish } from "../event-journal";
import { recordMentions } from "../notifications/notifications";
import { extractHashtags, extractMentions, mentionKey, renderStatusText, type ResolvedMention } from "../content/text";
import { canSee, getVisibleStatus } from "../visibility/visibility";
import { keepOriginalVersion, tagStatus } from "./storage";
import { activeMembersAmong, groupPostVisibility } from "../groups/rules";
import { removeMediaFiles } from "../media/attachments";
import { insertLocalPoll, replaceLocalPoll, validatePollInput, type PollInput } from "../polls/polls";
import { placeColumns, validatePlace, type Place } from "../places/place";

export type Status = typeof statuses.$inferSelect;

export interface CreateStatusInput {
  text: string;
  visibility?: Visibility;
  spoilerText?: string;
  sensitive?: boolean;
  inReplyToId?: string | null;
  language?: string | null;
  mediaIds?: string[];
  applicationId?: string | null;
  /** Idempotency-Key header, scoped to the user */
  idempotencyKey?: string | null;
  userId?: string | null;
  poll?: PollInput | null;
  /** the group it is posted in: its members read it, and it takes the group's visibility */
  groupId?: string | null;
  /** Parvis: the place the author publishes with it (server/domain/places) */
  place?: Place | null;
  /** more writes that belong to the status (an observation's row), in its transaction, before it is published */
  withinTransaction?: (tx: DbOrTx, status: Status) => Promise<void>;
}

export const MAX_MEDIA = 4;

/** Characters as a reader counts them (code points, not UTF-16 units). */
export function charCount(text: string): number {
  return [...text].length;
}

async function resolveMentions(ctx: DomainContext, text: string): Promise<{ accounts: Account[]; map: Map<string, ResolvedMention> }> {
  const found: Account[] = [];
  const map = new Map<string, ResolvedMention>();
  for (const ref of extractMentions(text)) {
    let account: Account | null | undefined;
    if (!ref.domain || ref.domain === ctx.config.domain) account = await findLocalAccount(ctx, ref.username);
    else {
      account = await findAccountByAcct(ctx, `${ref.username}@${ref.domain}`);
      if (!account && ctx.resolveRemoteAccount) {
        account = await ctx.resolveRemoteAccount(ref.username, ref.domain).catch(() => null);
      }
    }
    if (!account || account.suspendedAt) continue;
    if (!found.some((a) => a.id === account.id)) found.push(account);
    map.set(mentionKey(ref.username, ref.domain), {
      username: account.username,
      domain: account.domain,
      url: account.url ?? account.uri,
    });
  }
  return { accounts: found, map };
}

/**
 * Stores a status with its mentions and tags, notifies mentioned residents and
 * publishes "status.created". Used for local posts and for posts arriving by federation.
 */
/** Thrown inside storeStatus's transaction when a concurrent request claimed the same Idempotency-Key first. */
class IdempotencyKeyTaken extends Error {}

export interface StoreOptions {
  /** Idempotency-Key of the request, claimed in the same transaction */
  idempotency?: { userId: string; key: string };
  /** more writes that belong to the status (media), done before "status.created" is published */
  withinTransaction?: (tx: DbOrTx, status: Status) => Promise<void>;
  /**
   * A status with the same uri may exist (a remote post delivered twice, or fetched
   * meanwhile): then it is returned as it is, and `created` reports false.
   */
  mayExist?: { created?: boolean };
}

export async function storeStatus(
  ctx: DomainContext,
  values: typeof statuses.$inferInsert,
  mentionedIds: string[],
  tagNames: string[],
  options: StoreOptions = {},
): Promise<Status> {
  const { idempotency, mayExist } = options;
  const notifications = new HeldEvents();
  const { value: stored, publish } = await journaled(ctx, async (tx, record) => {
    const t: DomainContext = { ...ctx, db: tx };
    // one statement for "store it unless we have it": the unique uri decides
    const [row] = mayExist
      ? await tx.insert(statuses).values(values).onConflictDoNothing({ target: statuses.uri }).returning()
      : await tx.insert(statuses).values(values).returning();
    if (!row) {
      const [existing] = await tx.select().from(statuses).where(eq(statuses.uri, values.uri));
      return { row: existing, created: false };
    }
    if (idempotency) {
      // claimed in the same transaction: a concurrent retry waits on the key, then finds it taken and rolls back
      const [claimed] = await tx
        .insert(idempotencyKeys)
        .values({ userId: idempotency.userId, key: idempotency.key, statusId: row.id })
        .onConflictDoNothing()
        .returning();
      if (!claimed) throw new IdempotencyKeyTaken();
    }
    // the mentions, and the notifications of the mentioned residents, commit with the post
    await recordMentions({ ...t, events: notifications }, row.id, row.accountId, mentionedIds);
    await tagStatus(tx, row.id, tagNames);
    // a direct status joins its conversation, raising the unread flag of the other participants
    if (row.visibility === "direct") await recordDirectStatus({ ...t, events: notifications }, row, mentionedIds);
    // accounts.last_status_at follows by trigger (migration 0004)
    // attachments belong to the status before anyone hears of it (federation, real time)
    await options.withinTransaction?.(tx, row);
    // a local post must reach the outbox even if the process dies right after the commit
    // a group's posts have their own event: they reach the group's members, never the author's followers
    if (row.groupId) {
      await record("group.status.created", { statusId: row.id, accountId: row.accountId, local: row.local, groupId: row.groupId }, { durable: row.local });
    } else {
      await record("status.created", { statusId: row.id, accountId: row.accountId, local: row.local }, { durable: row.local });
    }
    return { row, created: true };
  });
  const status = stored.row;
  if (mayExist) mayExist.created = stored.created;
  if (!stored.created) return status;
  notifications.flush(ctx.events);
  publish();
  return status;
}

export async function createStatus(ctx: DomainContext, author: Account, input: CreateStatusInput): Promise<Status> {
  if (author.domain !== null) throw new Forbidden();
  if (input.idempotencyKey && input.userId) {
    const [seen] = await ctx.db
      .select({ statusId: idempotencyKeys.statusId })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, input.userId), eq(idempotencyKeys.key, input.idempotencyKey)));
    if (seen) {
      const [existing] = await ctx.db.select().from(statuses).where(eq(statuses.id, seen.statusId));
      if (existing) return existing;
    }
  }
  const text = input.text ?? "";
  const spoilerText = input.spoilerText ?? "";
  const mediaIds = input.mediaIds ?? [];
  if (mediaIds.length > MAX_MEDIA) throw new Invalid(`At most ${MAX_MEDIA} media attachments`);
  if (input.poll) {
    if (mediaIds.length) throw new Invalid("Validation failed: A poll cannot be attached to a post with media");
    validatePollInput(input.poll);
  }
  // zero-width and other invisible characters alone are blank too
  if (isBlank(text) && mediaIds.length === 0) throw new Invalid("Validation failed: Text can't be blank");
  if (charCount(text) + charCount(spoilerText) > ctx.config.maxStatusChars) {
    throw new Invalid(`Validation failed: Text is too long (maximum is ${ctx.config.maxStatusChars} characters)`);
  }
  if (input.language && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(input.language)) {
    throw new Invalid("Validation failed: Language is not a valid language code");
  }
  const place = validatePlace(input.place) ?? null;

  let parent: Status | undefined;
  if (input.inReplyToId) {
    [parent] = await ctx.db.select().from(statuses).where(eq(statuses.id, input.inReplyToId));
    if (!parent || parent.reblogOfId || !(await canSee(ctx, parent, author.id))) throw new NotFound("Replied-to status not found");
  }
  // a reply to a group's post is in that group; a post outside groups is not answered from inside one
  let groupId = input.groupId ?? null;
  if (parent?.groupId && groupId === null) groupId = parent.groupId;
  if (parent && (parent.groupId ?? null) !== groupId) {
    throw new Invalid("Validation failed: A reply is posted in the group of the post it answers");
  }
  const groupVisibility = groupId ? await groupPostVisibility(ctx, author.id, groupId) : null;

  if (mediaIds.length) {
    const owned = await ctx.db
      .select({ id: mediaAttachments.id })
      .from(mediaAttachments)
      .where(and(inArray(mediaAttachments.id, mediaIds), eq(mediaAttachments.accountId, author.id), isNull(mediaAttachments.statusId)));
    if (owned.length !== new Set(mediaIds).size) throw new Invalid("Validation failed: Media attachments are invalid");
  }

  const urls = localUrls(ctx.config.origin);
  const resolved = await resolveMentions(ctx, text);
  const content = renderStatusText(text, resolved.map, urls.tagPage);
  const id = newId();
  const visibility = groupVisibility ?? input.visibility ?? "public";
  // in a members-only group, a mention of someone outside it notifies nobody (a
  // notification, or its push, would carry the post out of the group)
  const mentionedIds =
    groupId && groupVisibility === "private" ? await activeMembersAmong(ctx, groupId, resolved.accounts.map((a) => a.id)) : resolved.accounts.map((a) => a.id);
  const idempotency = input.idempotencyKey && input.userId ? { userId: input.userId, key: input.idempotencyKey } : undefined;
  let status: Status;
  try {
    status = await storeStatus(
      ctx,
      {
        id,
        uri: urls.status(author.username, id),
        url: urls.statusPage(author.username, id),
        accountId: author.id,
        inReplyToId: parent?.id ?? null,
        inReplyToAccountId: parent?.accountId ?? null,
        content,
        text,
        spoilerText,
        sensitive: Boolean(input.sensitive) || spoilerText.length > 0,
        visibility,
        language: input.language ?? null,
        local: true,
        objectType: input.poll ? "Question" : "Note",
        applicationId: input.applicationId ?? null,
        groupId,
        ...placeColumns(place),
      },
      mentionedIds,
      extractHashtags(text),
      {
        idempotency,
        withinTransaction: async (tx, row) => {
          for (const [position, mediaId] of mediaIds.entries()) {
            await tx.update(mediaAttachments).set({ statusId: row.id, position }).where(eq(mediaAttachments.id, mediaId));
          }
          if (input.poll) await insertLocalPoll(tx, row.id, author.id, input.poll, row.createdAt);
          await input.withinTransaction?.(tx, row);
        },
      },
    );
  } catch (e) {
    if (!(e instanceof IdempotencyKeyTaken) || !idempotency) throw e;
    const [existing] = await ctx.db
      .select({ status: statuses })
      .from(idempotencyKeys)
      .innerJoin(statuses, eq(statuses.id, idempotencyKeys.statusId))
      .where(and(eq(idempotencyKeys.userId, idempotency.userId), eq(idempotencyKeys.key, idempotency.key)));
    if (!existing) throw new Conflict("A request with this Idempotency-Key is already being processed");
    return existing.status;
  }
  return status;
}

export interface EditStatusInput {
  text: string;
  spoilerText?: string;
  sensitive?: boolean;
  language?: string | null;
  /** a new poll (votes are reset when its options change), null to remove it, absent to keep it */
  poll?: PollInput | null;
  /** Parvis: a new place, null to remove it, absent to keep it */
  place?: Place | null;
  /** more writes that belong to the edit (an observation's correction), in its transaction, before it is published */
  withinTransaction?: (tx: DbOrTx, status: Status) => Promise<void>;
}

export async function editStatus(ctx: DomainContext, editor: Account, id: string, input: EditStatusInput): Promise<Status> {
  const [current] = await ctx.db.select().from(statuses).where(eq(statuses.id, id));
  if (!current || !(await canSee(ctx, current, editor.id))) throw new NotFound();
  if (current.accountId !== editor.id || current.reblogOfId) throw new Forbidden();
  // an author who left or was banned from the group no longer writes in it
  if (current.groupId) await groupPostVisibility(ctx, editor.id, current.groupId);
  const spoilerText = input.spoilerText ?? current.spoilerText;
  if (isBlank(input.text)) throw new Invalid("Validation failed: Text can't be blank");
  if (input.language && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(input.language)) {
    throw new Invalid("Validation failed: Language is not a valid language code");
  }
  if (charCount(input.text) + charCount(spoilerText) > ctx.config.maxStatusChars) {
    throw new Invalid(`Validation failed: Text is too long (maximum is ${ctx.config.maxStatusChars} characters)`);
  }
  const place = validatePlace(input.place);
  if (input.poll) {
    validatePollInput(input.poll);
    const [media] = await ctx.db.select({ id: mediaAttachments.id }).from(mediaAttachments).where(eq(mediaAttachments.statusId, id)).limit(1);
    if (media) throw new Invalid("Validation failed: A poll cannot be attached to a post with media");
  }
  const urls = localUrls(ctx.config.origin);
  const resolved = await resolveMentions(ctx, input.text);
  const content = renderStatusText(input.text, resolved.map, urls.tagPage);
  const tagNames = extractHashtags(input.text);
  const now = new Date();
  return writeAndPublish(ctx, async (tx, record) => {
    await keepOriginalVersion(tx, current);
    const [row] = await tx
      .update(statuses)
      .set({
        content,
        text: input.text,
        spoilerText,
        sensitive: input.sensitive ?? (current.sensitive || spoilerText.length > 0),
        language: input.language === undefined ? current.language : input.language,
        ...(input.poll !== undefined ? { objectType: input.poll ? "Question" : "Note" } : {}),
        ...(place !== undefined ? placeColumns(place) : {}),
        editedAt: now,
        updatedAt: now,
      })
      .where(eq(statuses.id, id))
      .returning();
    if (input.poll !== undefined) await replaceLocalPoll(tx, id, editor.id, input.poll, now);
    await tx.insert(statusEdits).values({
      id: newId(now),
      statusId: id,
      content: row.content,
      spoilerText: row.spoilerText,
      sensitive: row.sensitive,
      createdAt: now,
    });
    const mentionIds = resolved.accounts.map((a) => a.id);
    if (mentionIds.length) await tx.insert(mentions).values(mentionIds.map((accountId) => ({ statusId: id, accountId }))).onConflictDoNothing();
    await tagStatus(tx, id, tagNames, { replace: true });
    await input.withinTransaction?.(tx, row);
    if (row.groupId) {
      await record("group.status.updated", { statusId: id, accountId: editor.id, local: row.local, groupId: row.groupId }, { durable: row.local });
    } else {
      await record("status.updated", { statusId: id, accountId: editor.id, local: row.local }, { durable: row.local });
    }
    return row;
  });
}

export async function statusHistory(ctx: DomainContext, id: string, viewerId: string | null) {
  const status = await getVisibleStatus(ctx, id, viewerId);
  const edits = await ctx.db.select().from(statusEdits).where(eq(statusEdits.statusId, id)).orderBy(asc(statusEdits.id));
  if (edits.length === 0) {
    return [{ content: status.content, spoilerText: status.spoilerText, sensitive: status.sensitive, createdAt: status.createdAt }];
  }
  return edits;
}

/** Local accounts that may see a status (author's local followers for non-direct ones, mentioned residents). */
export async function localAudience(ctx: DomainContext, status: Pick<Status, "id" | "accountId" | "visibility"> & { groupId?: string | null }): Promise<string[]> {
  const mentioned = await ctx.db
    .select({ id: mentions.accountId })
    .from(mentions)
    .innerJoin(users, eq(users.accountId, mentions.accountId))
    .where(eq(mentions.statusId, status.id));
  const ids = new Set(mentioned.map((m) => m.id));
  if (status.visibility !== "direct") {
    const followers = await ctx.db
      .select({ id: follows.accountId })
      .from(follows)
      .innerJoin(users, eq(users.accountId, follows.accountId))
      .where(eq(follows.targetAccountId, status.accountId));
    for (const f of followers) ids.add(f.id);
  }
  if (status.groupId) {
    // a group's members read its posts in their home timeline
    const members = await ctx.db
      .select({ id: groupMemberships.accountId })
      .from(groupMemberships)
      .innerJoin(users, eq(users.accountId, groupMemberships.accountId))
      .where(and(eq(groupMemberships.groupId, status.groupId), eq(groupMemberships.state, "active")));
    for (const m of members) ids.add(m.id);
  }
  const [author] = await ctx.db.select({ id: users.accountId }).from(users).where(eq(users.accountId, status.accountId));
  if (author) ids.add(author.id);
  return [...ids];
}

/**
 * Deletes a status (and the reblogs of it). `actorId` must be its author, unless
 * `asModerator`. Returns the deleted row, with its source text for "delete and redraft".
 */
export async function deleteStatus(ctx: DomainContext, actorId: string, id: string, asModerator = false): Promise<Status> {
  const [status] = await ctx.db.select().from(statuses).where(eq(statuses.id, id));
  if (!status) throw new NotFound();
  if (status.accountId !== actorId && !asModerator) {
    if (!(await canSee(ctx, status, actorId))) throw new NotFound();
    throw new Forbidden();
  }
  const reblogs = await ctx.db.select().from(statuses).where(eq(statuses.reblogOfId, id));
  for (const reblog of reblogs) await removeStatusRow(ctx, reblog);
  await removeStatusRow(ctx, status);
  return status;
}

/** Removes one row and publishes "status.deleted" with what subscribers need to address it. */
export async function removeStatusRow(ctx: DomainContext, status: Status): Promise<void> {
  const mentioned = await ctx.db.select({ id: mentions.accountId }).from(mentions).where(eq(mentions.statusId, status.id));
  const audience = await localAudience(ctx, status);
  const tagRows = await ctx.db
    .select({ name: tags.name })
    .from(statusTags)
    .innerJoin(tags, eq(tags.id, statusTags.tagId))
    .where(eq(statusTags.statusId, status.id));
  const files = await writeAndPublish(ctx, async (tx, record) => {
    // its attachments go with it (they would otherwise stay served at /media)
    const media = await tx.delete(mediaAttachments).where(eq(mediaAttachments.statusId, status.id)).returning({ fileName: mediaAttachments.fileName, previewFileName: mediaAttachments.previewFileName });
    // replies keep their place in threads but lose their parent link
    await tx.update(statuses).set({ inReplyToId: null, inReplyToUri: status.uri }).where(eq(statuses.inReplyToId, status.id));
    await tx.delete(statuses).where(eq(statuses.id, status.id));
    const payload = {
      statusId: status.id,
      uri: status.uri,
      accountId: status.accountId,
      local: status.local,
      visibility: status.visibility,
      reblogOfId: status.reblogOfId,
      mentionedAccountIds: mentioned.map((m) => m.id),
      audienceAccountIds: audience,
      tagNames: tagRows.map((t) => t.name),
      groupId: status.groupId,
    };
    await record("status.deleted", payload, { durable: status.local });
    return media.flatMap((m) => [m.fileName, m.previewFileName]);
  });
  await removeMediaFiles(ctx, files);
}

export async function mentionedAccountIds(ctx: DomainContext, statusId: string): Promise<string[]> {
  const rows = await ctx.db.select({ id: mentions.accountId }).from(mentions).where(eq(mentions.statusId, statusId));
  return rows.map((r) => r.id);
}

export async function countStatuses(ctx: DomainContext, accountId: string): Promise<number> {
  const [row] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(statuses).where(eq(statuses.accountId, accountId));
  return row?.n ?? 0;
}

/** Statuses by id, in the order given (missing ones left out). */
export async function loadStatuses(ctx: DomainContext, ids: string[]): Promise<Status[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.select().from(statuses).where(inArray(statuses.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((s): s is Status => Boolean(s));
}

/** The statuses among `ids` that the viewer may see, in the order given. */
export async function visibleStatuses(ctx: DomainContext, ids: string[], viewerId: string | null): Promise<Status[]> {
  const visible: Status[] = [];
  for (const status of await loadStatuses(ctx, ids)) {
    try {
      visible.push(await getVisibleStatus(ctx, status.id, viewerId));
    } catch (e) {
      if (!(e instanceof NotFound)) throw e;
    }
  }
  return visible;
}
