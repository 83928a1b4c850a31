// Trends computed on this instance alone, from what is stored here (no remote
// fetching): hashtags by the distinct accounts using them per day, public
// statuses by recent favourites and boosts, links by the distinct accounts
// sharing them in public posts. With the admin review switch on, only what an
// admin approved is shown (Mastodon's trends review); a rejected item never is.
import { createHash } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { trendReviews } from "../../db/schema";
import { NotFound } from "../../errors";
import { authorNotSilenced, authorNotSuspended } from "../visibility/moderation";
import type { DomainContext } from "../context";
import { getSettings } from "../instance/settings";
import { rowsOf } from "../../db/rows";

export type TrendKind = "tag" | "link" | "status";

/** Days of history a tag or link carries (Mastodon: 7). */
export const HISTORY_DAYS = 7;
/** Window in which use counts towards the ranking. */
const RANK_DAYS = 2;
/** Candidates considered before review and limits. */
const CANDIDATES = 200;

export interface DayUse {
  /** midnight UTC, seconds */
  day: number;
  uses: number;
  accounts: number;
}

export interface TagTrend {
  id: string;
  name: string;
  score: number;
  history: DayUse[];
}

export interface LinkTrend {
  id: string;
  url: string;
  score: number;
  history: DayUse[];
}

export interface StatusTrend {
  statusId: string;
  score: number;
}

function emptyHistory(now: Date): DayUse[] {
  const today = Math.floor(now.getTime() / 86_400_000) * 86_400;
  return Array.from({ length: HISTORY_DAYS }, (_, i) => ({ day: today - i * 86_400, uses: 0, accounts: 0 }));
}

function fillHistory(now: Date, rows: { day: number; uses: number; accounts: number }[]): DayUse[] {
  const history = emptyHistory(now);
  for (const r of rows) {
    const slot = history.find((h) => h.day === Number(r.day));
    if (slot) Object.assign(slot, { uses: Number(r.uses), accounts: Number(r.accounts) });
  }
  return history;
}

/**
 * Public, non-reblog statuses of accounts neither suspended nor silenced (nor
 * on a server so treated) in the last `days` (SQL over statuses as s, accounts as a).
 */
const recentPublic = (days: number, now: Date) =>
  sql`s.visibility = 'public' and s.reblog_of_id is null and a.suspended_at is null and a.silenced_at is null
    and ${authorNotSuspended(sql`s.account_id`)} and ${authorNotSilenced(sql`s.account_id`, null)}
    and s.created_at > ${now.toISOString()}::timestamptz - ${days} * interval '1 day'`;

export async function tagCandidates(ctx: DomainContext, now = new Date()): Promise<TagTrend[]> {
  const rows = rowsOf<{ id: string; name: string; day: number; uses: number; accounts: number }>(
    await ctx.db.execute(sql`select t.id::text as id, t.name,
        extract(epoch from date_trunc('day', s.created_at at time zone 'UTC'))::bigint as day,
        count(*)::int as uses, count(distinct s.account_id)::int as accounts
      from status_tags st join tags t on t.id = st.tag_id
        join statuses s on s.id = st.status_id join accounts a on a.id = s.account_id
      where ${recentPublic(HISTORY_DAYS, now)}
      group by t.id, t.name, day`),
  );
  return rankByDay(rows, now, (r) => r.id, (r) => ({ id: r.id, name: r.name }));
}

