// Followed hashtags (their public posts reach the home timeline: see
// homeCondition in timelines.ts) and featured hashtags of a profile.
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { featuredTags, statusTags, statuses, tagFollows, tags } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import { normalizeTagName } from "../content/hashtags";
import type { DomainContext } from "../context";
import { finishPage, pageQuery, type PageParams } from "../pagination";

export type Tag = typeof tags.$inferSelect;

/** As Mastodon: a profile features at most this many hashtags. */
export const MAX_FEATURED_TAGS = 10;

/** Finds a hashtag, creating it when a resident names a new one. */
export async function findOrCreateTag(ctx: DomainContext, name: string): Promise<Tag> {
  const normalized = normalizeTagName(name);
  if (!normalized) throw new Invalid("Validation failed: Name is invalid");
  await ctx.db.insert(tags).values({ id: newId(), name: normalized }).onConflictDoNothing();
  const [row] = await ctx.db.select().from(tags).where(eq(tags.name, normalized));
  return row;
}

export async function followTag(ctx: DomainContext, accountId: string, name: string): Promise<Tag> {
  const tag = await findOrCreateTag(ctx, name);
  await ctx.db.insert(tagFollows).values({ id: newId(), accountId, tagId: tag.id }).onConflictDoNothing();
  return tag;
}

export async function unfollowTag(ctx: DomainContext, accountId: string, name: string): Promise<Tag> {
  const normalized = normalizeTagName(name);
  const [tag] = normalized ? await ctx.db.select().from(tags).where(eq(tags.name, normalized)) : [];
  if (!tag) throw new NotFound();
  await ctx.db.delete(tagFollows).where(and(eq(tagFollows.accountId, accountId), eq(tagFollows.tagId, tag.id)));
  return tag;
}

/** Which of these tag ids the account follows. */
export async function followedAmong(ctx: DomainContext, accountId: string | null, tagIds: string[]): Promise<Set<string>> {
  if (!accountId || tagIds.length === 0) return new Set();
  const rows = await ctx.db
    .select({ tagId: tagFollows.tagId })
    .from(tagFollows)
    .where(and(eq(tagFollows.accountId, accountId), inArray(tagFollows.tagId, tagIds)));
  return new Set(rows.map((r) => r.tagId));
}

/** Followed hashtags, newest follow first, paginated by the follow row id (as Mastodon). */
export async function followedTags(ctx: DomainContext, accountId: string, page: PageParams): Promise<{ rowId: string; tag: Tag }[]> {
  const q = pageQuery(tagFollows.id, page);
  const rows = await ctx.db
    .select({ rowId: tagFollows.id, tag: tags })
    .from(tagFollows)
    .innerJoin(tags, eq(tags.id, tagFollows.tagId))
    .where(and(eq(tagFollows.accountId, accountId), q.where))
    .orderBy(q.orderBy)
    .limit(page.limit);
  return finishPage(rows, q);
}

// ── featured hashtags ──

export interface FeaturedTag {
  id: string;
  name: string;
  statusesCount: number;
  lastStatusAt: Date | null;
}

/** An account's featured hashtags, with how many of its public posts carry each. */
export async function featuredTagsOf(ctx: DomainContext, accountId: string): Promise<FeaturedTag[]> {
  const rows = await ctx.db
    .select({
      id: featuredTags.id,
      name: tags.name,
      statusesCount: sql<number>`(select count(*) from ${statusTags} st join ${statuses} s on s.id = st.status_id
        where st.tag_id = ${featuredTags.tagId} and s.account_id = ${accountId} and s.visibility in ('public', 'unlisted') and s.reblog_of_id is null)::int`,
      lastStatusAt: sql<string | null>`(select max(s.created_at) from ${statusTags} st join ${statuses} s on s.id = st.status_id
        where st.tag_id = ${featuredTags.tagId} and s.account_id = ${accountId} and s.visibility in ('public', 'unlisted') and s.reblog_of_id is null)`,
    })
    .from(featuredTags)
    .innerJoin(tags, eq(tags.id, featuredTags.tagId))
    .where(eq(featuredTags.accountId, accountId))
    .orderBy(asc(featuredTags.id));
  return rows.map((r) => ({ ...r, statusesCount: Number(r.statusesCount), lastStatusAt: r.lastStatusAt ? new Date(r.lastStatusAt) : null }));
}

export async function featureTag(ctx: DomainContext, accountId: string, name: string): Promise<FeaturedTag> {
  const tag = await findOrCreateTag(ctx, name);
  const current = await featuredTagsOf(ctx, accountId);
  const existing = current.find((f) => f.name === tag.name);
  if (existing) throw new Invalid("Validation failed: Tag has already been taken");
  if (current.length >= MAX_FEATURED_TAGS) throw new Invalid(`Validation failed: You cannot feature more than ${MAX_FEATURED_TAGS} hashtags`);
  const id = newId();
  await ctx.db.insert(featuredTags).values({ id, accountId, tagId: tag.id }).onConflictDoNothing();
  const after = await featuredTagsOf(ctx, accountId);
  const row = after.find((f) => f.name === tag.name);
  if (!row) throw new Invalid("Validation failed: Tag has already been taken");
  return row;
}

export async function unfeatureTag(ctx: DomainContext, accountId: string, id: string): Promise<void> {
  const removed = await ctx.db.delete(featuredTags).where(and(eq(featuredTags.id, id), eq(featuredTags.accountId, accountId))).returning();
  if (removed.length === 0) throw new NotFound();
}

/** Hashtags the account used most lately and does not feature yet. */
export async function featuredTagSuggestions(ctx: DomainContext, accountId: string, limit = 10): Promise<Tag[]> {
  const rows = await ctx.db
    .select({ tag: tags, uses: sql<number>`count(*)::int` })
    .from(statusTags)
    .innerJoin(statuses, eq(statuses.id, statusTags.statusId))
    .innerJoin(tags, eq(tags.id, statusTags.tagId))
    .where(
      and(
        eq(statuses.accountId, accountId),
        isNull(statuses.reblogOfId),
        sql`not exists (select 1 from ${featuredTags} ft where ft.account_id = ${accountId} and ft.tag_id = ${tags.id})`,
      ),
    )
    .groupBy(tags.id)
    .orderBy(desc(sql`count(*)`), asc(tags.name))
    .limit(limit);
  return rows.map((r) => r.tag);
}
