// Filters (Mastodon's v2 filters, with v1 filters as views of their keywords):
// keywords and statuses a resident hides or is warned about in some contexts.
// Applied where statuses are read: timelines, threads, accounts, notifications.
import { and, asc, eq, gt, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import { filterKeywords, filterStatuses, filters, mediaAttachments, statuses, type FilterContext } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { writeAndPublish } from "../event-journal";
import { htmlToText } from "../content/sanitize";
import { type Status } from "../statuses/local";
import { getVisibleStatus } from "../visibility/visibility";

export type Filter = typeof filters.$inferSelect;
export type FilterKeyword = typeof filterKeywords.$inferSelect;
export type FilterStatus = typeof filterStatuses.$inferSelect;
export type FilterAction = Filter["action"];

export const FILTER_CONTEXTS: readonly FilterContext[] = ["home", "notifications", "public", "thread", "account"];
export const MAX_FILTERS = 100;
export const MAX_KEYWORDS = 100;
export const MAX_KEYWORD_LENGTH = 512;
export const MAX_TITLE_LENGTH = 256;

export interface FullFilter {
  filter: Filter;
  keywords: FilterKeyword[];
  statuses: FilterStatus[];
}

export interface KeywordInput {
  /** an existing keyword (updates only) */
  id?: string;
  keyword?: string;
  wholeWord?: boolean;
  /** remove this keyword (updates only) */
  destroy?: boolean;
}

export interface FilterInput {
  title?: string;
  context?: FilterContext[];
  action?: FilterAction;
  /** seconds from now; null for no expiry; undefined to leave as is */
  expiresIn?: number | null;
  keywords?: KeywordInput[];
}

function checkTitle(title: string): string {
  const t = title.trim();
  if (!t) throw new Invalid("Validation failed: Title can't be blank");
  if (t.length > MAX_TITLE_LENGTH) throw new Invalid(`Validation failed: Title is too long (maximum is ${MAX_TITLE_LENGTH} characters)`);
  return t;
}

function checkContext(context: FilterContext[]): FilterContext[] {
  const unique = [...new Set(context)];
  if (unique.length === 0) throw new Invalid("Validation failed: Context can't be blank");
  if (unique.some((c) => !FILTER_CONTEXTS.includes(c))) throw new Invalid("Validation failed: Context includes invalid values");
  return unique;
}

function checkKeyword(keyword: string): string {
  const k = keyword.trim();
  if (!k) throw new Invalid("Validation failed: Keyword can't be blank");
  if (k.length > MAX_KEYWORD_LENGTH) throw new Invalid(`Validation failed: Keyword is too long (maximum is ${MAX_KEYWORD_LENGTH} characters)`);
  return k;
}

function expiry(expiresIn: number | null): Date | null {
  if (expiresIn === null) return null;
  if (!Number.isInteger(expiresIn) || expiresIn <= 0 || expiresIn > 10 * 365 * 86400) throw new Invalid("Validation failed: Expires in is invalid");
  return new Date(Date.now() + expiresIn * 1000);
}

async function withParts(ctx: DomainContext, rows: Filter[]): Promise<FullFilter[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [kws, sts] = await Promise.all([
    ctx.db.select().from(filterKeywords).where(inArray(filterKeywords.filterId, ids)).orderBy(asc(filterKeywords.id)),
    ctx.db.select().from(filterStatuses).where(inArray(filterStatuses.filterId, ids)).orderBy(asc(filterStatuses.id)),
  ]);
  return rows.map((filter) => ({
    filter,
    keywords: kws.filter((k) => k.filterId === filter.id),
    statuses: sts.filter((s) => s.filterId === filter.id),
  }));
}

export async function listFilters(ctx: DomainContext, ownerId: string): Promise<FullFilter[]> {
  const rows = await ctx.db.select().from(filters).where(eq(filters.accountId, ownerId)).orderBy(asc(filters.id));
  return withParts(ctx, rows);
}

/** The owner's filter, or NotFound (another resident's filter does not exist for the caller). */
export async function getFilter(ctx: DomainContext, ownerId: string, id: string): Promise<FullFilter> {
  const [row] = await ctx.db.select().from(filters).where(and(eq(filters.id, id), eq(filters.accountId, ownerId)));
  if (!row) throw new NotFound();
  return (await withParts(ctx, [row]))[0];
}

/** Runs a change to the owner's filters and announces it (streaming's filters_changed). */
async function changing<T>(ctx: DomainContext, ownerId: string, work: (t: DomainContext) => Promise<T>): Promise<T> {
  return writeAndPublish(ctx, async (tx, record) => {
    const value = await work({ ...ctx, db: tx });
    // a notice to open streams, nothing to replay after a crash
    await record("filters.changed", { accountId: ownerId }, { durable: false });
    return value;
  });
}

export async function createFilter(ctx: DomainContext, ownerId: string, input: FilterInput): Promise<FullFilter> {
  const title = checkTitle(input.title ?? "");
  const context = checkContext(input.context ?? []);
  const expiresAt = expiry(input.expiresIn ?? null);
  const keywords = (input.keywords ?? []).filter((k) => !k.destroy).map((k) => ({ keyword: checkKeyword(k.keyword ?? ""), wholeWord: k.wholeWord ?? true }));
  if (keywords.length > MAX_KEYWORDS) throw new Invalid(`Validation failed: A filter holds at most ${MAX_KEYWORDS} keywords`);
  const [{ n }] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(filters).where(eq(filters.accountId, ownerId));
  if (Number(n) >= MAX_FILTERS) throw new Invalid(`Validation failed: You cannot create more than ${MAX_FILTERS} filters`);
  const id = newId();
  await changing(ctx, ownerId, async (t) => {
    await t.db.insert(filters).values({ id, accountId: ownerId, title, context, action: input.action ?? "warn", expiresAt });
    if (keywords.length) await t.db.insert(filterKeywords).values(keywords.map((k) => ({ id: newId(), filterId: id, ...k })));
  });
  return getFilter(ctx, ownerId, id);
}

export async function updateFilter(ctx: DomainContext, ownerId: string, id: string, input: FilterInput): Promise<FullFilter> {
  const current = await getFilter(ctx, ownerId, id);
  const set: Partial<typeof filters.$inferInsert> = {};
  if (input.title !== undefined) set.title = checkTitle(input.title);
  if (input.context !== undefined) set.context = checkContext(input.context);
  if (input.action !== undefined) set.action = input.action;
  if (input.expiresIn !== undefined) set.expiresAt = expiry(input.expiresIn);
  const changes = input.keywords ?? [];
  const known = new Set(current.keywords.map((k) => k.id));
  for (const k of changes) {
    // a keyword of another filter, or of nobody, is not found
    if (k.id !== undefined && !known.has(k.id)) throw new NotFound();
    if (!k.destroy && (k.id === undefined || k.keyword !== undefined)) checkKeyword(k.keyword ?? "");
  }
  const added = changes.filter((k) => k.id === undefined && !k.destroy).length;
  const removed = changes.filter((k) => k.id !== undefined && k.destroy).length;
  if (current.keywords.length + added - removed > MAX_KEYWORDS) throw new Invalid(`Validation failed: A filter holds at most ${MAX_KEYWORDS} keywords`);
  await changing(ctx, ownerId, async (t) => {
    if (Object.keys(set).length) await t.db.update(filters).set(set).where(eq(filters.id, id));
    for (const k of changes) {
      if (k.id !== undefined && k.destroy) await t.db.delete(filterKeywords).where(eq(filterKeywords.id, k.id));
      else if (k.id !== undefined) {
        const kset: Partial<typeof filterKeywords.$inferInsert> = {};
        if (k.keyword !== undefined) kset.keyword = checkKeyword(k.keyword);
        if (k.wholeWord !== undefined) kset.wholeWord = k.wholeWord;
        if (Object.keys(kset).length) await t.db.update(filterKeywords).set(kset).where(eq(filterKeywords.id, k.id));
      } else if (!k.destroy) {
        await t.db.insert(filterKeywords).values({ id: newId(), filterId: id, keyword: checkKeyword(k.keyword ?? ""), wholeWord: k.wholeWord ?? true });
      }
    }
  });
  return getFilter(ctx, ownerId, id);
}

export async function deleteFilter(ctx: DomainContext, ownerId: string, id: string): Promise<void> {
  await getFilter(ctx, ownerId, id);
  await changing(ctx, ownerId, (t) => t.db.delete(filters).where(eq(filters.id, id)));
}

// ── keywords and statuses of one filter ──

export async function addKeyword(ctx: DomainContext, ownerId: string, filterId: string, input: KeywordInput): Promise<FilterKeyword> {
  const current = await getFilter(ctx, ownerId, filterId);
  if (current.keywords.length >= MAX_KEYWORDS) throw new Invalid(`Validation failed: A filter holds at most ${MAX_KEYWORDS} keywords`);
  const keyword = checkKeyword(input.keyword ?? "");
  return changing(ctx, ownerId, async (t) => {
    const [row] = await t.db.insert(filterKeywords).values({ id: newId(), filterId, keyword, wholeWord: input.wholeWord ?? true }).returning();
    return row;
  });
}

/** A keyword of one of the owner's filters, with that filter. */
export async function getKeyword(ctx: DomainContext, ownerId: string, id: string): Promise<{ keyword: FilterKeyword; filter: Filter }> {
  const [row] = await ctx.db
    .select({ keyword: filterKeywords, filter: filters })
    .from(filterKeywords)
    .innerJoin(filters, eq(filters.id, filterKeywords.filterId))
    .where(and(eq(filterKeywords.id, id), eq(filters.accountId, ownerId)));
  if (!row) throw new NotFound();
  return row;
}

export async function updateKeyword(ctx: DomainContext, ownerId: string, id: string, input: KeywordInput): Promise<FilterKeyword> {
  await getKeyword(ctx, ownerId, id);
  const set: Partial<typeof filterKeywords.$inferInsert> = {};
  if (input.keyword !== undefined) set.keyword = checkKeyword(input.keyword);
  if (input.wholeWord !== undefined) set.wholeWord = input.wholeWord;
  await changing(ctx, ownerId, async (t) => {
    if (Object.keys(set).length) await t.db.update(filterKeywords).set(set).where(eq(filterKeywords.id, id));
  });
  return (await getKeyword(ctx, ownerId, id)).keyword;
}

export async function deleteKeyword(ctx: DomainContext, ownerId: string, id: string): Promise<void> {
  await getKeyword(ctx, ownerId, id);
  await changing(ctx, ownerId, (t) => t.db.delete(filterKeywords).where(eq(filterKeywords.id, id)));
}

/** Filters a status the owner can see; filtering the same status twice keeps one row. */
export async function addFilterStatus(ctx: DomainContext, ownerId: string, filterId: string, statusId: string): Promise<FilterStatus> {
  await getFilter(ctx, ownerId, filterId);
  await getVisibleStatus(ctx, statusId, ownerId).catch(() => {
    throw new Invalid("Validation failed: Status is not available");
  });
  return changing(ctx, ownerId, async (t) => {
    await t.db.insert(filterStatuses).values({ id: newId(), filterId, statusId }).onConflictDoNothing();
    const [row] = await t.db.select().from(filterStatuses).where(and(eq(filterStatuses.filterId, filterId), eq(filterStatuses.statusId, statusId)));
    return row;
  });
}

export async function getFilterStatus(ctx: DomainContext, ownerId: string, id: string): Promise<FilterStatus> {
  const [row] = await ctx.db
    .select({ fs: filterStatuses })
    .from(filterStatuses)
    .innerJoin(filters, eq(filters.id, filterStatuses.filterId))
    .where(and(eq(filterStatuses.id, id), eq(filters.accountId, ownerId)));
  if (!row) throw new NotFound();
  return row.fs;
}

export async function deleteFilterStatus(ctx: DomainContext, ownerId: string, id: string): Promise<void> {
  await getFilterStatus(ctx, ownerId, id);
  await changing(ctx, ownerId, (t) => t.db.delete(filterStatuses).where(eq(filterStatuses.id, id)));
}

// ── v1 filters: one per keyword ──

export interface V1Filter {
  keyword: FilterKeyword;
  filter: Filter;
}

export async function listV1Filters(ctx: DomainContext, ownerId: string): Promise<V1Filter[]> {
  return ctx.db
    .select({ keyword: filterKeywords, filter: filters })
    .from(filterKeywords)
    .innerJoin(filters, eq(filters.id, filterKeywords.filterId))
    .where(eq(filters.accountId, ownerId))
    .orderBy(asc(filterKeywords.id));
}

export interface V1Input {
  phrase?: string;
  context?: FilterContext[];
  irreversible?: boolean;
  wholeWord?: boolean;
  expiresIn?: number | null;
}

/** A v1 filter is a v2 filter titled by its one keyword, as Mastodon migrates them. */
export async function createV1Filter(ctx: DomainContext, ownerId: string, input: V1Input): Promise<V1Filter> {
  const phrase = checkKeyword(input.phrase ?? "");
  const full = await createFilter(ctx, ownerId, {
    title: phrase,
    context: input.context ?? [],
    action: input.irreversible ? "hide" : "warn",
    expiresIn: input.expiresIn ?? null,
    keywords: [{ keyword: phrase, wholeWord: input.wholeWord ?? true }],
  });
  return { keyword: full.keywords[0], filter: full.filter };
}

/** Changes the keyword; the filter's context, action and expiry change for all its keywords. */
export async function updateV1Filter(ctx: DomainContext, ownerId: string, keywordId: string, input: V1Input): Promise<V1Filter> {
  const { filter } = await getKeyword(ctx, ownerId, keywordId);
  await updateFilter(ctx, ownerId, filter.id, {
    context: input.context,
    action: input.irreversible === undefined ? undefined : input.irreversible ? "hide" : "warn",
    expiresIn: input.expiresIn,
    keywords: [{ id: keywordId, keyword: input.phrase, wholeWord: input.wholeWord }],
  });
  return getKeyword(ctx, ownerId, keywordId);
}

/** Removes the keyword, and its filter when nothing else is left in it. */
export async function deleteV1Filter(ctx: DomainContext, ownerId: string, keywordId: string): Promise<void> {
  const { filter } = await getKeyword(ctx, ownerId, keywordId);
  const full = await getFilter(ctx, ownerId, filter.id);
  if (full.keywords.length === 1 && full.statuses.length === 0) await deleteFilter(ctx, ownerId, filter.id);
  else await deleteKeyword(ctx, ownerId, keywordId);
}

// ── applying filters ──

export interface FilterMatch {
  filter: FullFilter;
  keywordMatches: string[] | null;
  statusMatches: string[] | null;
}

export interface FilterVerdict {
  /** ids of the statuses given that a "hide" filter removes */
  hidden: Set<string>;
  /** "warn" matches (and "hide" ones, for callers that show them) by the id of the status given */
  matches: Map<string, FilterMatch[]>;
}

/** The viewer's filters in force in a context. */
export async function activeFilters(ctx: DomainContext, viewerId: string, context: FilterContext): Promise<FullFilter[]> {
  const rows = await ctx.db
    .select()
    .from(filters)
    .where(
      and(
        eq(filters.accountId, viewerId),
        sql`${filters.context} @> ${JSON.stringify([context])}::jsonb`,
        or(isNull(filters.expiresAt), gt(filters.expiresAt, new Date())),
      ),
    )
    .orderBy(asc(filters.id));
  return withParts(ctx, rows);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** As Mastodon: a whole-word keyword must not touch a letter, digit or underscore at an end that is one itself. */
export function keywordPattern(keyword: string, wholeWord: boolean): RegExp {
  const word = /^[\p{L}\p{N}_]/u;
  const escaped = escapeRegExp(keyword);
  if (!wholeWord) return new RegExp(escaped, "iu");
  const before = word.test(keyword) ? "(?<![\\p{L}\\p{N}_])" : "";
  const after = /[\p{L}\p{N}_]$/u.test(keyword) ? "(?![\\p{L}\\p{N}_])" : "";
  return new RegExp(`${before}${escaped}${after}`, "iu");
}

/** The text a keyword is looked for in: the content, its warning, and media descriptions. */
function searchableText(s: Pick<Status, "content" | "spoilerText">, descriptions: string[]): string {
  return [s.spoilerText, htmlToText(s.content), ...descriptions].join("\n");
}

/** Matches statuses (already loaded, with what reblogs share) against filters; one's own posts are never filtered. */
export function matchFilters(
  filtersInForce: FullFilter[],
  viewerId: string,
  items: { id: string; target: Pick<Status, "id" | "accountId" | "content" | "spoilerText">; descriptions?: string[] }[],
): FilterVerdict {
  const verdict: FilterVerdict = { hidden: new Set(), matches: new Map() };
  if (filtersInForce.length === 0) return verdict;
  const compiled = filtersInForce.map((f) => ({ f, patterns: f.keywords.map((k) => ({ k, re: keywordPattern(k.keyword, k.wholeWord) })) }));
  for (const { id, target, descriptions } of items) {
    if (target.accountId === viewerId) continue;
    const text = searchableText(target, descriptions ?? []);
    const found: FilterMatch[] = [];
    for (const { f, patterns } of compiled) {
      const keywordMatches = patterns.filter((p) => p.re.test(text)).map((p) => p.k.keyword);
      const statusMatches = f.statuses.filter((s) => s.statusId === target.id).map((s) => s.statusId);
      if (keywordMatches.length === 0 && statusMatches.length === 0) continue;
      found.push({ filter: f, keywordMatches: keywordMatches.length ? keywordMatches : null, statusMatches: statusMatches.length ? statusMatches : null });
    }
    if (found.length === 0) continue;
    verdict.matches.set(id, found);
    if (found.some((m) => m.filter.filter.action === "hide")) verdict.hidden.add(id);
  }
  return verdict;
}

/**
 * Applies the viewer's filters of a context to statuses (a reblog is judged by
 * what it shares). What the streaming module calls for each status it sends.
 */
export async function applyFilters(ctx: DomainContext, viewerId: string | null, context: FilterContext, rows: Status[]): Promise<FilterVerdict> {
  if (!viewerId || rows.length === 0) return { hidden: new Set(), matches: new Map() };
  const inForce = await activeFilters(ctx, viewerId, context);
  if (inForce.length === 0) return { hidden: new Set(), matches: new Map() };
  return matchFilters(inForce, viewerId, await filterTargets(ctx, rows));
}

/** What filters look at for each status: what a reblog shares, and its media descriptions. */
async function filterTargets(ctx: DomainContext, rows: Status[]) {
  const reblogIds = [...new Set(rows.map((r) => r.reblogOfId).filter((x): x is string => Boolean(x)))];
  const originals = reblogIds.length ? await ctx.db.select().from(statuses).where(inArray(statuses.id, reblogIds)) : [];
  const byId = new Map(originals.map((o) => [o.id, o]));
  const targets = rows.map((r) => ({ id: r.id, target: (r.reblogOfId && byId.get(r.reblogOfId)) || r }));
  const ids = [...new Set(targets.map((t) => t.target.id))];
  const media = await ctx.db
    .select({ statusId: mediaAttachments.statusId, description: mediaAttachments.description })
    .from(mediaAttachments)
    .where(and(inArray(mediaAttachments.statusId, ids), isNotNull(mediaAttachments.description)));
  const descriptions = new Map<string, string[]>();
  for (const m of media) {
    if (!m.statusId || !m.description) continue;
    descriptions.set(m.statusId, [...(descriptions.get(m.statusId) ?? []), m.description]);
  }
  return targets.map((t) => ({ ...t, descriptions: descriptions.get(t.target.id) }));
}

/**
 * The residents whose "hide" filters of a context remove this status: the live
 * streams do not send it to them. Looked for among `candidates`, or among every
 * resident with such a filter when null (the public and hashtag streams).
 */
export async function viewersHiding(ctx: DomainContext, context: FilterContext, status: Status, candidates: string[] | null): Promise<Set<string>> {
  const out = new Set<string>();
  if (candidates && candidates.length === 0) return out;
  const rows = await ctx.db
    .select()
    .from(filters)
    .where(
      and(
        candidates ? inArray(filters.accountId, candidates) : undefined,
        eq(filters.action, "hide"),
        sql`${filters.context} @> ${JSON.stringify([context])}::jsonb`,
        or(isNull(filters.expiresAt), gt(filters.expiresAt, new Date())),
      ),
    )
    .orderBy(asc(filters.id));
  if (rows.length === 0) return out;
  const byOwner = new Map<string, FullFilter[]>();
  for (const f of await withParts(ctx, rows)) byOwner.set(f.filter.accountId, [...(byOwner.get(f.filter.accountId) ?? []), f]);
  const items = await filterTargets(ctx, [status]);
  for (const [owner, inForce] of byOwner) {
    if (matchFilters(inForce, owner, items).hidden.has(status.id)) out.add(owner);
  }
  return out;
}

/** Whether one status is filtered for a viewer in a context (streaming: drop it, or attach the matches). */
export async function filterStatusFor(ctx: DomainContext, viewerId: string, context: FilterContext, status: Status): Promise<{ hidden: boolean; matches: FilterMatch[] }> {
  const verdict = await applyFilters(ctx, viewerId, context, [status]);
  return { hidden: verdict.hidden.has(status.id), matches: verdict.matches.get(status.id) ?? [] };
}
