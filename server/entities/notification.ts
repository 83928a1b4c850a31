import { inArray } from "drizzle-orm";
import { accounts, statuses } from "../db/schema";
import type { Notification } from "../domain/notifications";
import type { Services } from "../services";
import { serializeAccounts, type AccountEntity } from "./account";
import { serializeFilteredStatuses, type StatusEntity } from "./status";

export interface NotificationEntity {
  id: string;
  type: string;
  group_key: string;
  created_at: string;
  account: AccountEntity;
  status?: StatusEntity | null;
}

export async function serializeNotifications(services: Services, rows: Notification[], viewerId: string): Promise<NotificationEntity[]> {
  if (rows.length === 0) return [];
  const accountIds = [...new Set(rows.map((n) => n.fromAccountId))];
  const statusIds = [...new Set(rows.map((n) => n.statusId).filter((id): id is string => Boolean(id)))];
  const [accountRows, statusRows] = await Promise.all([
    services.db.select().from(accounts).where(inArray(accounts.id, accountIds)),
    statusIds.length ? services.db.select().from(statuses).where(inArray(statuses.id, statusIds)) : Promise.resolve([]),
  ]);
  const accountEntities = await serializeAccounts(services, accountRows);
  // the viewer's "notifications" filters: a hidden status takes its notification away
  const statusEntities = await serializeFilteredStatuses(services, statusRows, viewerId, "notifications");
  const accountById = new Map(accountRows.map((a, i) => [a.id, accountEntities[i]]));
  const statusById = new Map(statusEntities.map((s) => [s.id, s]));
  return rows
    .filter((n) => accountById.has(n.fromAccountId) && (!n.statusId || statusById.has(n.statusId) || !statusRows.some((s) => s.id === n.statusId)))
    .map((n) => ({
      id: n.id,
      type: n.type,
      group_key: n.groupKey ?? `ungrouped-${n.id}`,
      created_at: n.createdAt.toISOString(),
      account: accountById.get(n.fromAccountId)!,
      ...(n.statusId ? { status: statusById.get(n.statusId) ?? null } : {}),
    }));
}
