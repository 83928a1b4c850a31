// The commune's official announcements: written by admins, shown to every
// resident in every app (Mastodon's announcements), marked read one by one,
// with emoji reactions. An announcement shows once published (at once, or at a
// scheduled time) and until it ends (ends_at, or the admin ends it); starts_at
// and ends_at are also the dates of what it announces, as in Mastodon.
import { and, asc, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { announcementReactions, announcementReads, announcements } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import { localUrls } from "../../urls";
import type { DomainContext } from "../context";
import { sanitizePostHtml } from "../content/sanitize";
import { extractHashtags, renderPlainText } from "../content/text";

export type Announcement = typeof announcements.$inferSelect;

export const MAX_ANNOUNCEMENT_CHARS = 5000;
/** Distinct reactions on one announcement, as Mastodon. */
export const MAX_REACTIONS = 8;

export interface AnnouncementInput {
  text: string;
  startsAt?: Date | null;
  endsAt?: Date | null;
  allDay?: boolean;
  /** true: shown at once; a date: shown from then; false: a draft */
  publish?: boolean | Date;
}

function render(ctx: DomainContext, text: string): string {
  return sanitizePostHtml(renderPlainText(text, localUrls(ctx.config.origin).tagPage));
}

function checkInput(input: Partial<AnnouncementInput>): void {
  if (input.text !== undefined) {
    if (!input.text.trim()) throw new Invalid("Validation failed: Text can't be blank");
    if ([...input.text].length > MAX_ANNOUNCEMENT_CHARS) throw new Invalid(`Validation failed: Text is too long (maximum is ${MAX_ANNOUNCEMENT_CHARS} characters)`);
  }
  for (const [name, d] of [["Starts at", input.startsAt], ["Ends at", input.endsAt]] as const) {
    if (d && Number.isNaN(d.getTime())) throw new Invalid(`Validation failed: ${name} is not a valid date`);
  }
  if (input.publish instanceof Date && Number.isNaN(input.publish.getTime())) throw new Invalid("Validation failed: Scheduled at is not a valid date");
  if (input.startsAt && input.endsAt && input.endsAt.getTime() < input.startsAt.getTime()) {
    throw new Invalid("Validation failed: Ends at must be after starts at");
  }
}

function publishedAtOf(publish: boolean | Date | undefined, now: Date): Date | null {
  if (publish instanceof Date) return publish;
  return publish === false ? null : now;
}

/** Publishing again what is already out keeps its date. */
function keepIfPublished(current: Announcement, now: Date): Date {
  return current.publishedAt && current.publishedAt.getTime() <= now.getTime() ? current.publishedAt : now;
}

export async function createAnnouncement(ctx: DomainContext, input: AnnouncementInput, now = new Date()): Promise<Announcement> {
  checkInput(input);
  const [row] = await ctx.db
    .insert(announcements)
    .values({
      id: newId(now),
      text: input.text,
      content: render(ctx, input.text),
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null,
      allDay: Boolean(input.allDay),
      publishedAt: publishedAtOf(input.publish ?? true, now),
      // the same instant as an immediate publication: announcementsDue tells them apart
      updatedAt: now,
    })
    .returning();
  announceChange(ctx, null, row, now);
  return row;
}

/**
 * Tells open streams what residents now see: an announcement that shows (new,
 * published or edited) is sent again, one that stopped showing is withdrawn.
 * One scheduled for later is sent when its time comes (announcementsDue, run by the jobs).
 */
function announceChange(ctx: DomainContext, before: Announcement | null, after: Announcement | null, now: Date): void {
  const wasShown = before !== null && isShown(before, now);
  if (after && isShown(after, now)) ctx.events.emit("announcement.published", { announcementId: after.id });
  else if (wasShown) ctx.events.emit("announcement.deleted", { announcementId: before.id });
}

export async function getAnnouncement(ctx: DomainContext, id: string): Promise<Announcement> {
  const [row] = await ctx.db.select().from(announcements).where(eq(announcements.id, id));
  if (!row) throw new NotFound();
  return row;
}

export async function updateAnnouncement(ctx: DomainContext, id: string, input: Partial<AnnouncementInput>, now = new Date()): Promise<Announcement> {
  const current = await getAnnouncement(ctx, id);
  checkInput({
    ...input,
    startsAt: input.startsAt === undefined ? current.startsAt : input.startsAt,
    endsAt: input.endsAt === undefined ? current.endsAt : input.endsAt,
  });
  const [row] = await ctx.db
    .update(announcements)
    .set({
      ...(input.text !== undefined ? { text: input.text, content: render(ctx, input.text) } : {}),
      ...(input.startsAt !== undefined ? { startsAt: input.startsAt } : {}),
      ...(input.endsAt !== undefined ? { endsAt: input.endsAt } : {}),
      ...(input.allDay !== undefined ? { allDay: input.allDay } : {}),
      ...(input.publish !== undefined ? { publishedAt: publishedAtOf(input.publish, keepIfPublished(current, now)) } : {}),
      updatedAt: now,
    })
    .where(eq(announcements.id, id))
    .returning();
  announceChange(ctx, current, row, now);
  return row;
}

/** Ends it now: residents no longer see it. */
export async function endAnnouncement(ctx: DomainContext, id: string, now = new Date()): Promise<Announcement> {
  const current = await getAnnouncement(ctx, id);
  const [row] = await ctx.db.update(announcements).set({ endsAt: now, updatedAt: now }).where(eq(announcements.id, id)).returning();
  announceChange(ctx, current, row, now);
  return row;
}

export async function deleteAnnouncement(ctx: DomainContext, id: string): Promise<void> {
  const [removed] = await ctx.db.delete(announcements).where(eq(announcements.id, id)).returning();
  if (!removed) throw new NotFound();
  announceChange(ctx, removed, null, new Date());
}

/**
 * What started or stopped showing by the clock in (since, now]: announcements
 * scheduled for then, and ones whose end came. The jobs stream them. A date set
 * after the last write is the clock's doing; what the admin did at once (publish,
 * end) was streamed then (its date is not after updated_at).
 */
export async function announcementsDue(ctx: DomainContext, since: Date, now: Date): Promise<{ shown: string[]; ended: string[] }> {
  const from = since.toISOString();
  const to = now.toISOString();
  const [shownRows, endedRows] = await Promise.all([
    ctx.db
      .select({ id: announcements.id })
      .from(announcements)
      .where(and(sql`${announcements.publishedAt} > ${from}::timestamptz`, sql`${announcements.publishedAt} > ${announcements.updatedAt}`, shown(now))),
    ctx.db
      .select({ id: announcements.id })
      .from(announcements)
      .where(
        and(
          sql`${announcements.endsAt} > ${from}::timestamptz`,
          sql`${announcements.endsAt} <= ${to}::timestamptz`,
          sql`${announcements.endsAt} > ${announcements.updatedAt}`,
          sql`${announcements.publishedAt} <= ${announcements.endsAt}`,
        ),
      ),
  ]);
  return { shown: shownRows.map((r) => r.id), ended: endedRows.map((r) => r.id) };
}

/** Streams what announcementsDue found. */
export async function publishDueAnnouncements(ctx: DomainContext, since: Date, now: Date): Promise<number> {
  const due = await announcementsDue(ctx, since, now);
  for (const id of due.shown) ctx.events.emit("announcement.published", { announcementId: id });
  for (const id of due.ended) ctx.events.emit("announcement.deleted", { announcementId: id });
  return due.shown.length + due.ended.length;
}

/** Every announcement, newest first (admins). */
export async function allAnnouncements(ctx: DomainContext): Promise<Announcement[]> {
  return ctx.db.select().from(announcements).orderBy(desc(announcements.id)).limit(200);
}

/** Published and not ended, at `now` (SQL). */
function shown(now: Date) {
  return and(
    sql`${announcements.publishedAt} <= ${now.toISOString()}::timestamptz`,
    or(isNull(announcements.endsAt), sql`${announcements.endsAt} > ${now.toISOString()}::timestamptz`),
  );
}

export function isShown(a: Announcement, now = new Date()): boolean {
  return a.publishedAt !== null && a.publishedAt.getTime() <= now.getTime() && (a.endsAt === null || a.endsAt.getTime() > now.getTime());
}

/** What a resident sees: shown announcements, without the ones they dismissed unless asked. */
export async function announcementsFor(ctx: DomainContext, accountId: string, withDismissed: boolean, now = new Date()): Promise<Announcement[]> {
  return ctx.db
    .select()
    .from(announcements)
    .where(
      and(
        shown(now),
        withDismissed
          ? undefined
          : sql`not exists (select 1 from ${announcementReads} r where r.announcement_id = ${announcements.id} and r.account_id = ${accountId}::bigint)`,
      ),
    )
    .orderBy(asc(sql`coalesce(${announcements.startsAt}, ${announcements.publishedAt})`), asc(announcements.id));
}

/** A shown announcement, or NotFound (a draft, a scheduled or an ended one is not there for residents). */
async function shownAnnouncement(ctx: DomainContext, id: string): Promise<Announcement> {
  const [row] = await ctx.db.select().from(announcements).where(and(eq(announcements.id, id), shown(new Date())));
  if (!row) throw new NotFound();
  return row;
}

export async function dismissAnnouncement(ctx: DomainContext, accountId: string, id: string): Promise<void> {
  await shownAnnouncement(ctx, id);
  await ctx.db.insert(announcementReads).values({ announcementId: id, accountId }).onConflictDoNothing();
}

/** One emoji (with its modifiers and joiners), as Mastodon accepts for announcement reactions. */
const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|[0-9#*]\uFE0F?\u20E3)(?:\uFE0F|\p{Emoji_Modifier}|\u20E3|\u200D(?:\p{Extended_Pictographic}|\p{Emoji_Component}))*$/u;

export function isUnicodeEmoji(name: string): boolean {
  return name.length <= 32 && EMOJI.test(name);
}

export async function addReaction(ctx: DomainContext, accountId: string, id: string, name: string): Promise<void> {
  if (!isUnicodeEmoji(name)) throw new Invalid("Validation failed: Name is not a recognized emoji");
  await shownAnnouncement(ctx, id);
  await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select 1 from ${announcements} where id = ${id} for update`);
    const names = await tx.selectDistinct({ name: announcementReactions.name }).from(announcementReactions).where(eq(announcementReactions.announcementId, id));
    if (!names.some((n) => n.name === name) && names.length >= MAX_REACTIONS) {
      throw new Invalid(`Validation failed: An announcement can have at most ${MAX_REACTIONS} different reactions`);
    }
    await tx.insert(announcementReactions).values({ announcementId: id, accountId, name }).onConflictDoNothing();
  });
  await announceReactions(ctx, id, name);
}

/** Streams the new count of one reaction (announcement.reaction). */
async function announceReactions(ctx: DomainContext, id: string, name: string): Promise<void> {
  const [row] = await ctx.db
    .select({ count: sql<number>`count(*)::int` })
    .from(announcementReactions)
    .where(and(eq(announcementReactions.announcementId, id), eq(announcementReactions.name, name)));
  ctx.events.emit("announcement.reacted", { announcementId: id, name, count: Number(row?.count ?? 0) });
}

export async function removeReaction(ctx: DomainContext, accountId: string, id: string, name: string): Promise<void> {
  await shownAnnouncement(ctx, id);
  await ctx.db
    .delete(announcementReactions)
    .where(and(eq(announcementReactions.announcementId, id), eq(announcementReactions.accountId, accountId), eq(announcementReactions.name, name)));
  await announceReactions(ctx, id, name);
}

export interface AnnouncementExtras {
  read: Set<string>;
  /** by announcement id: reactions with their counts and whether the viewer made them */
  reactions: Map<string, { name: string; count: number; me: boolean }[]>;
}

export async function announcementExtras(ctx: DomainContext, ids: string[], accountId: string | null): Promise<AnnouncementExtras> {
  const out: AnnouncementExtras = { read: new Set(), reactions: new Map() };
  if (ids.length === 0) return out;
  const [reads, reactions] = await Promise.all([
    accountId
      ? ctx.db
          .select({ id: announcementReads.announcementId })
          .from(announcementReads)
          .where(and(inArray(announcementReads.announcementId, ids), eq(announcementReads.accountId, accountId)))
      : Promise.resolve([]),
    ctx.db
      .select({
        id: announcementReactions.announcementId,
        name: announcementReactions.name,
        count: sql<number>`count(*)::int`,
        me: sql<boolean>`bool_or(${announcementReactions.accountId} = ${accountId ?? "0"}::bigint)`,
      })
      .from(announcementReactions)
      .where(inArray(announcementReactions.announcementId, ids))
      .groupBy(announcementReactions.announcementId, announcementReactions.name)
      .orderBy(sql`min(${announcementReactions.createdAt})`),
  ]);
  for (const r of reads) out.read.add(r.id);
  for (const r of reactions) {
    const list = out.reactions.get(r.id) ?? [];
    list.push({ name: r.name, count: Number(r.count), me: Boolean(r.me) });
    out.reactions.set(r.id, list);
  }
  return out;
}

export function announcementTags(a: Announcement): string[] {
  return extractHashtags(a.text);
}
