// Posts from other servers, as federation delivers them: stored with the same
// rules as local posts (storeStatus), updated and deleted only by their author.
import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/open";
import { prepared } from "../../db/prepared";
import { mediaAttachments, mentions, polls, statusEdits, statusTags, statuses, tags, type Visibility } from "../../db/schema";
import { Forbidden } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { withdrawNotifications } from "../notifications/notifications";
import { isTagName, withoutHash } from "../content/hashtags";
import { isHttpUrl, sanitizePostHtml, stripHtml } from "../content/sanitize";
import { normaliseStrings } from "../../unicode";
import { removeStatusRow, storeStatus, type Status } from "./local";
import { keepOriginalVersion, tagStatus } from "./storage";
import { cleanRemotePoll, insertRemotePoll, type RemotePollData } from "../polls/polls";
import { placeColumns, placeOf, remotePlace, type Place } from "../places/place";

export interface RemoteAttachment {
  url: string;
  mediaType?: string | null;
  description?: string | null;
  blurhash?: string | null;
  /** focal point, x and y in [-1, 1] */
  focus?: { x: number; y: number } | null;
  width?: number | null;
  height?: number | null;
}

export interface RemoteStatusData {
  uri: string;
  url?: string | null;
  authorId: string;
  /** HTML from the remote server: sanitized here */
  content: string;
  spoilerText?: string | null;
  sensitive?: boolean;
  visibility: Visibility;
  language?: string | null;
  inReplyToUri?: string | null;
  createdAt?: Date | null;
  /** the object's `updated`: when its author last edited it */
  updatedAt?: Date | null;
  objectType?: string;
  /** local and known remote accounts mentioned (ids) */
  mentionedAccountIds?: string[];
  tagNames?: string[];
  attachments?: RemoteAttachment[];
  /** a Question's options and tallies */
  poll?: RemotePollData | null;
  /** its `location` (checked again here: out of range is no place, the name is made plain text) */
  place?: Place | null;
  /** the group it is in: the local group it was posted into (group-posts checked the author may post there), or the remote group that announced it */
  groupId?: string | null;
}

const MAX_CONTENT = 100_000;
const MAX_ATTACHMENTS = 8;

const statusByUriQuery = (db: DbOrTx) =>
  prepared(db, "remote_status_by_uri", (d) =>
    d.select().from(statuses).where(eq(statuses.uri, sql.placeholder("uri"))).limit(1).prepare("remote_status_by_uri"),
  );

export async function findStatusByUri(ctx: DomainContext, uri: string): Promise<Status | undefined> {
  // read for every incoming post (is it known? its parent?): prepared
  const [row] = await statusByUriQuery(ctx.db).execute({ uri });
  return row;
}

function mediaType(m: RemoteAttachment): string {
  const t = m.mediaType ?? "";
  if (t.startsWith("image/")) return "image";
  if (t.startsWith("video/")) return "video";
  if (t.startsWith("audio/")) return "audio";
  return "unknown";
}

/** Mastodon's `meta` from what the remote server said (sizes, focal point). */
function remoteMeta(a: RemoteAttachment): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const ok = (n: number | null | undefined): n is number => typeof n === "number" && Number.isInteger(n) && n > 0 && n <= 100_000;
  if (ok(a.width) && ok(a.height)) {
    meta.original = { width: a.width, height: a.height, size: `${a.width}x${a.height}`, aspect: Math.round((a.width / a.height) * 1e6) / 1e6 };
  }
  const f = a.focus;
  if (f && Number.isFinite(f.x) && Number.isFinite(f.y) && Math.abs(f.x) <= 1 && Math.abs(f.y) <= 1) meta.focus = { x: f.x, y: f.y };
  return meta;
}

function cleanTags(names: string[] | undefined): string[] {
  return [...new Set((names ?? []).map((n) => withoutHash(n).toLowerCase()).filter(isTagName))].slice(0, 50);
}

function keptAttachments(attachments: RemoteAttachment[] | undefined): RemoteAttachment[] {
  return (attachments ?? []).slice(0, MAX_ATTACHMENTS).filter((a) => isHttpUrl(a.url));
}

const cleanDescription = (a: RemoteAttachment) => (a.description ? stripHtml(a.description.slice(0, 5000)) : null);

async function insertRemoteAttachments(tx: DbOrTx, authorId: string, statusId: string, given: RemoteAttachment[] | undefined): Promise<void> {
  const attachments = keptAttachments(given);
  if (attachments.length === 0) return;
  await tx.insert(mediaAttachments).values(
    attachments.map((a, position) => ({
      id: newId(),
      accountId: authorId,
      statusId,
      type: mediaType(a),
      remoteUrl: a.url,
      contentType: a.mediaType ?? null,
      description: cleanDescription(a),
      blurhash: a.blurhash && /^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,100}$/.test(a.blurhash) ? a.blurhash : null,
      meta: remoteMeta(a),
      position,
    })),
  );
}

