// Staff notes on an account or a report: what moderators tell each other.
// Never shown to residents, never federated, never in the public log.
import { asc, eq } from "drizzle-orm";
import { accounts, moderationNotes, reports } from "../../db/schema";
import { Forbidden, NotFound } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import type { Moderator } from "./actions";

export type ModerationNote = typeof moderationNotes.$inferSelect;
export type NoteSubject = { accountId: string } | { reportId: string };

export const MAX_NOTE_LENGTH = 2000;

async function checkSubject(ctx: DomainContext, subject: NoteSubject): Promise<void> {
  const rows =
    "accountId" in subject
      ? await ctx.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, subject.accountId))
      : await ctx.db.select({ id: reports.id }).from(reports).where(eq(reports.id, subject.reportId));
  if (rows.length === 0) throw new NotFound("Record not found");
}

const column = (subject: NoteSubject) =>
  "accountId" in subject ? eq(moderationNotes.targetAccountId, subject.accountId) : eq(moderationNotes.reportId, subject.reportId);

/** Notes on an account or a report, oldest first (they read as a conversation). */
export async function listNotes(ctx: DomainContext, subject: NoteSubject): Promise<ModerationNote[]> {
  await checkSubject(ctx, subject);
  return ctx.db.select().from(moderationNotes).where(column(subject)).orderBy(asc(moderationNotes.id));
}

/** `content` is plain text (validated non-empty and bounded at the edge). */
export async function addNote(ctx: DomainContext, by: Moderator, subject: NoteSubject, content: string): Promise<ModerationNote> {
  await checkSubject(ctx, subject);
  const [row] = await ctx.db
    .insert(moderationNotes)
    .values({
      id: newId(),
      targetAccountId: "accountId" in subject ? subject.accountId : null,
      reportId: "reportId" in subject ? subject.reportId : null,
      authorAccountId: by.accountId,
      content: content.slice(0, MAX_NOTE_LENGTH),
    })
    .returning();
  return row;
}

/** Its author or an admin deletes a note. */
export async function deleteNote(ctx: DomainContext, by: Moderator, subject: NoteSubject, noteId: string): Promise<void> {
  const [note] = await ctx.db.select().from(moderationNotes).where(eq(moderationNotes.id, noteId));
  const matches = note && ("accountId" in subject ? note.targetAccountId === subject.accountId : note.reportId === subject.reportId);
  if (!note || !matches) throw new NotFound("Record not found");
  if (note.authorAccountId !== by.accountId && by.role !== "admin") throw new Forbidden("Only its author or an admin may delete a note");
  await ctx.db.delete(moderationNotes).where(eq(moderationNotes.id, noteId));
}