function rankByDay<R extends { day: number; uses: number; accounts: number }, T>(rows: R[], now: Date, key: (r: R) => string, make: (r: R) => T) {
  const groups = new Map<string, R[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  const since = Math.floor(now.getTime() / 1000) - RANK_DAYS * 86_400;
  return [...groups.values()]
    .map((list) => {
      const history = fillHistory(now, list);
      // distinct accounts per day in the ranking window: one enthusiastic account does not make a trend
      const score = list.filter((r) => Number(r.day) + 86_400 > since).reduce((n, r) => n + Number(r.accounts), 0);
      return { ...make(list[0]), score, history };
    })
    .filter((t) => t.score > 0)
    .sort((a, b) => b.score - a.score || (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
    .slice(0, CANDIDATES);
}

export async function statusCandidates(ctx: DomainContext, now = new Date()): Promise<StatusTrend[]> {
  const rows = rowsOf<{ id: string; score: number }>(
    await ctx.db.execute(sql`select s.id::text as id,
        ((select count(*) from favourites f where f.status_id = s.id and f.created_at > ${now.toISOString()}::timestamptz - ${RANK_DAYS} * interval '1 day')
         + (select count(*) from statuses r where r.reblog_of_id = s.id and r.created_at > ${now.toISOString()}::timestamptz - ${RANK_DAYS} * interval '1 day'))::int as score
      from statuses s join accounts a on a.id = s.account_id
      where ${recentPublic(HISTORY_DAYS, now)} and s.sensitive = false
      order by score desc, s.id desc
      limit ${CANDIDATES}`),
  );
  return rows.filter((r) => Number(r.score) > 0).map((r) => ({ statusId: String(r.id), score: Number(r.score) }));
}

/** The links of a post's HTML: http(s) hrefs that are not mentions or hashtags. */
export function linksOf(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<a\s[^>]*>/gi)) {
    const tag = m[0];
    if (/class="[^"]*\b(mention|hashtag)\b/i.test(tag) || /rel="tag"/i.test(tag)) continue;
    const href = /href="([^"]+)"/i.exec(tag)?.[1];
    if (!href) continue;
    try {
      const url = new URL(href.replace(/&amp;/g, "&"));
      if ((url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password) {
        url.hash = "";
        out.add(url.href);
      }
    } catch {
      // not a URL: not a link
    }
  }
  return [...out].slice(0, 10);
}

export function linkId(url: string): string {
  return createHash("sha256").update(url).digest("hex").slice(0, 16);
}

export async function linkCandidates(ctx: DomainContext, now = new Date()): Promise<LinkTrend[]> {
  const rows = rowsOf<{ account_id: string; content: string; day: number }>(
    await ctx.db.execute(sql`select s.account_id::text as account_id, s.content,
        extract(epoch from date_trunc('day', s.created_at at time zone 'UTC'))::bigint as day
      from statuses s join accounts a on a.id = s.account_id
      where ${recentPublic(HISTORY_DAYS, now)} and s.content like '%href=%'
      order by s.id desc limit 5000`),
  );
  const perDay = new Map<string, { url: string; day: number; uses: number; accounts: Set<string> }>();
  for (const r of rows) {
    for (const url of linksOf(r.content)) {
      const key = `${url} ${r.day}`;
      const entry = perDay.get(key) ?? { url, day: Number(r.day), uses: 0, accounts: new Set<string>() };
      entry.uses++;
      entry.accounts.add(String(r.account_id));
      perDay.set(key, entry);
    }
  }
  const flat = [...perDay.values()].map((e) => ({ url: e.url, day: e.day, uses: e.uses, accounts: e.accounts.size }));
  return rankByDay(flat, now, (r) => r.url, (r) => ({ id: linkId(r.url), url: r.url }));
}

export async function reviews(ctx: DomainContext, kind: TrendKind, keys: string[]): Promise<Map<string, "approved" | "rejected">> {
  if (keys.length === 0) return new Map();
  const rows = await ctx.db.select().from(trendReviews).where(and(eq(trendReviews.kind, kind), inArray(trendReviews.key, keys)));
  return new Map(rows.map((r) => [r.key, r.decision]));
}

/** What residents see: never the rejected; only the approved while the review switch is on. */
export async function publicTrends<T>(ctx: DomainContext, kind: TrendKind, candidates: T[], keyOf: (t: T) => string): Promise<T[]> {
  const decided = await reviews(ctx, kind, candidates.map(keyOf));
  const review = (await getSettings(ctx)).trendsReview;
  return candidates.filter((c) => {
    const d = decided.get(keyOf(c));
    return review ? d === "approved" : d !== "rejected";
  });
}

export async function reviewTrend(ctx: DomainContext, kind: TrendKind, key: string, decision: "approved" | "rejected"): Promise<void> {
  await ctx.db
    .insert(trendReviews)
    .values({ kind, key, decision })
    .onConflictDoUpdate({ target: [trendReviews.kind, trendReviews.key], set: { decision, createdAt: new Date() } });
}

/** A candidate by id, for the admin's decision (404 when it is not trending). */
export async function findCandidate<T>(candidates: T[], match: (t: T) => boolean): Promise<T> {
  const found = candidates.find(match);
  if (!found) throw new NotFound();
  return found;
}
