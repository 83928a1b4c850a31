// Notifications as clients read them: each with its sender and its status,
// loaded in batches; the Mastodon JSON is built by server/entities/notification*.ts.
import { inArray } from "drizzle-orm";
import { accounts, statuses } from "../../db/schema";
import { loadAccountViews, type AccountView } from "../accounts/read";
import type { DomainContext } from "../context";
import { loadFilteredStatusViews, loadStatusViews, type StatusView } from "./statuses";
import type { NotificationGroup } from "../notifications/grouped";
import type { Notification } from "../notifications/notifications";
import { groupsByIds } from "../groups/groups";
import type { LoadedGroup } from "../groups/rules";

export interface NotificationView {
  notification: Notification;
  account: AccountView;
  /** present when the notification is about a status (null: no longer there) */
  status?: StatusView | null;
  /** the group a parvis.group_* notification is about */
  group?: LoadedGroup | null;
}

/**
 * The views of these notifications, in order. Those whose sender is gone, and
 * those whose status the viewer's "notifications" filters hide, are left out.
 */
export async function loadNotificationViews(ctx: DomainContext, rows: Notification[], viewerId: string): Promise<NotificationView[]> {
  if (rows.length === 0) return [];
  const accountIds = [...new Set(rows.map((n) => n.fromAccountId))];
  const statusIds = [...new Set(rows.map((n) => n.statusId).filter((id): id is string => Boolean(id)))];
  const groupIds = [...new Set(rows.map((n) => n.parvisGroupId).filter((id): id is string => Boolean(id)))];
  const [accountRows, statusRows, groupRows] = await Promise.all([
    ctx.db.select().from(accounts).where(inArray(accounts.id, accountIds)),
    statusIds.length ? ctx.db.select().from(statuses).where(inArray(statuses.id, statusIds)) : Promise.resolve([]),
    groupsByIds(ctx, groupIds),
  ]);
  const accountViews = await loadAccountViews(ctx, accountRows);
  // the viewer's "notifications" filters: a hidden status takes its notification away
  const statusViews = await loadFilteredStatusViews(ctx, statusRows, viewerId, "notifications");
  const accountById = new Map(accountViews.map((a) => [a.account.id, a]));
  const statusById = new Map(statusViews.map((s) => [s.status.id, s]));
  const stored = new Set(statusRows.map((s) => s.id));
  return rows
    .filter((n) => accountById.has(n.fromAccountId) && (!n.statusId || statusById.has(n.statusId) || !stored.has(n.statusId)))
    .map((n) => ({
      notification: n,
      account: accountById.get(n.fromAccountId)!,
      ...(n.statusId ? { status: statusById.get(n.statusId) ?? null } : {}),
      ...(n.parvisGroupId ? { group: groupRows.get(n.parvisGroupId) ?? null } : {}),
    }));
}

/** Grouped notifications with the accounts and statuses they name. */
export interface NotificationGroupsView {
  groups: NotificationGroup[];
  accounts: AccountView[];
  statuses: StatusView[];
}

export async function loadNotificationGroupViews(ctx: DomainContext, groups: NotificationGroup[], viewerId: string): Promise<NotificationGroupsView> {
  const accountIds = [...new Set(groups.flatMap((g) => g.sampleAccountIds))];
  const statusIds = [...new Set(groups.map((g) => g.statusId).filter((id): id is string => Boolean(id)))];
  const [accountRows, statusRows] = await Promise.all([
    accountIds.length ? ctx.db.select().from(accounts).where(inArray(accounts.id, accountIds)) : Promise.resolve([]),
    statusIds.length ? ctx.db.select().from(statuses).where(inArray(statuses.id, statusIds)) : Promise.resolve([]),
  ]);
  const [accountViews, statusViews] = await Promise.all([loadAccountViews(ctx, accountRows), loadStatusViews(ctx, statusRows, viewerId)]);
  return { groups, accounts: accountViews, statuses: statusViews };
}
