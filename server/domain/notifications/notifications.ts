// Notifications for local residents: created by the domain, never for someone
// who blocks or mutes (with notifications hidden) the sender.
import { and, eq, inArray, isNull, notInArray, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { accounts, blocks, mentions, mutes, notifications, statuses, users, type NotificationType } from "../../db/schema";
import { authorNotSuspended } from "../visibility/moderation";
import { NotFound } from "../../errors";
import { isId, newId } from "../../ids";
import type { DomainContext } from "../context";
import { finishPage, pageQuery, type PageParams } from "../pagination";
import { visibleTo } from "../visibility/visibility";
import { rowsOf } from "../../db/rows";

export type Notification = typeof notifications.$inferSelect;

const noteStatus = alias(statuses, "note_status");

/** A notification about a status shows only while the recipient may see that status (a block since, say). */
function statusStillVisible(recipientId: string) {
  return sql`(${notifications.statusId} is null or exists (
    select 1 from ${statuses} note_status where ${noteStatus.id} = ${notifications.statusId} and ${visibleTo(recipientId, noteStatus)}))`;
}

export interface NotifyInput {
  recipientId: string;
  fromAccountId: string;
  type: NotificationType;
  statusId?: string | null;
  /** a resident is told about their own things too (their poll ended) */
  allowSelf?: boolean;
  /** the group a parvis.group_* notification is about */
  parvisGroupId?: string | null;
}

/** The recipient neither blocks the sender nor mutes its notifications (SQL, for one or many recipients). */
function notificationAllowed(recipient: SQL, fromAccountId: string): SQL {
  return sql`not exists (select 1 from ${blocks} b where b.account_id = ${recipient} and b.target_account_id = ${fromAccountId}::bigint)
    and not exists (select 1 from ${mutes} m where m.account_id = ${recipient} and m.target_account_id = ${fromAccountId}::bigint
      and m.hide_notifications and (m.expires_at is null or m.expires_at > now()))`;
}

/**
 * Records who a new status mentions and notifies the mentioned residents, in one
 * statement whatever their number (a post is stored in as few round trips as it can).
 * `accountIds` are account ids read from the database (decimal digits).
 */
export async function recordMentions(ctx: DomainContext, statusId: string, fromAccountId: string, accountIds: string[]): Promise<void> {
  const ids = [...new Set(accountIds)].filter(isId);
  if (ids.length === 0) return;
  const notificationIds = ids.map(() => newId());
  const result = await ctx.db.execute(sql`with mentioned as (
      insert into ${mentions} (status_id, account_id)
      select ${statusId}::bigint, unnest(${`{${ids.join(",")}}`}::bigint[])
      on conflict do nothing
      returning account_id)
    insert into ${notifications} (id, account_id, from_account_id, type, status_id, created_at)
    select r.notification_id, r.account_id, ${fromAccountId}::bigint, 'mention', ${statusId}::bigint, now()
    from unnest(${`{${ids.join(",")}}`}::bigint[], ${`{${notificationIds.join(",")}}`}::bigint[]) as r(account_id, notification_id)
    where r.account_id <> ${fromAccountId}::bigint
      and r.account_id in (select account_id from mentioned)
      and exists (select 1 from ${users} u where u.account_id = r.account_id)
      and ${notificationAllowed(sql`r.account_id`, fromAccountId)}
    on conflict do nothing
    returning id::text as id, account_id::text as account_id`);
  for (const row of rowsOf<{ id: string; account_id: string }>(result)) {
    ctx.events.emit("notification.created", { notificationId: String(row.id), accountId: String(row.account_id) });
  }
}

/** Types Mastodon groups (favourites and reblogs of one status, follows). */
export const GROUPABLE_TYPES: NotificationType[] = ["favourite", "reblog", "follow"];
/** A group takes new notifications while it started less than this many hours ago (Mastodon's MAXIMUM_GROUP_SPAN_HOURS). */
export const MAXIMUM_GROUP_SPAN_HOURS = 12;

/**
 * Mastodon's group key: "<type>[-<status id>]-<hour bucket>", the bucket being that
 * of the latest group with the same prefix while it is younger than the span
 * (Mastodon keeps that bucket in Redis; it is read back from the table here).
 */
async function groupKeyFor(ctx: DomainContext, input: NotifyInput, now: Date): Promise<string | null> {
  if (!GROUPABLE_TYPES.includes(input.type)) return null;
  const prefix = input.type === "follow" ? "follow" : input.statusId ? `${input.type}-${input.statusId}` : null;
  if (!prefix) return null;
  let bucket = Math.floor(now.getTime() / 3_600_000);
  const [previous] = await ctx.db
    .select({ groupKey: notifications.groupKey })
    .from(notifications)
    .where(and(eq(notifications.accountId, input.recipientId), sql`${notifications.groupKey} like ${`${prefix}-%`}`))
    .orderBy(sql`${notifications.id} desc`)
    .limit(1);
  const previousBucket = Number(previous?.groupKey?.slice(prefix.length + 1));
  if (Number.isInteger(previousBucket) && bucket < previousBucket + MAXIMUM_GROUP_SPAN_HOURS) bucket = previousBucket;
  return `${prefix}-${bucket}`;
}

export async function notify(ctx: DomainContext, input: NotifyInput): Promise<Notification | null> {
  if (input.recipientId === input.fromAccountId && !input.allowSelf) return null;
  const groupKey = await groupKeyFor(ctx, input, new Date());
  // one statement: the row is written only for a resident who neither blocks the sender nor mutes its notifications
  const [row] = await ctx.db
    .insert(notifications)
    .select(
      ctx.db
        .select({
          id: sql<string>`${newId()}::bigint`.as("id"),
          accountId: users.accountId,
          fromAccountId: sql<string>`${input.fromAccountId}::bigint`.as("from_account_id"),
          type: sql<NotificationType>`${input.type}::text`.as("type"),
          statusId: sql<string | null>`${input.statusId ?? null}::bigint`.as("status_id"),
          groupKey: sql<string | null>`${groupKey}::text`.as("group_key"),
          parvisGroupId: sql<string | null>`${input.parvisGroupId ?? null}::bigint`.as("parvis_group_id"),
          createdAt: sql<Date>`now()`.as("created_at"),
        })
        .from(users)
        .where(and(eq(users.accountId, input.recipientId), notificationAllowed(sql`${input.recipientId}::bigint`, input.fromAccountId)))
        .limit(1),
    )
    .onConflictDoNothing()
    .returning();
  if (row) ctx.events.emit("notification.created", { notificationId: row.id, accountId: row.accountId });
  return row ?? null;
}

/** Removes notifications that no longer make sense (an unfollow, an undone favourite). */
export async function withdrawNotifications(
  ctx: DomainContext,
  where: { recipientId: string; fromAccountId: string; type: NotificationType; statusId?: string | null },
): Promise<void> {
  const removed = await ctx.db
    .delete(notifications)
    .where(
      and(
        eq(notifications.accountId, where.recipientId),
        eq(notifications.fromAccountId, where.fromAccountId),
        eq(notifications.type, where.type),
        where.statusId ? eq(notifications.statusId, where.statusId) : isNull(notifications.statusId),
      ),
    )
    .returning({ id: notifications.id });
  if (removed.length > 0) {
    ctx.events.emit("notification.removed", { notificationIds: removed.map((r) => r.id), accountId: where.recipientId });
  }
}

export interface NotificationFilter {
  types?: NotificationType[];
  excludeTypes?: NotificationType[];
  accountId?: string;
}

/** The notifications a resident sees (v1 list, v2 groups, counts): theirs, filtered, still relevant. */
export function shownNotifications(recipientId: string, filter: NotificationFilter = {}): SQL {
  return and(
    eq(notifications.accountId, recipientId),
    filter.types?.length ? inArray(notifications.type, filter.types) : undefined,
    filter.excludeTypes?.length ? notInArray(notifications.type, filter.excludeTypes) : undefined,
    filter.accountId ? eq(notifications.fromAccountId, filter.accountId) : undefined,
    // a sender suspended since, or blocked since, no longer shows
    sql`not exists (select 1 from ${blocks} b where b.account_id = ${recipientId} and b.target_account_id = ${notifications.fromAccountId})`,
    authorNotSuspended(notifications.fromAccountId),
    statusStillVisible(recipientId),
  )!;
}

export async function listNotifications(
  ctx: DomainContext,
  recipientId: string,
  page: PageParams,
  filter: NotificationFilter = {},
): Promise<Notification[]> {
  const q = pageQuery(notifications.id, page);
  const rows = await ctx.db
    .select()
    .from(notifications)
    .where(and(shownNotifications(recipientId, filter), q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

export async function getNotification(ctx: DomainContext, recipientId: string, id: string): Promise<Notification> {
  const [row] = await ctx.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.accountId, recipientId), statusStillVisible(recipientId)));
  if (!row) throw new NotFound();
  return row;
}

export async function dismissNotification(ctx: DomainContext, recipientId: string, id: string): Promise<void> {
  const removed = await ctx.db
    .delete(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.accountId, recipientId)))
    .returning({ id: notifications.id });
  if (removed.length === 0) throw new NotFound();
  ctx.events.emit("notification.removed", { notificationIds: [id], accountId: recipientId });
}

export async function clearNotifications(ctx: DomainContext, recipientId: string): Promise<void> {
  const removed = await ctx.db
    .delete(notifications)
    .where(eq(notifications.accountId, recipientId))
    .returning({ id: notifications.id });
  if (removed.length > 0) {
    ctx.events.emit("notification.removed", { notificationIds: removed.map((r) => r.id), accountId: recipientId });
  }
}

export async function unreadCount(ctx: DomainContext, recipientId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(eq(notifications.accountId, recipientId));
  return row?.n ?? 0;
}
