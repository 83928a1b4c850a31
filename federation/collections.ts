// An actor's outbox, followers, following and featured collections, paged
// by id (a cursor is the id to continue below; FIRST is the top). Only public
// and unlisted statuses are ever listed.
import type { Recipient } from "@fedify/vocab";
import { and, count, desc, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../server/db/open";
import { accounts, follows, statuses } from "../server/db/schema";
import { isId } from "../server/ids";
import type { StatusForObject } from "./to-activitypub/objects";

export const PAGE_SIZE = 20;
export const FIRST = "first";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const LISTED = ["public", "unlisted"] as const;

function below(cursor: string | null): bigint | null {
  if (cursor === null || cursor === FIRST) return null;
  // a cursor that is not one of our ids (or beyond 64 bits) starts below everything: an empty page
  return isId(cursor) ? BigInt(cursor) : 0n;
}

function page<T extends { cursor: string }>(rows: T[], size: number): { rows: T[]; nextCursor: string | null } {
  const more = rows.length > size;
  const kept = more ? rows.slice(0, size) : rows;
  return { rows: kept, nextCursor: more ? kept[kept.length - 1].cursor : null };
}

const parent = alias(statuses, "parent");
const original = alias(statuses, "original");

/** Public and unlisted statuses of an account (reblogs included), newest first. */
export async function outboxPage(db: Db, accountId: string, cursor: string | null, size = PAGE_SIZE): Promise<Page<StatusForObject>> {
  const bound = below(cursor);
  const rows = await selectListed(db, accountId, bound === null ? undefined : lt(statuses.id, bound.toString()), size + 1);
  const { rows: kept, nextCursor } = page(rows, size);
  return { items: kept.map(({ cursor: _c, ...s }) => s), nextCursor };
}

/** One public or unlisted status (not a reblog) of an account, or null. */
export async function listedStatus(db: Db, accountId: string, statusId: string): Promise<StatusForObject | null> {
  if (!isId(statusId)) return null;
  const [row] = await selectListed(db, accountId, and(eq(statuses.id, statusId), isNull(statuses.reblogOfId)), 1);
  if (!row) return null;
  const { cursor: _c, ...status } = row;
  return status;
}

/** Pinned public/unlisted statuses (shown on profiles). Never paged: a few at most. */
export async function featuredStatuses(db: Db, accountId: string): Promise<StatusForObject[]> {
  const rows = await selectListed(db, accountId, and(eq(statuses.pinned, true), isNull(statuses.reblogOfId)), 100);
  return rows.map(({ cursor: _c, ...s }) => s);
}

function selectListed(db: Db, accountId: string, extra: SQL | undefined, limit: number) {
  return db
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
    })
    .from(statuses)
    .leftJoin(parent, eq(parent.id, statuses.inReplyToId))
    .leftJoin(original, eq(original.id, statuses.reblogOfId))
    .where(and(eq(statuses.accountId, accountId), inArray(statuses.visibility, [...LISTED]), extra))
    .orderBy(desc(statuses.id))
    .limit(limit);
}

export async function countOutbox(db: Db, accountId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(statuses)
    .where(and(eq(statuses.accountId, accountId), inArray(statuses.visibility, [...LISTED])));
  return Number(row?.n ?? 0);
}

/**
 * Followers as recipients (id, inbox, shared inbox). With `cursor` null the
 * whole list: Fedify uses it to fan out to "followers". `originFilter`
 * (FEP-8fcf) keeps only followers on one server.
 */
export async function followersPage(
  db: Db,
  accountId: string,
  cursor: string | null,
  originFilter?: URL,
): Promise<Page<Recipient>> {
  const bound = below(cursor);
  const rows = await db
    .select({
      cursor: sql<string>`${follows.id}::text`,
      uri: accounts.uri,
      inboxUrl: accounts.inboxUrl,
      sharedInboxUrl: accounts.sharedInboxUrl,
    })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.accountId))
    .where(
      and(
        eq(follows.targetAccountId, accountId),
        bound === null ? undefined : lt(follows.id, bound.toString()),
        originFilter ? sql`${accounts.uri} like ${likePrefix(originFilter.origin + "/")}` : undefined,
      ),
    )
    .orderBy(desc(follows.id))
    .limit(cursor === null ? 1_000_000 : PAGE_SIZE + 1);
  const { rows: kept, nextCursor } = cursor === null ? { rows, nextCursor: null } : page(rows, PAGE_SIZE);
  return {
    items: kept.map((r) => ({
      id: new URL(r.uri),
      inboxId: r.inboxUrl ? new URL(r.inboxUrl) : null,
      endpoints: r.sharedInboxUrl ? { sharedInbox: new URL(r.sharedInboxUrl) } : null,
    })),
    nextCursor,
  };
}

export async function followingPage(db: Db, accountId: string, cursor: string | null): Promise<Page<URL>> {
  const bound = below(cursor);
  const rows = await db
    .select({ cursor: sql<string>`${follows.id}::text`, uri: accounts.uri })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.targetAccountId))
    .where(and(eq(follows.accountId, accountId), bound === null ? undefined : lt(follows.id, bound.toString())))
    .orderBy(desc(follows.id))
    .limit(PAGE_SIZE + 1);
  const { rows: kept, nextCursor } = page(rows, PAGE_SIZE);
  return { items: kept.map((r) => new URL(r.uri)), nextCursor };
}

export async function countFollowers(db: Db, accountId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(follows).where(eq(follows.targetAccountId, accountId));
  return Number(row?.n ?? 0);
}

export async function countFollowing(db: Db, accountId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(follows).where(eq(follows.accountId, accountId));
  return Number(row?.n ?? 0);
}

function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + "%";
}
