// Grouped notifications (Mastodon 4.3's /api/v2/notifications): favourites and
// reblogs of one status, and follows, fold into one group per 12-hour span
// (the group key is set when the notification is created, notifications.ts);
// everything else is a group of its own, "ungrouped-<id>".
import { and, desc, eq, gt, inArray, lt, sql, type SQL } from "drizzle-orm";
import { notifications, type NotificationType } from "../../db/schema";
import type { DomainContext } from "../context";
import { GROUPABLE_TYPES, shownNotifications, type NotificationFilter } from "./notifications";
import type { PageParams } from "../pagination";
import { rowsOf } from "../../db/rows";

/** How many accounts a group names (Mastodon's SAMPLE_ACCOUNTS_SIZE). */
export const SAMPLE_ACCOUNTS_SIZE = 8;

export interface NotificationGroup {
  groupKey: string;
  type: NotificationType;
  notificationsCount: number;
  mostRecentNotificationId: string;
  pageMinId: string;
  pageMaxId: string;
  latestPageNotificationAt: Date;
  sampleAccountIds: string[];
  statusId: string | null;
}

/** The group a notification is shown in: its key when its type is grouped, else its own. */
function groupOf(groupedTypes: NotificationType[]): SQL {
  const grouped = groupedTypes.filter((t) => GROUPABLE_TYPES.includes(t));
  if (grouped.length === 0) return sql`('ungrouped-' || ${notifications.id}::text)`;
  return sql`(case when ${notifications.groupKey} is not null and ${inArray(notifications.type, grouped)} then ${notifications.groupKey} else 'ungrouped-' || ${notifications.id}::text end)`;
}

interface Range {
  lo: string | null;
  hi: string | null;
}

/** One summary per group key, counting the group's notifications up to `range.hi` (as Mastodon does). */
async function summarize(ctx: DomainContext, recipientId: string, keys: string[], range: Range, filter: NotificationFilter, groupedTypes: NotificationType[]) {
  if (keys.length === 0) return [];
  const gk = groupOf(groupedTypes);
  const result = await ctx.db.execute(sql`select g.key, g.count, g.page_max_id, g.page_min_id, g.sample,
      n.type, n.status_id::text as status_id, n.created_at
    from (
      select ${gk} as key, count(*)::int as count,
        max(${notifications.id})::text as page_max_id,
        min(${notifications.id}) filter (where ${range.lo ? sql`${notifications.id} >= ${range.lo}::bigint` : sql`true`})::text as page_min_id,
        (array_agg(${notifications.fromAccountId}::text order by ${notifications.id} desc))[1:${SAMPLE_ACCOUNTS_SIZE * 4}] as sample
      from ${notifications}
      where ${shownNotifications(recipientId, filter)}
        ${range.hi ? sql`and ${notifications.id} <= ${range.hi}::bigint` : sql``}
        and ${gk} in (${sql.join(
          keys.map((k) => sql`${k}`),
          sql`, `,
        )})
      group by 1
    ) g join ${notifications} n on n.id = g.page_max_id::bigint`);
  const rows = rowsOf<{
    key: string;
    count: number;
    page_max_id: string;
    page_min_id: string | null;
    sample: string[] | string;
    type: NotificationType;
    status_id: string | null;
    created_at: Date | string;
  }>(result);
  const byKey = new Map(
    rows.map((r) => {
      const sample = typeof r.sample === "string" ? r.sample.replace(/[{}]/g, "").split(",").filter(Boolean) : r.sample;
      const group: NotificationGroup = {
        groupKey: r.key,
        type: r.type,
        notificationsCount: Number(r.count),
        mostRecentNotificationId: String(r.page_max_id),
        pageMaxId: String(r.page_max_id),
        pageMinId: String(r.page_min_id ?? r.page_max_id),
        latestPageNotificationAt: new Date(r.created_at),
        sampleAccountIds: [...new Set(sample.map(String))].slice(0, SAMPLE_ACCOUNTS_SIZE),
        statusId: r.status_id ? String(r.status_id) : null,
      };
      return [r.key, group] as const;
    }),
  );
  return keys.map((k) => byKey.get(k)).filter((g): g is NotificationGroup => Boolean(g));
}

/**
 * A page of groups, newest first. The page holds the `limit` groups whose latest
 * notification is the most recent (below max_id / above since_id), or, with
 * min_id, the groups just above min_id. Returns the groups and the notification-id
 * range the page covers (for the Link header).
 */
