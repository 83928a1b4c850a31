// Moderation actions on accounts (Mastodon's admin account actions) and their
// lifting. applyAccountAction and liftAccountAction are the only places where
// an account is silenced, marked sensitive, disabled or suspended by staff, so
// the public moderation log is written from here (one call each). What each
// action means elsewhere:
//   silence   accounts.silenced_at: posts out of public timelines, tag timelines and trends (./visibility.ts)
//   sensitive accounts.sensitized_at: media of its posts marked sensitive (server/entities/status.ts)
//   disable   users.disabled_at: login and tokens refused, content still visible (local accounts only)
//   suspend   accounts.suspended_at: login and tokens refused at once, content and profile hidden;
//             a local account is deleted after the grace period (./purge.ts)
import { desc, eq, inArray } from "drizzle-orm";
import { accountActions, accounts, instanceRules, reports, users, type AccountActionKind, type Role } from "../../db/schema";
import { Forbidden, Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { stripHtml } from "../content/sanitize";
import { writeAndPublish } from "../event-journal";
import { resolveReport } from "./reports";
import { appendLogEntry, type LogAction } from "./log";

/** The public moderation log's name for each action ("none" is a warning: nothing to publish). */
const LOGGED_ACTIONS: Record<ActionType, LogAction | null> = {
  none: null,
  sensitive: "account_sensitive",
  disable: "account_disabled",
  silence: "account_silenced",
  suspend: "account_suspended",
};

export type AccountAction = typeof accountActions.$inferSelect;
export const ACTION_TYPES = ["none", "sensitive", "disable", "silence", "suspend"] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export const LIFT_TYPES = ["unsensitive", "enable", "unsilence", "unsuspend"] as const;
export type LiftType = (typeof LIFT_TYPES)[number];

export const MAX_ACTION_TEXT = 5000;

/** Who acts: a staff member, or the admin command line (`accountId: null`, role admin). */
export interface Moderator {
  accountId: string | null;
  role: Role;
}

/** The admin CLI (server/cli/admin.ts): acts as an admin without an account. */
export const COMMAND_LINE: Moderator = { accountId: null, role: "admin" };

export interface AccountActionInput {
  targetAccountId: string;
  type: ActionType;
  /** the reason, as the moderator wrote it */
  text?: string;
  /** the report this action answers: resolved with it */
  reportId?: string | null;
  /** the instance rules broken */
  ruleIds?: string[];
}

async function loadTarget(ctx: DomainContext, accountId: string) {
  const [row] = await ctx.db.select({ account: accounts, user: users }).from(accounts).leftJoin(users, eq(users.accountId, accounts.id)).where(eq(accounts.id, accountId));
  if (!row) throw new NotFound("Record not found");
  // a local account without its login is a deleted one: nothing left to act on
  if (row.account.domain === null && !row.user) throw new NotFound("Record not found");
  return row;
}

/**
 * Staff act on residents, and admins on moderators too; nobody acts on
 * themselves or on an admin, except from the command line (whoever runs it
 * holds the server anyway).
 */
function checkPermission(by: Moderator, targetAccountId: string, targetRole: Role | null): void {
  if (by.accountId === null) return;
  if (by.accountId === targetAccountId) throw new Forbidden("You cannot moderate your own account");
  if (targetRole === "admin") throw new Forbidden("Admins cannot be moderated here");
  if (targetRole === "moderator" && by.role !== "admin") throw new Forbidden("Only an admin may act on a moderator");
}

export async function applyAccountAction(ctx: DomainContext, by: Moderator, input: AccountActionInput): Promise<AccountAction> {
  const { account, user } = await loadTarget(ctx, input.targetAccountId);
  checkPermission(by, account.id, user?.role ?? null);
  if (input.type === "disable" && !user) throw new Invalid("Validation failed: only local accounts can be disabled", { type: "ERR_INVALID" });
  if (input.reportId) {
    const [report] = await ctx.db.select({ targetAccountId: reports.targetAccountId }).from(reports).where(eq(reports.id, input.reportId));
    if (!report || report.targetAccountId !== account.id) throw new Invalid("Validation failed: the report is not about this account", { report_id: "ERR_INVALID" });
  }
  const ruleIds = [...new Set(input.ruleIds ?? [])];
  if (ruleIds.length) {
    const found = await ctx.db.select({ id: instanceRules.id }).from(instanceRules).where(inArray(instanceRules.id, ruleIds));
    if (found.length !== ruleIds.length) throw new Invalid("Validation failed: unknown rule", { rule_ids: "ERR_INVALID" });
  }
  const text = stripHtml((input.text ?? "").slice(0, MAX_ACTION_TEXT));
  const now = new Date();
  const action = await writeAndPublish(ctx, async (tx, record) => {
    const txCtx = { ...ctx, db: tx };
    if (input.type === "silence") await tx.update(accounts).set({ silencedAt: now, updatedAt: now }).where(eq(accounts.id, account.id));
    if (input.type === "sensitive") await tx.update(accounts).set({ sensitizedAt: now, updatedAt: now }).where(eq(accounts.id, account.id));
    if (input.type === "suspend") await tx.update(accounts).set({ suspendedAt: now, updatedAt: now }).where(eq(accounts.id, account.id));
    if (input.type === "disable") await tx.update(users).set({ disabledAt: now }).where(eq(users.id, user!.id));
    const [row] = await tx
      .insert(accountActions)
      .values({ id: newId(), targetAccountId: account.id, action: input.type, text, reportId: input.reportId ?? null, ruleIds, byAccountId: by.accountId })
      .returning();
    if (input.reportId) await resolveReport(txCtx, input.reportId, by);
    const logged = LOGGED_ACTIONS[input.type];
    if (logged) {
      await appendLogEntry(txCtx, {
        action: logged,
        target: { type: "account", id: account.id },
        ruleIds,
        publicReason: text,
        actorRole: by.role === "admin" ? "admin" : "moderator",
        staffAccountId: by.accountId,
      });
    }
    await record("account.moderated", { actionId: row.id, accountId: account.id, action: input.type, local: account.domain === null, reportId: input.reportId ?? null });
    // the account cache and the streams learn of it
    if (input.type !== "none" && input.type !== "disable") await record("account.updated", { accountId: account.id, local: account.domain === null }, { durable: false });
    return row;
  });
  // open streams of a disabled or suspended resident close at once (their tokens already fail)
  if (user && (input.type === "disable" || input.type === "suspend")) ctx.events.emit("tokens.revoked", { userId: user.id, tokenIds: null });
  return action;
}

export interface LiftInput {
  targetAccountId: string;
  type: LiftType;
  text?: string;
}

/** Undoes an action. Lifting what is not in force is refused (422), nothing recorded. */
export async function liftAccountAction(ctx: DomainContext, by: Moderator, input: LiftInput): Promise<AccountAction> {
  const { account, user } = await loadTarget(ctx, input.targetAccountId);
  checkPermission(by, account.id, user?.role ?? null);
  const inForce: Record<LiftType, boolean> = {
    unsilence: Boolean(account.silencedAt),
    unsensitive: Boolean(account.sensitizedAt),
    unsuspend: Boolean(account.suspendedAt),
    enable: Boolean(user?.disabledAt),
  };
  if (!inForce[input.type]) throw new Invalid(`Validation failed: nothing to ${input.type === "enable" ? "enable" : input.type.slice(2)}`, { type: "ERR_INVALID" });
  const text = stripHtml((input.text ?? "").slice(0, MAX_ACTION_TEXT));
  return writeAndPublish(ctx, async (tx, record) => {
    const now = new Date();
    if (input.type === "unsilence") await tx.update(accounts).set({ silencedAt: null, updatedAt: now }).where(eq(accounts.id, account.id));
    if (input.type === "unsensitive") await tx.update(accounts).set({ sensitizedAt: null, updatedAt: now }).where(eq(accounts.id, account.id));
    if (input.type === "unsuspend") await tx.update(accounts).set({ suspendedAt: null, updatedAt: now }).where(eq(accounts.id, account.id));
    if (input.type === "enable") await tx.update(users).set({ disabledAt: null }).where(eq(users.id, user!.id));
    const [row] = await tx
      .insert(accountActions)
      .values({ id: newId(), targetAccountId: account.id, action: input.type as AccountActionKind, text, byAccountId: by.accountId })
      .returning();
    await appendLogEntry(
      { ...ctx, db: tx },
      {
        action: "action_lifted",
        target: { type: "account", id: account.id },
        publicReason: text,
        actorRole: by.role === "admin" ? "admin" : "moderator",
        staffAccountId: by.accountId,
      },
    );
    await record("account.moderated", { actionId: row.id, accountId: account.id, action: input.type, local: account.domain === null, reportId: null });
    if (input.type !== "enable") await record("account.updated", { accountId: account.id, local: account.domain === null }, { durable: false });
    return row;
  });
}

/** An account's moderation history, newest first. */
export async function accountActionHistory(ctx: DomainContext, accountId: string, limit = 100): Promise<AccountAction[]> {
  return ctx.db.select().from(accountActions).where(eq(accountActions.targetAccountId, accountId)).orderBy(desc(accountActions.id)).limit(limit);
}

/** The actions taken in answer to one report. */
export async function actionsForReport(ctx: DomainContext, reportId: string): Promise<AccountAction[]> {
  return ctx.db.select().from(accountActions).where(eq(accountActions.reportId, reportId)).orderBy(desc(accountActions.id));
}
