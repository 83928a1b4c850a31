// A resident's export requests and the durable job that builds them. The row
// is the job: "queued" rows are claimed by a worker (FOR UPDATE SKIP LOCKED,
// so two workers never build the same one), which keeps a lease while it
// writes. A process that dies mid-archive leaves its row "running" with a
// lease that runs out; the next run claims it again and starts the archive
// over (a half-written ZIP is worthless). Finished archives expire.
import { mkdir, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { and, desc, eq, inArray, lt, or } from "drizzle-orm";
import { dataExports } from "../../db/schema";
import { NotFound, TooManyRequests } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { writeArchive } from "./archive";
import { ZipTooLarge } from "./zip";

export type DataExport = typeof dataExports.$inferSelect;

/** How long a worker's claim lasts without news from it. */
export const EXPORT_LEASE_MS = 2 * 60_000;
/** Attempts before an export is marked failed. */
export const EXPORT_MAX_ATTEMPTS = 3;
/** A new archive may be asked for once a day. */
export const EXPORT_INTERVAL_MS = 24 * 3_600_000;

export function exportsDir(ctx: DomainContext): string {
  return join(ctx.config.dataDir, "exports");
}

export function exportFilePath(ctx: DomainContext, id: string): string {
  return join(exportsDir(ctx), `${id}.zip`);
}

async function removeFile(path: string): Promise<void> {
  await unlink(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "ENOENT") throw e;
  });
}

/** The resident's latest export, whatever its state. */
export async function latestExport(ctx: DomainContext, accountId: string): Promise<DataExport | null> {
  const [row] = await ctx.db.select().from(dataExports).where(eq(dataExports.accountId, accountId)).orderBy(desc(dataExports.id)).limit(1);
  return row ?? null;
}

/**
 * Asks for a new archive. One in progress is returned as is; a finished one
 * younger than a day refuses a new request (building one is costly); an older
 * one is replaced (its file goes).
 */
export async function requestExport(ctx: DomainContext, accountId: string, now = new Date()): Promise<DataExport> {
  return ctx.db.transaction(async (tx) => {
    const previous = await tx.select().from(dataExports).where(eq(dataExports.accountId, accountId)).for("update");
    const pending = previous.find((r) => r.state === "queued" || r.state === "running");
    if (pending) return pending;
    const recent = previous.find((r) => r.state === "ready" && now.getTime() - r.createdAt.getTime() < EXPORT_INTERVAL_MS);
    if (recent) throw new TooManyRequests("An archive was already made today: download it, or ask again tomorrow");
    for (const r of previous) await removeFile(exportFilePath({ ...ctx, db: tx }, r.id));
    if (previous.length) await tx.delete(dataExports).where(eq(dataExports.accountId, accountId));
    const [row] = await tx.insert(dataExports).values({ id: newId(), accountId, createdAt: now }).returning();
    return row;
  });
}

/** Takes one export to build: a queued one, or a running one whose worker went silent. */
async function claimExport(ctx: DomainContext, now: Date): Promise<DataExport | null> {
  for (;;) {
    const claimed = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(dataExports)
        .where(or(eq(dataExports.state, "queued"), and(eq(dataExports.state, "running"), lt(dataExports.leaseUntil, now))))
        .orderBy(dataExports.id)
        .limit(1)
        .for("update", { skipLocked: true });
      if (!row) return null;
      if (row.attempts >= EXPORT_MAX_ATTEMPTS) {
        // interrupted too often (an archive that kills its worker): given up, look for the next
        await tx
          .update(dataExports)
          .set({ state: "failed", leaseUntil: null, finishedAt: now, error: row.error ?? "interrupted too many times" })
          .where(eq(dataExports.id, row.id));
        return "again" as const;
      }
      const [taken] = await tx
        .update(dataExports)
        .set({ state: "running", attempts: row.attempts + 1, leaseUntil: new Date(now.getTime() + EXPORT_LEASE_MS), step: "", done: 0, total: 0 })
        .where(eq(dataExports.id, row.id))
        .returning();
      return taken;
    });
    if (claimed !== "again") return claimed;
  }
}

