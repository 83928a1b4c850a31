// Observations (docs/api.md "Observations") → their JSON: the structured
// fields with the Mastodon status the observation is, and a history line.
// Pure: the rows and views come loaded by the domain.
import type { AccountView } from "../domain/accounts";
import type { ObservationEventView, ObservationWithStatus } from "../domain/observations";
import type { StatusView } from "../domain/views";
import { serializeAccount, type AccountEntity } from "./account";
import { serializeStatuses, type StatusEntity } from "./status";

export interface ObservationEntity {
  id: string;
  kind: "camera" | "issue";
  latitude: number;
  longitude: number;
  tags: Record<string, string>;
  state: "present" | "gone_proposed" | "gone";
  last_seen_at: string;
  confirmations_count: number;
  osm_id: string | null;
  /** null for this instance's; the domain of the instance it came from otherwise */
  origin: string | null;
  created_at: string;
  updated_at: string;
  status: StatusEntity;
}

export interface ObservationEventEntity {
  id: string;
  action: string;
  account: AccountEntity | null;
  changes: Record<string, unknown>;
  seen_at: string | null;
  created_at: string;
}

/** Observations with their status views (in the same order; those whose view is missing are left out). */
export function serializeObservations(origin: string, rows: ObservationWithStatus[], views: StatusView[]): ObservationEntity[] {
  const statuses = serializeStatuses(origin, views);
  const byId = new Map(statuses.map((s) => [s.id, s]));
  const domains = new Map(views.map((v) => [v.status.id, v.author?.account.domain ?? null]));
  return rows.flatMap(({ observation: o, status: s }) => {
    const status = byId.get(o.statusId);
    if (!status) return [];
    return [
      {
        id: o.statusId,
        kind: o.kind,
        latitude: o.latitude,
        longitude: o.longitude,
        tags: o.tags,
        state: o.state,
        last_seen_at: o.lastSeenAt.toISOString(),
        confirmations_count: o.confirmationsCount,
        osm_id: o.osmId,
        origin: s.local ? null : (domains.get(o.statusId) ?? null),
        created_at: o.createdAt.toISOString(),
        updated_at: o.updatedAt.toISOString(),
        status,
      },
    ];
  });
}

export function serializeObservationHistory(origin: string, events: ObservationEventView[], accounts: Map<string, AccountView>): ObservationEventEntity[] {
  return events.map(({ event: e }) => {
    const account = e.accountId ? accounts.get(e.accountId) : undefined;
    return {
      id: e.id,
      action: e.action,
      account: account ? serializeAccount(origin, account) : null,
      changes: e.changes,
      seen_at: e.seenAt ? e.seenAt.toISOString() : null,
      created_at: e.createdAt.toISOString(),
    };
  });
}
