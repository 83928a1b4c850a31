// Grouped notifications → Mastodon 4.3's GroupedNotificationsResults.
import type { NotificationGroupsView } from "../domain/views";
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

export function serializeNotificationGroups(origin: string, loaded: NotificationGroupsView): GroupedNotificationsResults {
  const { groups } = loaded;
  const known = new Set(loaded.accounts.map((a) => a.account.id));
  return {
    accounts: serializeAccounts(origin, loaded.accounts),
    statuses: serializeStatuses(origin, loaded.statuses),
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