export interface ExportRunOutcome {
  built: string[];
  failed: string[];
}

/**
 * Builds the exports waiting (at most `limit`). `clock` is read for each
 * lease renewal (tests move it).
 */
export async function runExports(ctx: DomainContext, now = new Date(), limit = 5, clock: () => Date = () => new Date()): Promise<ExportRunOutcome> {
  const outcome: ExportRunOutcome = { built: [], failed: [] };
  for (let i = 0; i < limit; i++) {
    const job = await claimExport(ctx, now);
    if (!job) break;
    const final = exportFilePath(ctx, job.id);
    const partial = `${final}.part`;
    await mkdir(exportsDir(ctx), { recursive: true });
    let lastWrite = 0;
    try {
      const size = await writeArchive(ctx, job.accountId, partial, async (step, done, total) => {
        const t = clock().getTime();
        // the progress row doubles as the lease: renewed at most once a second
        if (t - lastWrite < 1000 && done < total) return;
        lastWrite = t;
        await ctx.db
          .update(dataExports)
          .set({ step, done, total, leaseUntil: new Date(t + EXPORT_LEASE_MS) })
          .where(and(eq(dataExports.id, job.id), eq(dataExports.state, "running")));
      });
      await rename(partial, final);
      const finished = clock();
      await ctx.db
        .update(dataExports)
        .set({ state: "ready", size, leaseUntil: null, finishedAt: finished, expiresAt: new Date(finished.getTime() + ctx.config.dataRights.exportTtlMs), error: null })
        .where(eq(dataExports.id, job.id));
      outcome.built.push(job.id);
    } catch (error) {
      await removeFile(partial);
      const message = error instanceof Error ? error.message : String(error);
      // an archive too large for ZIP, or an account gone, will not do better next time
      const last = job.attempts >= EXPORT_MAX_ATTEMPTS || error instanceof ZipTooLarge || error instanceof NotFound;
      await ctx.db
        .update(dataExports)
        .set(last ? { state: "failed", leaseUntil: null, finishedAt: clock(), error: message } : { state: "queued", leaseUntil: null, error: message })
        .where(eq(dataExports.id, job.id));
      outcome.failed.push(job.id);
    }
  }
  return outcome;
}

/** Deletes archives past their expiry (file and row), and failed requests older than the same delay. */
export async function expireExports(ctx: DomainContext, now = new Date()): Promise<number> {
  const ttl = ctx.config.dataRights.exportTtlMs;
  const rows = await ctx.db
    .select({ id: dataExports.id })
    .from(dataExports)
    .where(or(and(eq(dataExports.state, "ready"), lt(dataExports.expiresAt, now)), and(eq(dataExports.state, "failed"), lt(dataExports.createdAt, new Date(now.getTime() - ttl)))));
  for (const r of rows) await removeFile(exportFilePath(ctx, r.id));
  if (rows.length) await ctx.db.delete(dataExports).where(inArray(dataExports.id, rows.map((r) => r.id)));
  return rows.length;
}

/** The path of the resident's ready archive, or null (none, not ready, expired, or its file gone). */
export async function readyExportFile(ctx: DomainContext, accountId: string, now = new Date()): Promise<{ path: string; row: DataExport } | null> {
  const row = await latestExport(ctx, accountId);
  if (!row || row.state !== "ready" || (row.expiresAt && row.expiresAt < now)) return null;
  const path = exportFilePath(ctx, row.id);
  const info = await stat(path).catch(() => null);
  return info?.isFile() ? { path, row } : null;
}

/** Removes every archive of an account (its deletion). */
export async function removeAccountExports(ctx: DomainContext, accountId: string): Promise<void> {
  const rows = await ctx.db.delete(dataExports).where(eq(dataExports.accountId, accountId)).returning({ id: dataExports.id });
  for (const r of rows) {
    await removeFile(exportFilePath(ctx, r.id));
    await removeFile(`${exportFilePath(ctx, r.id)}.part`);
  }
}