/** Remote text with lone surrogates replaced by U+FFFD, as the HTTP edge does for ours. */
function wellFormedData<T extends object>(data: T): T {
  return normaliseStrings(structuredClone(data)).value as T;
}

/** Stores a remote post once (the same uri twice is one post). */
export async function storeRemoteStatus(ctx: DomainContext, input: RemoteStatusData): Promise<Status> {
  const data = wellFormedData(input);
  const parent = data.inReplyToUri ? await findStatusByUri(ctx, data.inReplyToUri) : undefined;
  const id = newId(data.createdAt && data.createdAt.getTime() < Date.now() ? data.createdAt : new Date());
  const status = await storeStatus(
    ctx,
    {
      id,
      uri: data.uri,
      // a javascript: or data: url would be a link in every app: http(s) only
      url: isHttpUrl(data.url) ? data.url : data.uri,
      accountId: data.authorId,
      inReplyToId: parent?.id ?? null,
      inReplyToAccountId: parent?.accountId ?? null,
      inReplyToUri: parent ? null : (data.inReplyToUri ?? null),
      content: sanitizePostHtml(data.content.slice(0, MAX_CONTENT)),
      spoilerText: stripHtml((data.spoilerText ?? "").slice(0, 5000)),
      sensitive: Boolean(data.sensitive) || Boolean(data.spoilerText),
      visibility: data.visibility,
      language: data.language && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(data.language) ? data.language : null,
      local: false,
      objectType: data.objectType ?? "Note",
      ...placeColumns(remotePlace(data.place)),
      groupId: data.groupId ?? null,
      ...(data.createdAt ? { createdAt: data.createdAt } : {}),
    },
    [...new Set(data.mentionedAccountIds ?? [])].slice(0, 50),
    cleanTags(data.tagNames),
    {
      // delivered twice, or fetched meanwhile: the one we have is kept
      mayExist: {},
      withinTransaction: async (tx, row) => {
        if (data.poll) await insertRemotePoll(tx, row.id, data.authorId, data.poll);
        await insertRemoteAttachments(tx, data.authorId, row.id, data.attachments);
      },
    },
  );
  // replies that arrived before it now find it: a trigger does it (migration 0008)
  return status;
}

export type RemoteUpdateData = Omit<RemoteStatusData, "uri" | "authorId" | "visibility" | "groupId">;

/** What an Update would do to a stored post: an edit, nothing (unchanged), or nothing (older than what we have). */
export type RemoteEditKind = "edit" | "unchanged" | "stale";

/** The post's fields an edit can change, as they would be stored. */
interface EditableFields {
  content: string;
  spoilerText: string;
  sensitive: boolean;
  tags: string[];
  /** url and alt text of each attachment, in order */
  media: string[];
  /** the poll's options (its tallies change without an edit) */
  pollOptions: string[];
  /** its place (moving it, or removing it, is an edit) */
  place: Place | null;
}

function editableFieldsOf(data: RemoteUpdateData): EditableFields {
  return {
    content: sanitizePostHtml(data.content.slice(0, MAX_CONTENT)),
    spoilerText: stripHtml((data.spoilerText ?? "").slice(0, 5000)),
    sensitive: Boolean(data.sensitive) || Boolean(data.spoilerText),
    tags: cleanTags(data.tagNames).sort(),
    media: keptAttachments(data.attachments).map((a) => JSON.stringify([a.url, cleanDescription(a)])),
    pollOptions: (data.poll && cleanRemotePoll(data.poll)?.options) || [],
    place: remotePlace(data.place),
  };
}

async function storedEditableFields(db: DbOrTx, status: Status): Promise<EditableFields> {
  const tagRows = await db.select({ name: tags.name }).from(statusTags).innerJoin(tags, eq(tags.id, statusTags.tagId)).where(eq(statusTags.statusId, status.id));
  const mediaRows = await db
    .select({ url: mediaAttachments.remoteUrl, description: mediaAttachments.description })
    .from(mediaAttachments)
    .where(eq(mediaAttachments.statusId, status.id))
    .orderBy(mediaAttachments.position, mediaAttachments.id);
  const [poll] = await db.select({ options: polls.options }).from(polls).where(eq(polls.statusId, status.id));
  return {
    content: status.content,
    spoilerText: status.spoilerText,
    sensitive: status.sensitive,
    tags: tagRows.map((t) => t.name).sort(),
    media: mediaRows.map((m) => JSON.stringify([m.url, m.description])),
    pollOptions: poll?.options ?? [],
    place: placeOf(status),
  };
}

