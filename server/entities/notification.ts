// Loaded notifications (server/domain/notifications/read.ts) → Mastodon Notification entities.
import type { NotificationView } from "../domain/views";
import { serializeAccount, type AccountEntity } from "./account";
import { serializeStatuses, statusGroupEntity, type StatusEntity, type StatusGroupEntity } from "./status";

export interface NotificationEntity {
  id: string;
  type: string;
  group_key: string;
  created_at: string;
  account: AccountEntity;
  status?: StatusEntity | null;
  /** Parvis: the group a parvis.group_* notification is about (null: the group is gone) */
  parvis_group?: StatusGroupEntity | null;
}

export function serializeNotifications(origin: string, views: NotificationView[]): NotificationEntity[] {
  // the statuses of a page are serialized together (an author's entity built once)
  const withStatus = views.flatMap((v) => (v.status ? [v.status] : []));
  const statusEntities = serializeStatuses(origin, withStatus);
  const statusOf = new Map(withStatus.map((s, i) => [s, statusEntities[i]]));
  return views.map((v) => {
    const n = v.notification;
    return {
      id: n.id,
      type: n.type,
      group_key: n.groupKey ?? `ungrouped-${n.id}`,
      created_at: n.createdAt.toISOString(),
      account: serializeAccount(origin, v.account),
      ...(n.statusId ? { status: v.status ? statusOf.get(v.status)! : null } : {}),
      ...(n.parvisGroupId ? { parvis_group: v.group ? statusGroupEntity(v.group) : null } : {}),
    };
  });
}
