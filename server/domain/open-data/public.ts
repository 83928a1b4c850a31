// The observations published as open data: only those anyone may read
// anywhere — a public status (not unlisted, not followers-only, not in a
// members-only group) by an author who is neither suspended nor on a blocked
// server. The rule is the visibility concept's (visibleTo for a visitor, and
// authorNotSuspended), narrowed to "public": open data is listed, and an
// unlisted post asked not to be listed.
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import { accounts, groups, observations, statuses, type ObservationKind, type ObservationState } from "../../db/schema";
import type { DomainContext } from "../context";
import { authorNotSuspended, visibleTo } from "../visibility";
import { inBoundingBox, type BoundingBox } from "../places";


export interface OpenDataFilter {
  bbox?: BoundingBox;
  kind?: ObservationKind;
  /** older than this observation (its status id), for the next page */
  maxId?: string;
  limit: number;
}

/** One published observation: what the GeoJSON feature and the CSV row are made of. */
export interface PublicObservation {
  id: string;
  kind: ObservationKind;
  latitude: number;
  longitude: number;
  tags: Record<string, string>;
  state: ObservationState;
  osmId: string | null;
  lastSeenAt: Date;
  confirmationsCount: number;
  createdAt: Date;
  updatedAt: Date;
  /** the status's web page (or its ActivityPub id when it has none) */
  url: string;
  /** null for a local observation, the author's server for one federated by another Parvis */
  origin: string | null;
}

export interface OpenDataPage {
  items: PublicObservation[];
  /** the max_id of the next page, or null on the last one */
  next: string | null;
}

export const OPEN_DATA_DEFAULT_LIMIT = 100;
export const OPEN_DATA_MAX_LIMIT = 1000;

/**
 * Parses "minLon,minLat,maxLon,maxLat". A box whose west edge is east of its
 * east edge crosses the antimeridian (RFC 7946 §5.2). Null when it is not one.
 */
export function parseBoundingBox(value: string): BoundingBox | null {
  const parts = value.split(",");
  if (parts.length !== 4) return null;
  if (parts.some((p) => !/^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(p))) return null;
  const [minLon, minLat, maxLon, maxLat] = parts.map(Number);
  if (![minLon, minLat, maxLon, maxLat].every(Number.isFinite)) return null;
  if (minLon < -180 || maxLon > 180 || maxLon < -180 || minLon > 180) return null;
  if (minLat < -90 || maxLat > 90 || minLat > maxLat) return null;
  return { minLon, minLat, maxLon, maxLat };
}

/** SQL: the observation (joined with its status `statuses`) is open data. */
export function isOpenData(): SQL {
  return and(
    eq(statuses.visibility, "public"),
    // a visitor's view, so the rule stays the one visibility defines
    visibleTo(null),
    // a members-only group's posts are stored private already; a public group's posts are open data
    sql`(${statuses.groupId} is null or exists (select 1 from ${groups} g where g.account_id = ${statuses.groupId} and g.visibility = 'public'))`,
    authorNotSuspended(statuses.accountId),
  )!;
}

function filterConditions(filter: Omit<OpenDataFilter, "limit">): SQL[] {
  const where: SQL[] = [isOpenData()];
  if (filter.kind) where.push(eq(observations.kind, filter.kind));
  if (filter.bbox) where.push(inBoundingBox(observations.latitude, observations.longitude, filter.bbox));
  if (filter.maxId) where.push(lt(observations.statusId, filter.maxId));
  return where;
}

/** A page of public observations, newest first (by status id). */
export async function publicObservationsPage(ctx: Pick<DomainContext, "db">, filter: OpenDataFilter): Promise<OpenDataPage> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit), 1), OPEN_DATA_MAX_LIMIT);
  const rows = await ctx.db
    .select({
      id: observations.statusId,
      kind: observations.kind,
      latitude: observations.latitude,
      longitude: observations.longitude,
      tags: observations.tags,
      state: observations.state,
      osmId: observations.osmId,
      lastSeenAt: observations.lastSeenAt,
      confirmationsCount: observations.confirmationsCount,
      createdAt: observations.createdAt,
      observationUpdatedAt: observations.updatedAt,
      statusUpdatedAt: statuses.updatedAt,
      url: statuses.url,
      uri: statuses.uri,
      origin: accounts.domain,
    })
    .from(observations)
    .innerJoin(statuses, eq(statuses.id, observations.statusId))
    .innerJoin(accounts, eq(accounts.id, statuses.accountId))
    .where(and(...filterConditions(filter)))
    .orderBy(desc(observations.statusId))
    .limit(limit + 1);
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const items = kept.map(({ observationUpdatedAt, statusUpdatedAt, url, uri, ...r }) => ({
    ...r,
    tags: r.tags ?? {},
    url: url && /^https?:\/\//i.test(url) ? url : uri,
    updatedAt: observationUpdatedAt > statusUpdatedAt ? observationUpdatedAt : statusUpdatedAt,
  }));
  return { items, next: more ? kept[kept.length - 1].id : null };
}

