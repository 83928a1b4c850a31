// An account's followers and following as other servers read them (the
// ActivityPub collections), paged by the follow's id.
import { and, count, desc, eq, lt, sql } from "drizzle-orm";
import { accounts, follows } from "../../db/schema";
import type { DomainContext } from "../context";
import { belowCursor, cutPage, type CursorPage } from "../pagination";

export const FOLLOWS_PAGE_SIZE = 20;

/** A follower as a delivery target: its actor id and inboxes. */
export interface FollowerInboxes {
  uri: string;
  inboxUrl: string | null;
  sharedInboxUrl: string | null;
}

type Ctx = Pick<DomainContext, "db">;

/**
 * Followers with their inboxes. With `cursor` null the whole list (delivery
 * to "followers" fans out to all of them). `originFilter` (FEP-8fcf) keeps
 * only followers on one server ("https://host[:port]").
 */
export async function followersPage(ctx: Ctx, accountId: string, cursor: string | null, originFilter?: string): Promise<CursorPage<FollowerInboxes>> {
  const bound = belowCursor(cursor);
  const rows = await ctx.db
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
        originFilter ? sql`${accounts.uri} like ${likePrefix(originFilter + "/")}` : undefined,
      ),
    )
    .orderBy(desc(follows.id))
    .limit(cursor === null ? 1_000_000 : FOLLOWS_PAGE_SIZE + 1);
  const { rows: kept, nextCursor } = cursor === null ? { rows, nextCursor: null } : cutPage(rows, FOLLOWS_PAGE_SIZE);
  return { items: kept.map(({ cursor: _c, ...r }) => r), nextCursor };
}

/** The ActivityPub ids of the accounts an account follows, newest follow first. */
export async function followingPage(ctx: Ctx, accountId: string, cursor: string | null): Promise<CursorPage<string>> {
  const bound = belowCursor(cursor);
  const rows = await ctx.db
    .select({ cursor: sql<string>`${follows.id}::text`, uri: accounts.uri })
    .from(follows)
    .innerJoin(accounts, eq(accounts.id, follows.targetAccountId))
    .where(and(eq(follows.accountId, accountId), bound === null ? undefined : lt(follows.id, bound.toString())))
    .orderBy(desc(follows.id))
    .limit(FOLLOWS_PAGE_SIZE + 1);
  const { rows: kept, nextCursor } = cutPage(rows, FOLLOWS_PAGE_SIZE);
  return { items: kept.map((r) => r.uri), nextCursor };
}

export async function countFollowers(ctx: Ctx, accountId: string): Promise<number> {
  const [row] = await ctx.db.select({ n: count() }).from(follows).where(eq(follows.targetAccountId, accountId));
  return Number(row?.n ?? 0);
}

export async function countFollowing(ctx: Ctx, accountId: string): Promise<number> {
  const [row] = await ctx.db.select({ n: count() }).from(follows).where(eq(follows.accountId, accountId));
  return Number(row?.n ?? 0);
}

function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + "%";
}
