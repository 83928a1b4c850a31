// The public moderation log: every moderation action writes one entry, append
// only. Each entry's hash covers the previous entry's hash and its own canonical
// content, and the head is signed with the instance actor's key, so that an edited,
// removed or inserted entry shows (docs/adr/0021-tamper-evident-moderation-log.md).
import { randomBytes } from "node:crypto";
import { and, asc, desc, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import { accounts, instanceRules, moderationLog, statuses } from "../../db/schema";
import type { DbOrTx } from "../../db/open";
import { Invalid } from "../../errors";
import { isId } from "../../ids";
import type { DomainContext } from "../context";
import { finishPage, pageQuery, type PageParams } from "../pagination";
import { chainHash, contentHash, GENESIS_HASH } from "./canonical";
import { checkSignature, signHash, type SignatureCheck } from "./log-signature";

export const LOG_ACTIONS = [
  "report_resolved",
  "status_removed",
  "account_silenced",
  "account_suspended",
  "account_sensitive",
  "account_disabled",
  "action_lifted",
  "domain_blocked",
  "domain_allowed",
  "domain_unblocked",
  "domain_unallowed",
  "rule_added",
  "rule_changed",
  "rule_removed",
  "charter_changed",
  "group_removal",
  "group_deleted",
] as const;
export type LogAction = (typeof LOG_ACTIONS)[number];

export const LOG_ACTOR_ROLES = ["admin", "moderator", "group_moderator"] as const;
export type LogActorRole = (typeof LOG_ACTOR_ROLES)[number];

export const LOG_TARGET_TYPES = ["account", "status", "domain", "group", "rule", "report", "charter"] as const;
export type LogTargetType = (typeof LOG_TARGET_TYPES)[number];

export interface LogEntryInput {
  action: LogAction;
  /** id of the account, status, group, rule or report; a domain name for domains; the charter's SHA-256 (hex) for the charter */
  target: { type: LogTargetType; id: string };
  /** the charter rules the action enforces (instance_rules ids) */
  ruleIds?: string[];
  /** the reason written for the public (never the staff note) */
  publicReason?: string;
  actorRole: LogActorRole;
  /** who acted: kept for staff, outside the published and hashed content */
  staffAccountId?: string | null;
}

export type LogEntry = typeof moderationLog.$inferSelect;

export const MAX_PUBLIC_REASON = 2000;
const MAX_RULES = 20;

/** Key of the advisory lock appends take turns on (any constant bigint; this one spells "parvis-m"). */
const LOG_LOCK = 0x7061727669732d6dn.toString();

function validate(input: LogEntryInput): void {
  if (!LOG_ACTIONS.includes(input.action)) throw new Invalid(`Unknown moderation log action: ${String(input.action)}`);
  if (!LOG_ACTOR_ROLES.includes(input.actorRole)) throw new Invalid(`Unknown moderation role: ${String(input.actorRole)}`);
  if (!input.target || !LOG_TARGET_TYPES.includes(input.target.type)) throw new Invalid("Unknown moderation log target type");
  const id = input.target.id;
  if (typeof id !== "string" || id.length === 0 || id.length > 253 || /[\u0000-\u001f]/.test(id)) {
    throw new Invalid("A moderation log target needs an id");
  }
  if (input.target.type === "charter" ? !/^[0-9a-f]{64}$/.test(id) : input.target.type !== "domain" && !isId(id)) {
    throw new Invalid("A moderation log target id must be an id");
  }
  const rules = input.ruleIds ?? [];
  if (rules.length > MAX_RULES || !rules.every((r) => typeof r === "string" && isId(r))) throw new Invalid("Rule ids must be ids");
  const reason = input.publicReason ?? "";
  if (typeof reason !== "string" || reason.length > MAX_PUBLIC_REASON || reason.includes("\u0000")) {
    throw new Invalid(`The public reason must be text of at most ${MAX_PUBLIC_REASON} characters`);
  }
}

/** Whether the target belongs to this instance: local names are the ones an admin may anonymise. */
async function isLocalTarget(db: DbOrTx, type: LogTargetType, id: string): Promise<boolean> {
  if (type === "domain") return false;
  if (type === "charter") return true;
  if (type === "account") {
    const [row] = await db.select({ domain: accounts.domain }).from(accounts).where(eq(accounts.id, id));
    // an unknown account (already purged) is treated as local: the safer side for anonymity
    return row ? row.domain === null : true;
  }
  if (type === "status") {
    const [row] = await db.select({ local: statuses.local }).from(statuses).where(eq(statuses.id, id));
    return row ? row.local : true;
  }
  return true;
}

/**
 * Appends one entry. Appends take turns on an advisory lock for the length of
 * their transaction, so two at once never chain to the same previous entry (and
 * the unique prev_hash and seq would refuse it if they did). Inside a caller's
 * transaction the entry commits or rolls back with the action it records.
 */
export async function appendLogEntry(ctx: DomainContext, input: LogEntryInput): Promise<LogEntry> {
  validate(input);
  const ruleIds = [...new Set(input.ruleIds ?? [])].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  const run = async (tx: DbOrTx): Promise<LogEntry> => {
    await tx.execute(sql`select pg_advisory_xact_lock(${LOG_LOCK})`);
    const targetLocal = await isLocalTarget(tx, input.target.type, input.target.id);
    const [head] = await tx
      .select({ seq: moderationLog.seq, hash: moderationLog.hash })
      .from(moderationLog)
      .orderBy(desc(moderationLog.seq))
      .limit(1);
    const fields = {
      seq: (head?.seq ?? 0) + 1,
      // whole milliseconds: what a JavaScript Date and the ISO text in the content hold
      createdAt: new Date(),
      action: input.action,
      targetType: input.target.type,
      targetId: input.target.id,
      targetLocal,
      ruleIds,
      publicReason: (input.publicReason ?? "").trim(),
      actorRole: input.actorRole,
      nonce: randomBytes(16).toString("hex"),
    };
    const prevHash = head?.hash ?? GENESIS_HASH;
    const content = contentHash(fields);
    const hash = chainHash(prevHash, content);
    const [row] = await tx
      .insert(moderationLog)
      .values({
        ...fields,
        contentHash: content,
        prevHash,
        hash,
        signature: await signHash(tx, hash),
        staffAccountId: input.staffAccountId ?? null,
      })
      .returning();
    return row;
  };
  return ctx.db instanceof PgTransaction ? run(ctx.db) : ctx.db.transaction(run);
}

export interface LogFilter {
  action?: LogAction;
  ruleId?: string;
}

export interface LogEntryView {
  entry: LogEntry;
  /** what the target is called now: "user" / "user@domain", a domain, a rule's text; null once gone */
  targetLabel: string | null;
  /** rule ids with their current text (null: the rule was removed since) */
  rules: { id: string; text: string | null }[];
}

function filterWhere(filter: LogFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.action) where.push(eq(moderationLog.action, filter.action));
  if (filter.ruleId) where.push(sql`${moderationLog.ruleIds} @> ${JSON.stringify([filter.ruleId])}::jsonb`);
  return where;
}

