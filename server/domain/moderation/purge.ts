// A suspended resident's data is deleted once the grace period
// (PARVIS_SUSPENSION_GRACE_DAYS) has passed without an unsuspension, as
// Mastodon does: the same deletion as a resident's own (accounts/deletion.ts),
// which publishes "account.deleted" (Delete(Person) to followers' servers).
// The state is the suspension date in the database, so this is durable: the
// periodic jobs (server/jobs.ts) take up whatever is due after a restart, and
// two workers never purge one account twice (the deletion claims the login row).
import { and, eq, isNotNull, isNull, lte } from "drizzle-orm";
import { accounts, users } from "../../db/schema";
import { NotFound } from "../../errors";
import type { DomainContext } from "../context";
import { purgeLocalAccount } from "../account-deletion/deletion";

const DAY_MS = 86_400_000;

/** When a suspension that started at `suspendedAt` ends in deletion. */
export function purgeDueAt(ctx: DomainContext, suspendedAt: Date): Date {
  return new Date(suspendedAt.getTime() + ctx.config.suspensionGraceDays * DAY_MS);
}

/** Deletes the residents whose suspension outlived the grace period; returns their account ids. */
export async function purgeExpiredSuspensions(ctx: DomainContext, now = new Date(), limit = 20): Promise<string[]> {
  const cutoff = new Date(now.getTime() - ctx.config.suspensionGraceDays * DAY_MS);
  const due = await ctx.db
    .select({ userId: users.id, accountId: accounts.id })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(and(isNull(accounts.domain), isNotNull(accounts.suspendedAt), lte(accounts.suspendedAt, cutoff)))
    .limit(limit);
  const purged: string[] = [];
  for (const row of due) {
    try {
      await purgeLocalAccount(ctx, row.userId);
      purged.push(row.accountId);
    } catch (err) {
      // another worker took it first
      if (!(err instanceof NotFound)) throw err;
    }
  }
  return purged;
}
