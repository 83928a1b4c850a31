// Mastodon's id-based pagination: max_id (older than), since_id (newer than,
// newest first), min_id (newer than, immediately after it: oldest first then reversed).
import { and, asc, desc, gt, lt, type AnyColumn, type SQL } from "drizzle-orm";
import { isId } from "../ids";

export interface PageParams {
  maxId?: string;
  sinceId?: string;
  minId?: string;
  limit: number;
}

export interface PageQuery {
  where: SQL | undefined;
  orderBy: SQL;
  /** results were fetched oldest first and must be reversed */
  reverse: boolean;
}

export function pageQuery(column: AnyColumn, page: PageParams): PageQuery {
  const conditions: SQL[] = [];
  if (page.maxId) conditions.push(lt(column, page.maxId));
  if (page.sinceId) conditions.push(gt(column, page.sinceId));
  if (page.minId) conditions.push(gt(column, page.minId));
  const reverse = Boolean(page.minId) && !page.sinceId;
  return {
    where: conditions.length ? and(...conditions) : undefined,
    orderBy: reverse ? asc(column) : desc(column),
    reverse,
  };
}

export function finishPage<T>(rows: T[], query: PageQuery): T[] {
  return query.reverse ? rows.reverse() : rows;
}

// ActivityPub collections (an actor's outbox, followers, following) are paged
// by a cursor: the id to continue below, or FIRST_PAGE for the top.

/** The cursor of a collection's first page. */
export const FIRST_PAGE = "first";

/** A page of a cursor-paged collection. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** The id a cursor continues below: null for the top; a cursor that is not one of our ids starts below everything (an empty page). */
export function belowCursor(cursor: string | null): bigint | null {
  if (cursor === null || cursor === FIRST_PAGE) return null;
  return isId(cursor) ? BigInt(cursor) : 0n;
}

/** Keeps `size` of rows fetched with one extra; the next cursor is the last kept row's. */
export function cutPage<T extends { cursor: string }>(rows: T[], size: number): { rows: T[]; nextCursor: string | null } {
  const more = rows.length > size;
  const kept = more ? rows.slice(0, size) : rows;
  return { rows: kept, nextCursor: more ? kept[kept.length - 1].cursor : null };
}
