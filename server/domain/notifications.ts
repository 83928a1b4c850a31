// Notifications for local residents: created by the domain, never for someone
// who blocks or mutes (with notifications hidden) the sender.
import { and, eq, inArray, isNull, notInArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { accounts, blocks, mutes, notifications, statuses, users, type NotificationType } from "../db/schema";
import { NotFound } from "../errors";
import { newId } from "../ids";
import type { DomainContext } from "./context";
import { finishPage, pageQuery, type PageParams } from "./pagination";
import { visibleTo } from "./visibility";

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
}

export async function notify(ctx: DomainContext, input: NotifyInput): Promise<Notification | null> {
  if (input.recipientId === input.fromAccountId) return null;
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
          createdAt: sql<Date>`now()`.as("created_at"),
        })
        .from(users)
        .where(
          and(
            eq(users.accountId, input.recipientId),
            sql`not exists (select 1 from ${blocks} b where b.account_id = ${input.recipientId} and b.target_account_id = ${input.fromAccountId})`,
            sql`not exists (select 1 from ${mutes} m where m.account_id = ${input.recipientId} and m.target_account_id = ${input.fromAccountId} and m.hide_notifications and (m.expires_at is null or m.expires_at > now()))`,
          ),
        )
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
    .where(
      and(
        eq(notifications.accountId, recipientId),
        q.where,
        filter.types?.length ? inArray(notifications.type, filter.types) : undefined,
        filter.excludeTypes?.length ? notInArray(notifications.type, filter.excludeTypes) : undefined,
        filter.accountId ? eq(notifications.fromAccountId, filter.accountId) : undefined,
        // a sender suspended since, or blocked since, no longer shows
        sql`not exists (select 1 from ${blocks} b where b.account_id = ${recipientId} and b.target_account_id = ${notifications.fromAccountId})`,
        sql`not exists (select 1 from ${accounts} a where a.id = ${notifications.fromAccountId} and a.suspended_at is not null)`,
        statusStillVisible(recipientId),
      ),
    )
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
