// Imports of Mastodon's CSV exports (follows, blocks, mutes, bookmarks). The
// upload is split into lines stored at once (a line that cannot be read is
// recorded as failed there and then, never failing the file); a durable job
// then resolves each pending line, remote accounts through federation's
// resolver (the one search's resolve=true uses), and applies it as the API
// would. The lines are the job's state: a restart takes up the pending ones.
import { and, asc, count, desc, eq, inArray, isNull, lt, notInArray, or, sql } from "drizzle-orm";
import { accounts, bookmarks, dataImportRows, dataImports, follows, blocks, mutes, statuses, type DataImportType } from "../../db/schema";
import { DomainError, Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import type { Account } from "../accounts/local";
import { findAccountByAcct, getAccount } from "../accounts/local";
import { block, unblock } from "../blocks/blocks";
import { mute, unmute } from "../blocks/mutes";
import type { DomainContext } from "../context";
import { parseCsv } from "../export/csv";
import { follow, unfollow } from "../follows/follows";
import { bookmark } from "../interactions/bookmarks";

export type DataImport = typeof dataImports.$inferSelect;
export type DataImportRow = typeof dataImportRows.$inferSelect;
export const IMPORT_TYPES = ["following", "blocks", "mutes", "bookmarks"] as const;
/** Mastodon's own limit on an imported file's lines. */
export const MAX_IMPORT_ROWS = 20_000;
export const IMPORT_LEASE_MS = 2 * 60_000;
/** A run works one import at most this long, then leaves it to the next run (other residents wait too). */
const IMPORT_SLICE_MS = 20_000;

const ADDRESS = /^@?([a-z0-9_]{1,64})@([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?)$/i;
const HEADERS = new Set(["account address", "#uri", "#domain"]);

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value.trim() === "") return fallback;
  return value.trim().toLowerCase() === "true";
}

interface ParsedLine {
  line: number;
  target: string;
  options: Record<string, unknown>;
  error: string | null;
}

/** Reads one record; what cannot be used is marked invalid, with what could be read of it. */
function readLine(type: DataImportType, line: number, fields: string[], broken: boolean): ParsedLine {
  const first = (fields[0] ?? "").trim();
  const target = first.slice(0, 2048).replace(/\u0000/g, "");
  if (broken || first.includes("\u0000")) return { line, target, options: {}, error: "invalid" };
  if (type === "bookmarks") {
    let ok = false;
    try {
      const url = new URL(first);
      ok = (url.protocol === "https:" || url.protocol === "http:") && first.length <= 2048;
    } catch {
      ok = false;
    }
    return { line, target, options: {}, error: ok ? null : "invalid" };
  }
  if (!ADDRESS.test(first)) return { line, target, options: {}, error: "invalid" };
  const options: Record<string, unknown> =
    type === "following"
      ? {
          reblogs: bool(fields[1], true),
          notify: bool(fields[2], false),
          languages: (fields[3] ?? "").split(",").map((l) => l.trim()).filter((l) => /^[a-z]{2,3}$/i.test(l)),
        }
      : type === "mutes"
        ? { notifications: bool(fields[1], true) }
        : {};
  return { line, target: first.replace(/^@/, ""), options, error: null };
}

/** Splits an uploaded file into lines and records them; the job does the rest. */
export async function createImport(
  ctx: DomainContext,
  accountId: string,
  input: { type: DataImportType; mode: "merge" | "overwrite"; file: Buffer },
): Promise<DataImport> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(input.file);
  } catch {
    throw new Invalid("The file is not UTF-8 text");
  }
  const records = parseCsv(text);
  // Mastodon's files have a header line for some types, none for others: skip it when present
  if (records.length && HEADERS.has((records[0].fields[0] ?? "").trim().toLowerCase())) records.shift();
  if (records.length === 0) throw new Invalid("The file has no lines to import");
  if (records.length > MAX_IMPORT_ROWS) throw new Invalid(`The file has more than ${MAX_IMPORT_ROWS} lines`);
  const lines = records.map((r) => readLine(input.type, r.line, r.fields, Boolean(r.error)));
  const invalid = lines.filter((l) => l.error).length;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(dataImports)
      .values({
        id: newId(),
        accountId,
        type: input.type,
        mode: input.mode,
        total: lines.length,
        processed: invalid,
        failed: invalid,
        state: invalid === lines.length ? "ready" : "queued",
        finishedAt: invalid === lines.length ? new Date() : null,
      })
      .returning();
    for (let i = 0; i < lines.length; i += 1000) {
      await tx.insert(dataImportRows).values(
        lines.slice(i, i + 1000).map((l) => ({
          importId: row.id,
          line: l.line,
          target: l.target,
          options: l.options,
          state: l.error ? ("error" as const) : ("pending" as const),
          error: l.error,
        })),
      );
    }
    return row;
  });
}