/** Entries newest first, Mastodon-paginated on seq, with what their targets and rules are called. */
export async function listLogEntries(ctx: DomainContext, page: PageParams, filter: LogFilter = {}): Promise<LogEntryView[]> {
  const q = pageQuery(moderationLog.seq, page);
  const where = [...filterWhere(filter), ...(q.where ? [q.where] : [])];
  const rows = finishPage(
    await ctx.db
      .select()
      .from(moderationLog)
      .where(where.length ? and(...where) : undefined)
      .orderBy(q.orderBy)
      .limit(page.limit),
    q,
  );
  return describeEntries(ctx, rows);
}

async function describeEntries(ctx: DomainContext, rows: LogEntry[]): Promise<LogEntryView[]> {
  const idsOf = (type: LogTargetType) => [...new Set(rows.filter((r) => r.targetType === type).map((r) => r.targetId))];
  const accountIds = idsOf("account");
  const statusIds = idsOf("status");
  const ruleIds = [...new Set([...rows.flatMap((r) => r.ruleIds), ...idsOf("rule")])];
  const [accountRows, statusRows, ruleRows] = await Promise.all([
    accountIds.length
      ? ctx.db.select({ id: accounts.id, username: accounts.username, domain: accounts.domain }).from(accounts).where(inArray(accounts.id, accountIds))
      : [],
    statusIds.length
      ? ctx.db
          .select({ id: statuses.id, username: accounts.username, domain: accounts.domain })
          .from(statuses)
          .innerJoin(accounts, eq(accounts.id, statuses.accountId))
          .where(inArray(statuses.id, statusIds))
      : [],
    ruleIds.length ? ctx.db.select({ id: instanceRules.id, text: instanceRules.text }).from(instanceRules).where(inArray(instanceRules.id, ruleIds)) : [],
  ]);
  const acct = (a: { username: string; domain: string | null }) => (a.domain ? `${a.username}@${a.domain}` : a.username);
  const accountLabels = new Map(accountRows.map((a) => [a.id, acct(a)]));
  const statusLabels = new Map(statusRows.map((s) => [s.id, acct(s)]));
  const ruleTexts = new Map(ruleRows.map((r) => [r.id, r.text]));
  return rows.map((entry) => {
    let targetLabel: string | null = null;
    if (entry.targetType === "account") targetLabel = accountLabels.get(entry.targetId) ?? null;
    else if (entry.targetType === "status") targetLabel = statusLabels.get(entry.targetId) ?? null;
    else if (entry.targetType === "domain") targetLabel = entry.targetId;
    else if (entry.targetType === "rule") targetLabel = ruleTexts.get(entry.targetId) ?? null;
    return { entry, targetLabel, rules: entry.ruleIds.map((id) => ({ id, text: ruleTexts.get(id) ?? null })) };
  });
}

