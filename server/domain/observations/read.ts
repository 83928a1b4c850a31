// Reading observations: one (with the statuses' visibility rule), a page of
// them in a bounding box with filters, and one's history.
import { and, asc, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { accounts, observationEvents, observations, statuses, type ObservationKind, type ObservationState } from "../../db/schema";
import { Invalid } from "../../errors";
import type { DomainContext } from "../context";
import type { PageParams } from "../pagination";
import type { Status } from "../statuses";
import { authorNotSuspended, visibleTo } from "../visibility";
import { inBoundingBox, type BoundingBox } from "../places";
import { visibleObservation, type ObservationRow } from "./changes";
import { isObservationKind } from "./tags";

export interface ObservationWithStatus {
  observation: ObservationRow;
  status: Status;
}

/** A bounding box in degrees; minLon > maxLon crosses the antimeridian. */
export type Bbox = BoundingBox;

/** "minLon,minLat,maxLon,maxLat" (GeoJSON's order) → Bbox, or Invalid. */
export function parseBbox(value: string): Bbox {
  const parts = value.split(",");
  const nums = parts.map((p) => (/^\s*-?\d+(\.\d+)?\s*$/.test(p) ? Number(p) : NaN));
  if (nums.length !== 4 || nums.some((n) => !Number.isFinite(n))) {
    throw new Invalid("Validation failed: bbox must be minLon,minLat,maxLon,maxLat", { bbox: "ERR_INVALID" });
  }
  const [minLon, minLat, maxLon, maxLat] = nums;
  if (minLat < -90 || maxLat > 90 || minLat > maxLat || minLon < -180 || maxLon > 180 || maxLon < -180 || minLon > 180) {
    throw new Invalid("Validation failed: bbox is out of range", { bbox: "ERR_INVALID" });
  }
  return { minLon, minLat, maxLon, maxLat };
}

/** SQL: the point (lat, lon columns) is in the box. */
export const OBSERVATION_STATES: readonly ObservationState[] = ["present", "gone_proposed", "gone"];

export interface ObservationFilters {
  bbox?: Bbox;
  kind?: ObservationKind;
  groupId?: string;
  state?: ObservationState;
  /** created at or after */
  since?: Date;
  /** created before */
  until?: Date;
}

export function checkFilters(f: { kind?: string; state?: string }): void {
  if (f.kind !== undefined && !isObservationKind(f.kind)) throw new Invalid("Validation failed: kind must be camera or issue", { kind: "ERR_INCLUSION" });
  if (f.state !== undefined && !(OBSERVATION_STATES as readonly string[]).includes(f.state)) {
    throw new Invalid("Validation failed: state must be present, gone_proposed or gone", { state: "ERR_INCLUSION" });
  }
}

/**
 * Observations the viewer may see (the statuses' rule: a members-only group's
 * are its members'), newest first, a page of Mastodon's id pagination (max_id,
 * since_id, min_id).
 */
export async function listObservations(ctx: DomainContext, viewerId: string | null, filters: ObservationFilters, page: PageParams): Promise<ObservationWithStatus[]> {
  const conditions: SQL[] = [visibleTo(viewerId), authorNotSuspended(statuses.accountId), sql`${statuses.reblogOfId} is null`];
  if (filters.bbox) conditions.push(inBoundingBox(observations.latitude, observations.longitude, filters.bbox));
  if (filters.kind) conditions.push(eq(observations.kind, filters.kind));
  if (filters.state) conditions.push(eq(observations.state, filters.state));
  if (filters.groupId) conditions.push(eq(statuses.groupId, filters.groupId));
  if (filters.since) conditions.push(gte(observations.createdAt, filters.since));
  if (filters.until) conditions.push(lt(observations.createdAt, filters.until));
  if (page.maxId) conditions.push(lt(observations.statusId, page.maxId));
  if (page.sinceId) conditions.push(sql`${observations.statusId} > ${page.sinceId}`);
  if (page.minId) conditions.push(sql`${observations.statusId} > ${page.minId}`);
  const ascending = Boolean(page.minId) && !page.sinceId;
  const rows = await ctx.db
    .select({ observation: observations, status: statuses })
    .from(observations)
    .innerJoin(statuses, eq(statuses.id, observations.statusId))
    .where(and(...conditions))
    .orderBy(ascending ? asc(observations.statusId) : desc(observations.statusId))
    .limit(page.limit);
  return ascending ? rows.reverse() : rows;
}

/** One observation the viewer may see, or NotFound. */
export async function getObservation(ctx: DomainContext, id: string, viewerId: string | null): Promise<ObservationWithStatus> {
  return visibleObservation(ctx, id, viewerId);
}

export interface ObservationEventView {
  event: typeof observationEvents.$inferSelect;
  account: typeof accounts.$inferSelect | null;
}

/** The observation's history, oldest first (its lines name accounts that still exist). */
export async function observationHistory(ctx: DomainContext, id: string, viewerId: string | null): Promise<ObservationEventView[]> {
  await visibleObservation(ctx, id, viewerId);
  return ctx.db
    .select({ event: observationEvents, account: accounts })
    .from(observationEvents)
    .leftJoin(accounts, eq(accounts.id, observationEvents.accountId))
    .where(eq(observationEvents.observationId, id))
    .orderBy(asc(observationEvents.id));
}