/**
 * Whether an Update of `status` is an edit. Servers re-send unchanged posts as
 * Update (Mastodon after a poll vote count changes, others on any refresh): only
 * a change of text, content warning, sensitivity, media, poll options (part of
 * the text) or tags is an edit. An Update whose `updated` is not later than
 * the version we have is old news, delivered late.
 */
export async function remoteEditKind(ctx: DomainContext, status: Status, data: RemoteUpdateData): Promise<RemoteEditKind> {
  const storedAt = status.editedAt ?? status.createdAt;
  if (data.updatedAt && (status.editedAt ? data.updatedAt <= status.editedAt : data.updatedAt < storedAt)) return "stale";
  const next = editableFieldsOf(data);
  const current = await storedEditableFields(ctx.db, status);
  return JSON.stringify(next) === JSON.stringify(current) ? "unchanged" : "edit";
}

/**
 * An Update from the author: new content, history kept. The edit time is the
 * object's `updated` (now when it has none, never in the future). Nothing is
 * written, and no event raised, unless it is an edit (remoteEditKind).
 */
export async function updateRemoteStatus(ctx: DomainContext, authorId: string, uri: string, input: RemoteUpdateData): Promise<Status | null> {
  const data = wellFormedData(input);
  const current = await findStatusByUri(ctx, uri);
  if (!current) return null;
  if (current.accountId !== authorId || current.local) throw new Forbidden("Only the author may update a status");
  if ((await remoteEditKind(ctx, current, data)) !== "edit") return null;
  const now = new Date();
  const editedAt = data.updatedAt && data.updatedAt < now ? data.updatedAt : now;
  const fields = editableFieldsOf(data);
  const updated = await ctx.db.transaction(async (tx) => {
    await keepOriginalVersion(tx, current);
    const [row] = await tx
      .update(statuses)
      .set({ content: fields.content, spoilerText: fields.spoilerText, sensitive: fields.sensitive, ...placeColumns(fields.place), editedAt, updatedAt: now })
      .where(eq(statuses.id, current.id))
      .returning();
    await tx.insert(statusEdits).values({ id: newId(now), statusId: row.id, content: row.content, spoilerText: row.spoilerText, sensitive: row.sensitive, createdAt: editedAt });
    await tagStatus(tx, row.id, fields.tags, { replace: true });
    const storedMedia = (await storedEditableFields(tx, current)).media;
    if (JSON.stringify(storedMedia) !== JSON.stringify(fields.media)) {
      await tx.delete(mediaAttachments).where(eq(mediaAttachments.statusId, row.id));
      await insertRemoteAttachments(tx, authorId, row.id, data.attachments);
    }
    for (const accountId of data.mentionedAccountIds ?? []) {
      await tx.insert(mentions).values({ statusId: row.id, accountId }).onConflictDoNothing();
    }
    return row;
  });
  if (updated.groupId) ctx.events.emit("group.status.updated", { statusId: updated.id, accountId: authorId, local: false, groupId: updated.groupId });
  else ctx.events.emit("status.updated", { statusId: updated.id, accountId: authorId, local: false });
  return updated;
}

/** A Delete from the author (or its server for the whole account). */
export async function deleteRemoteStatus(ctx: DomainContext, authorId: string, uri: string): Promise<boolean> {
  const status = await findStatusByUri(ctx, uri);
  if (!status) return false;
  if (status.accountId !== authorId || status.local) throw new Forbidden("Only the author may delete a status");
  const reblogs = await ctx.db.select().from(statuses).where(eq(statuses.reblogOfId, status.id));
  for (const r of reblogs) await removeStatusRow(ctx, r);
  await removeStatusRow(ctx, status);
  return true;
}

/** Undo(Announce): the reblog with that activity id, by that actor. */
export async function removeRemoteReblog(ctx: DomainContext, actorId: string, activityUri: string): Promise<boolean> {
  const [row] = await ctx.db.select().from(statuses).where(and(eq(statuses.uri, activityUri), eq(statuses.accountId, actorId)));
  if (!row || !row.reblogOfId) return false;
  await removeStatusRow(ctx, row);
  const [original] = await ctx.db.select({ accountId: statuses.accountId }).from(statuses).where(eq(statuses.id, row.reblogOfId));
  if (original) await withdrawNotifications(ctx, { recipientId: original.accountId, fromAccountId: actorId, type: "reblog", statusId: row.reblogOfId });
  return true;
}
