// What an account lists to other servers: its outbox and its featured (pinned)
// posts hold public and unlisted statuses only, whoever asks. Followers-only
// and direct posts are served one by one to fetchers allowed to see them
// (visibility.ts), never listed.
import { and, count, desc, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { statuses, type Visibility } from "../../db/schema";
import type { DomainContext } from "../context";
import { belowCursor, cutPage, type CursorPage } from "../pagination";
import { placeOf, type Place } from "../places/place";

/** Statuses an outbox lists. */
export const LISTED_VISIBILITIES = ["public", "unlisted"] as const satisfies readonly Visibility[];

export const LISTED_PAGE_SIZE = 20;

/** A listed status with the ids it points at resolved (what its Note or Announce needs). */
export interface ListedStatus {
  id: string;
  uri: string;
  url: string | null;
  content: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  createdAt: Date;
  editedAt: Date | null;
  /** the parent's ActivityPub id (resolved from in_reply_to_id, or in_reply_to_uri) */
  inReplyToUri: string | null;
  /** for a reblog: the reblogged status's ActivityPub id */
  reblogOfUri: string | null;
  /** the place its author published with it */
  place?: Place | null;
}

type Ctx = Pick<DomainContext, "db">;

const parent = alias(statuses, "parent");
const original = alias(statuses, "original");

/** A page of an account's outbox: its public and unlisted statuses (reblogs included), newest first. */
export async function listedStatusesPage(ctx: Ctx, accountId: string, cursor: string | null, size = LISTED_PAGE_SIZE): Promise<CursorPage<ListedStatus>> {
  const bound = belowCursor(cursor);
  const rows = await selectListed(ctx, accountId, bound === null ? undefined : lt(statuses.id, bound.toString()), size + 1);
  const { rows: kept, nextCursor } = cutPage(rows, size);
  return { items: kept.map(listed), nextCursor };
}

/** Pinned public/unlisted statuses (shown on profiles). Never paged: a few at most. */
export async function featuredStatuses(ctx: Ctx, accountId: string): Promise<ListedStatus[]> {
  const rows = await selectListed(ctx, accountId, and(eq(statuses.pinned, true), isNull(statuses.reblogOfId)), 100);
  return rows.map(listed);
}

function listed({ cursor: _c, placeLatitude, placeLongitude, placeName, ...s }: Awaited<ReturnType<typeof selectListed>>[number]): ListedStatus {
  return { ...s, place: placeOf({ placeLatitude, placeLongitude, placeName }) };
}

/** How many statuses an account's outbox lists. */
export async function countListedStatuses(ctx: Ctx, accountId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(statuses)
    .where(and(eq(statuses.accountId, accountId), inArray(statuses.visibility, [...LISTED_VISIBILITIES])));
  return Number(row?.n ?? 0);
}

function selectListed(ctx: Ctx, accountId: string, extra: SQL | undefined, limit: number) {
  return ctx.db
    .select({
      cursor: sql<string>`${statuses.id}::text`,
      id: statuses.id,
      uri: statuses.uri,
      url: statuses.url,
      content: statuses.content,
      spoilerText: statuses.spoilerText,
      sensitive: statuses.sensitive,
      visibility: statuses.visibility,
      language: statuses.language,
      createdAt: statuses.createdAt,
      editedAt: statuses.editedAt,
      inReplyToUri: sql<string | null>`coalesce(${parent.uri}, ${statuses.inReplyToUri})`,
      reblogOfUri: original.uri,
      placeLatitude: statuses.placeLatitude,
      placeLongitude: statuses.placeLongitude,
      placeName: statuses.placeName,
    })
    .from(statuses)
    .leftJoin(parent, eq(parent.id, statuses.inReplyToId))
    .leftJoin(original, eq(original.id, statuses.reblogOfId))
    .where(and(eq(statuses.accountId, accountId), inArray(statuses.visibility, [...LISTED_VISIBILITIES]), extra))
    .orderBy(desc(statuses.id))
    .limit(limit);
}
