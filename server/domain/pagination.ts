// Mastodon's id-based pagination: max_id (older than), since_id (newer than,
// newest first), min_id (newer than, immediately after it: oldest first then reversed).
import { and, asc, desc, gt, lt, type AnyColumn, type SQL } from "drizzle-orm";

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