export async function listImports(ctx: DomainContext, accountId: string, limit = 20): Promise<DataImport[]> {
  return ctx.db.select().from(dataImports).where(eq(dataImports.accountId, accountId)).orderBy(desc(dataImports.id)).limit(limit);
}

/** One of the resident's imports with its lines (the failed ones first when asked). */
export async function getImport(
  ctx: DomainContext,
  accountId: string,
  id: string,
  options: { limit?: number; afterLine?: number; failedOnly?: boolean } = {},
): Promise<{ import: DataImport; rows: DataImportRow[] }> {
  const [row] = await ctx.db.select().from(dataImports).where(and(eq(dataImports.id, id), eq(dataImports.accountId, accountId)));
  if (!row) throw new NotFound();
  const rows = await ctx.db
    .select()
    .from(dataImportRows)
    .where(
      and(
        eq(dataImportRows.importId, id),
        options.afterLine ? sql`${dataImportRows.line} > ${options.afterLine}` : undefined,
        options.failedOnly ? eq(dataImportRows.state, "error") : undefined,
      ),
    )
    .orderBy(asc(dataImportRows.line))
    .limit(options.limit ?? 100);
  return { import: row, rows };
}

async function claimImport(ctx: DomainContext, now: Date): Promise<DataImport | null> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(dataImports)
      .where(or(eq(dataImports.state, "queued"), and(eq(dataImports.state, "running"), or(isNull(dataImports.leaseUntil), lt(dataImports.leaseUntil, now)))))
      .orderBy(asc(dataImports.id))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!row) return null;
    const [claimed] = await tx
      .update(dataImports)
      .set({ state: "running", leaseUntil: new Date(now.getTime() + IMPORT_LEASE_MS) })
      .where(eq(dataImports.id, row.id))
      .returning();
    return claimed;
  });
}

/** The account an address names, fetched from its server when unknown here. */
async function resolveAccount(ctx: DomainContext, address: string): Promise<Account | null> {
  const known = await findAccountByAcct(ctx, address);
  if (known) return known;
  const [username, domain] = address.split("@");
  if (domain.toLowerCase() === ctx.config.domain || !ctx.resolveRemoteAccount) return null;
  return ctx.resolveRemoteAccount(username, domain.toLowerCase()).catch(() => null);
}

/** The status a bookmark's URL names: a known one by id or page URL, else fetched. */
async function resolveStatus(ctx: DomainContext, url: string): Promise<string | null> {
  const [known] = await ctx.db
    .select({ id: statuses.id })
    .from(statuses)
    .where(or(eq(statuses.uri, url), eq(statuses.url, url)))
    .limit(1);
  if (known) return known.id;
  if (!ctx.resolveRemoteUrl) return null;
  const found = await ctx.resolveRemoteUrl(url).catch(() => null);
  return found?.statusId ?? null;
}

/** Applies one line; returns the id it resolved to, or the reason it failed. */
async function applyLine(ctx: DomainContext, me: Account, type: DataImportType, row: DataImportRow): Promise<{ id: string } | { error: string }> {
  try {
    if (type === "bookmarks") {
      const statusId = await resolveStatus(ctx, row.target);
      if (!statusId) return { error: "not_found" };
      await bookmark(ctx, me.id, statusId);
      return { id: statusId };
    }
    const target = await resolveAccount(ctx, row.target);
    if (!target || target.suspendedAt) return { error: "not_found" };
    if (target.id === me.id) return { error: "self" };
    const o = row.options as { reblogs?: boolean; notify?: boolean; notifications?: boolean };
    if (type === "following") await follow(ctx, me, target, { reblogs: o.reblogs, notify: o.notify });
    else if (type === "blocks") await block(ctx, me.id, target.id);
    else await mute(ctx, me.id, target.id, { notifications: o.notifications });
    return { id: target.id };
  } catch (error) {
    if (error instanceof NotFound) return { error: "not_found" };
    if (error instanceof DomainError) return { error: "forbidden" };
    throw error;
  }
}

/**
 * Overwrite mode, once every line was worked: what the file did not list goes.
 * An account the file lists but that could not be reached this time is kept.
 */