export async function listNotificationGroups(
  ctx: DomainContext,
  recipientId: string,
  page: PageParams,
  filter: NotificationFilter,
  groupedTypes: NotificationType[],
): Promise<{ groups: NotificationGroup[]; range: Range }> {
  const gk = groupOf(groupedTypes);
  const ascending = Boolean(page.minId) && !page.sinceId;
  const reps = await ctx.db
    .select({ key: sql<string>`${gk}`.as("key"), top: sql<string>`max(${notifications.id})::text`, bottom: sql<string>`min(${notifications.id})::text` })
    .from(notifications)
    .where(
      and(
        shownNotifications(recipientId, filter),
        page.maxId ? lt(notifications.id, page.maxId) : undefined,
        page.sinceId ? gt(notifications.id, page.sinceId) : undefined,
        page.minId ? gt(notifications.id, page.minId) : undefined,
      ),
    )
    .groupBy(sql`1`)
    .orderBy(ascending ? sql`min(${notifications.id}) asc` : sql`max(${notifications.id}) desc`)
    .limit(page.limit);
  if (reps.length === 0) return { groups: [], range: { lo: null, hi: null } };
  const edge = reps.map((r) => BigInt(ascending ? r.bottom : r.top));
  const lo = edge.reduce((a, b) => (a < b ? a : b)).toString();
  const hi = edge.reduce((a, b) => (a > b ? a : b)).toString();
  const range = { lo, hi };
  const groups = await summarize(ctx, recipientId, reps.map((r) => r.key), range, filter, groupedTypes);
  groups.sort((a, b) => (BigInt(b.pageMaxId) > BigInt(a.pageMaxId) ? 1 : -1));
  return { groups, range };
}

/** The condition naming one group's notifications, or null for a key that cannot exist. */
function groupCondition(groupKey: string): SQL | null {
  const ungrouped = /^ungrouped-(\d{1,19})$/.exec(groupKey);
  if (ungrouped) return eq(notifications.id, ungrouped[1]);
  if (!/^(favourite|reblog)-\d{1,19}-\d{1,12}$|^follow-\d{1,12}$/.test(groupKey)) return null;
  return eq(notifications.groupKey, groupKey);
}

/** One group, whole; null when the resident has no such group. */
export async function getNotificationGroup(ctx: DomainContext, recipientId: string, groupKey: string): Promise<NotificationGroup | null> {
  const where = groupCondition(groupKey);
  if (!where) return null;
  const [row] = await ctx.db.select({ id: notifications.id }).from(notifications).where(and(shownNotifications(recipientId), where)).limit(1);
  if (!row) return null;
  const [group] = await summarize(ctx, recipientId, [groupKey], { lo: null, hi: null }, {}, GROUPABLE_TYPES);
  return group ?? null;
}

/** The accounts of a group, most recent first. */
export async function notificationGroupAccountIds(ctx: DomainContext, recipientId: string, groupKey: string, limit: number): Promise<string[]> {
  const where = groupCondition(groupKey);
  if (!where) return [];
  const rows = await ctx.db
    .select({ id: notifications.fromAccountId })
    .from(notifications)
    .where(and(shownNotifications(recipientId), where))
    .orderBy(desc(notifications.id))
    .limit(limit);
  return [...new Set(rows.map((r) => r.id))];
}

/** Removes every notification of a group; false when there was none. */
export async function dismissNotificationGroup(ctx: DomainContext, recipientId: string, groupKey: string): Promise<boolean> {
  const where = groupCondition(groupKey);
  if (!where) return false;
  const removed = await ctx.db
    .delete(notifications)
    .where(and(eq(notifications.accountId, recipientId), where))
    .returning({ id: notifications.id });
  if (removed.length === 0) return false;
  ctx.events.emit("notification.removed", { notificationIds: removed.map((r) => r.id), accountId: recipientId });
  return true;
}

/** How many groups hold notifications newer than `sinceId` (all when null), at most `limit`. */
export async function unreadGroupCount(
  ctx: DomainContext,
  recipientId: string,
  sinceId: string | null,
  filter: NotificationFilter,
  groupedTypes: NotificationType[],
  limit: number,
): Promise<number> {
  const gk = groupOf(groupedTypes);
  const result = await ctx.db.execute(sql`select count(*)::int as n from (
      select distinct ${gk} from ${notifications}
      where ${shownNotifications(recipientId, filter)} ${sinceId ? sql`and ${notifications.id} > ${sinceId}::bigint` : sql``}
      limit ${limit}) g`);
  return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
}
