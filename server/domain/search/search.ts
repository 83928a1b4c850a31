// Search over what this instance knows: accounts by name, hashtags by prefix,
// public statuses by words. Remote resolution is federation's, injected in the context.
import { and, asc, eq, ilike, isNull, sql } from "drizzle-orm";
import { statusTags, statuses, tags } from "../../db/schema";
import { authorNotSuspended } from "../visibility/moderation";
import type { DomainContext } from "../context";
import { isTagName, withoutHash } from "../content/hashtags";
import { visibleTo } from "../visibility/visibility";

function likePattern(term: string, prefixOnly: boolean): string {
  const escaped = term.toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c);
  return prefixOnly ? `${escaped}%` : `%${escaped}%`;
}

export async function searchTags(ctx: DomainContext, query: string, limit: number, offset: number) {
  const term = withoutHash(query.trim());
  if (!isTagName(term)) return [];
  return ctx.db
    .select()
    .from(tags)
    .where(ilike(tags.name, likePattern(term, true)))
    .orderBy(sql`length(${tags.name})`, asc(tags.name))
    .limit(limit)
    .offset(offset);
}

export async function findTag(ctx: DomainContext, name: string) {
  const [row] = await ctx.db.select().from(tags).where(eq(tags.name, name.toLowerCase()));
  return row;
}

/**
 * A status's text as a reader sees it: tags removed, the entities our
 * sanitizer writes decoded (&amp; last). Searching the HTML would match
 * "nofollow", "href" or "span" in every post with a link.
 */
const contentText = sql`replace(replace(replace(replace(replace(
  regexp_replace(${statuses.content}, '<[^>]*>', ' ', 'g'),
  '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&')`;

/** Statuses containing the words, among those the viewer may see (newest first). */
export async function searchStatuses(ctx: DomainContext, query: string, viewerId: string | null, limit: number, offset: number) {
  const term = query.trim();
  if (term.length < 2) return [];
  return ctx.db
    .select()
    .from(statuses)
    .where(
      and(
        // the HTML holds the text unchanged but for the escaped characters: a cheap first filter
        /[&<>"']/.test(term) ? undefined : ilike(statuses.content, likePattern(term, false)),
        ilike(contentText, likePattern(term, false)),
        isNull(statuses.reblogOfId),
        visibleTo(viewerId),
        // suspended authors (or on a blocked server), and those the viewer blocks or mutes, as on timelines
        authorNotSuspended(statuses.accountId),
        viewerId
          ? sql`not exists (select 1 from blocks b where b.account_id = ${viewerId} and b.target_account_id = ${statuses.accountId})
              and not exists (select 1 from mutes m where m.account_id = ${viewerId} and m.target_account_id = ${statuses.accountId} and (m.expires_at is null or m.expires_at > now()))`
          : undefined,
      ),
    )
    .orderBy(sql`${statuses.id} desc`)
    .limit(limit)
    .offset(offset);
}

/** Names of a status's hashtags. */
export async function tagsOf(ctx: DomainContext, statusId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ name: tags.name })
    .from(statusTags)
    .innerJoin(tags, eq(tags.id, statusTags.tagId))
    .where(eq(statusTags.statusId, statusId));
  return rows.map((r) => r.name);
}
