// Grouped notifications → Mastodon 4.3's GroupedNotificationsResults.
import { inArray } from "drizzle-orm";
import { accounts, statuses } from "../db/schema";
import type { NotificationGroup } from "../domain/notifications";
import type { Services } from "../services";
import { serializeAccounts, type AccountEntity } from "./account";
import { serializeStatuses, type StatusEntity } from "./status";

export interface NotificationGroupEntity {
  group_key: string;
  notifications_count: number;
  type: string;
  most_recent_notification_id: string;
  page_min_id: string;
  page_max_id: string;
  latest_page_notification_at: string;
  sample_account_ids: string[];
  status_id?: string;
}

export interface GroupedNotificationsResults {
  accounts: AccountEntity[];
  statuses: StatusEntity[];
  notification_groups: NotificationGroupEntity[];
}

export async function serializeNotificationGroups(services: Services, groups: NotificationGroup[], viewerId: string): Promise<GroupedNotificationsResults> {
  const accountIds = [...new Set(groups.flatMap((g) => g.sampleAccountIds))];
  const statusIds = [...new Set(groups.map((g) => g.statusId).filter((id): id is string => Boolean(id)))];
  const [accountRows, statusRows] = await Promise.all([
    accountIds.length ? services.db.select().from(accounts).where(inArray(accounts.id, accountIds)) : Promise.resolve([]),
    statusIds.length ? services.db.select().from(statuses).where(inArray(statuses.id, statusIds)) : Promise.resolve([]),
  ]);
  const [accountEntities, statusEntities] = await Promise.all([serializeAccounts(services, accountRows), serializeStatuses(services, statusRows, viewerId)]);
  const known = new Set(accountRows.map((a) => a.id));
  return {
    accounts: accountEntities,
    statuses: statusEntities,
    notification_groups: groups.map((g) => ({
      group_key: g.groupKey,
      notifications_count: g.notificationsCount,
      type: g.type,
      most_recent_notification_id: g.mostRecentNotificationId,
      page_min_id: g.pageMinId,
      page_max_id: g.pageMaxId,
      latest_page_notification_at: g.latestPageNotificationAt.toISOString(),
      sample_account_ids: g.sampleAccountIds.filter((id) => known.has(id)),
      ...(g.statusId ? { status_id: g.statusId } : {}),
    })),
  };
}