async function removeUnlisted(ctx: DomainContext, me: Account, imp: DataImport): Promise<void> {
  const rows = await ctx.db
    .select({ id: dataImportRows.resolvedId, target: dataImportRows.target, state: dataImportRows.state })
    .from(dataImportRows)
    .where(eq(dataImportRows.importId, imp.id));
  const keptIds = new Set(rows.filter((r) => r.state === "done" && r.id).map((r) => r.id!));
  const listed = new Set(rows.map((r) => r.target.toLowerCase()));
  if (imp.type === "bookmarks") {
    const ids = [...keptIds];
    await ctx.db.delete(bookmarks).where(and(eq(bookmarks.accountId, me.id), ids.length ? notInArray(bookmarks.statusId, ids) : undefined));
    return;
  }
  const table = imp.type === "following" ? follows : imp.type === "blocks" ? blocks : mutes;
  const current = await ctx.db
    .select({ id: accounts.id, username: accounts.username, domain: accounts.domain })
    .from(table)
    .innerJoin(accounts, eq(accounts.id, table.targetAccountId))
    .where(eq(table.accountId, me.id));
  for (const a of current) {
    if (keptIds.has(a.id) || listed.has(`${a.username}@${a.domain ?? ctx.config.domain}`.toLowerCase())) continue;
    if (imp.type === "following") await unfollow(ctx, me.id, a.id);
    else if (imp.type === "blocks") await unblock(ctx, me.id, a.id);
    else await unmute(ctx, me.id, a.id);
  }
}

/** An import of at least this many lines is bulk work: the tables' statistics are refreshed when it ends. */
export const BULK_IMPORT_LINES = 200;

/** The lines of these imports, all together (to tell whether they were bulk work). */
export async function importedLines(ctx: DomainContext, importIds: string[]): Promise<number> {
  if (importIds.length === 0) return 0;
  const [row] = await ctx.db.select({ n: sql<number>`coalesce(sum(${dataImports.total}), 0)::int` }).from(dataImports).where(inArray(dataImports.id, importIds));
  return Number(row?.n ?? 0);
}

/**
 * Works the pending imports: each for at most a slice of time, its lines in
 * order. `clock` is read for the slice and the lease (tests move it).
 */
export async function runImports(ctx: DomainContext, now = new Date(), limit = 5, clock: () => Date = () => new Date()): Promise<string[]> {
  const finished: string[] = [];
  for (let i = 0; i < limit; i++) {
    const imp = await claimImport(ctx, now);
    if (!imp) break;
    const started = clock().getTime();
    let me: Account;
    try {
      me = await getAccount(ctx, imp.accountId);
    } catch {
      await ctx.db.update(dataImports).set({ state: "failed", leaseUntil: null, finishedAt: clock() }).where(eq(dataImports.id, imp.id));
      continue;
    }
    let more = true;
    while (more && clock().getTime() - started < IMPORT_SLICE_MS) {
      const batch = await ctx.db
        .select()
        .from(dataImportRows)
        .where(and(eq(dataImportRows.importId, imp.id), eq(dataImportRows.state, "pending")))
        .orderBy(asc(dataImportRows.line))
        .limit(20);
      if (batch.length === 0) {
        more = false;
        break;
      }
      for (const row of batch) {
        const result = await applyLine(ctx, me, imp.type, row);
        const ok = "id" in result;
        await ctx.db
          .update(dataImportRows)
          .set(ok ? { state: "done", resolvedId: result.id, error: null } : { state: "error", error: result.error })
          .where(and(eq(dataImportRows.importId, imp.id), eq(dataImportRows.line, row.line)));
        await ctx.db
          .update(dataImports)
          .set({
            processed: sql`${dataImports.processed} + 1`,
            failed: ok ? dataImports.failed : sql`${dataImports.failed} + 1`,
            leaseUntil: new Date(clock().getTime() + IMPORT_LEASE_MS),
          })
          .where(eq(dataImports.id, imp.id));
      }
    }
    if (more) {
      // the slice is over: the next run goes on (the lease is let go at once)
      await ctx.db.update(dataImports).set({ leaseUntil: new Date(0) }).where(eq(dataImports.id, imp.id));
      continue;
    }
    if (imp.mode === "overwrite") await removeUnlisted(ctx, me, imp);
    const [{ n }] = await ctx.db.select({ n: count() }).from(dataImportRows).where(and(eq(dataImportRows.importId, imp.id), eq(dataImportRows.state, "error")));
    await ctx.db.update(dataImports).set({ state: "ready", failed: n, leaseUntil: null, finishedAt: clock() }).where(eq(dataImports.id, imp.id));
    finished.push(imp.id);
  }
  return finished;
}