/** The latest entry's position, hash and signature (what a neighbour keeps to notice a rewritten history). */
export async function logHead(ctx: DomainContext): Promise<{ seq: number; hash: string; signature: string } | null> {
  const [row] = await ctx.db
    .select({ seq: moderationLog.seq, hash: moderationLog.hash, signature: moderationLog.signature })
    .from(moderationLog)
    .orderBy(desc(moderationLog.seq))
    .limit(1);
  return row ?? null;
}

export async function countLogEntries(ctx: DomainContext): Promise<number> {
  const [row] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(moderationLog);
  return Number(row?.n ?? 0);
}

export type BrokenLinkReason = "seq" | "prev_hash" | "content_hash" | "hash";

export interface LogVerification {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string } | null;
  /** the first entry that does not hold, and what is wrong with it */
  firstBroken: { seq: number; reason: BrokenLinkReason } | null;
  /** the head's signature by the instance actor's key; "empty" when there is no entry */
  signature: SignatureCheck | "empty";
}

const VERIFY_BATCH = 500;

/** Recomputes the whole chain from the first entry, in batches, and checks the head's signature. */
export async function verifyLog(ctx: DomainContext): Promise<LogVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let last: LogEntry | null = null;
  let firstBroken: LogVerification["firstBroken"] = null;
  let entries = 0;
  for (;;) {
    const batch = await ctx.db
      .select()
      .from(moderationLog)
      .where(last ? gt(moderationLog.seq, last.seq) : undefined)
      .orderBy(asc(moderationLog.seq))
      .limit(VERIFY_BATCH);
    for (const row of batch) {
      entries++;
      if (!firstBroken) {
        const reason: BrokenLinkReason | null =
          row.seq !== expectedSeq
            ? "seq"
            : row.prevHash !== prevHash
              ? "prev_hash"
              : row.contentHash !== contentHash(row)
                ? "content_hash"
                : row.hash !== chainHash(row.prevHash, row.contentHash)
                  ? "hash"
                  : null;
        // a gap is reported at the entry after it, the first one that no longer holds
        if (reason) firstBroken = { seq: row.seq, reason };
      }
      expectedSeq = row.seq + 1;
      prevHash = row.hash;
      last = row;
    }
    if (batch.length < VERIFY_BATCH) break;
  }
  const signature = last ? await checkSignature(ctx.db, last.hash, last.signature) : "empty";
  return {
    ok: !firstBroken && (signature === "valid" || signature === "empty"),
    entries,
    head: last ? { seq: last.seq, hash: last.hash } : null,
    firstBroken,
    signature,
  };
}

export { instancePublicKeyPem } from "./log-signature";
export { canonicalJson, chainHash, contentHash, entryContent, GENESIS_HASH } from "./canonical";
