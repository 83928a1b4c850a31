// Moderation changes that exist outside the moderation concept (charter rules,
// domain policies), each made together with its public log entry in one
// transaction: no change without its entry, no entry without its change. The API
// and the admin CLI both go through these.
import { PgTransaction } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../db/open";
import { Invalid, NotFound } from "../../errors";
import type { DomainContext } from "../context";
import { invalidateDomainPolicyCache, listDomainPolicies, normalizeDomain, removeDomainPolicy, setDomainPolicy, type DomainPolicy } from "../domains/policies";
import { createHash } from "node:crypto";
import { addRule, getSettings, listRules, removeRule, setSetting, updateRule } from "../instance/settings";
import { appendLogEntry, type LogActorRole } from "./log";

export interface Actor {
  role: LogActorRole;
  /** kept for staff only; null from the CLI */
  staffAccountId: string | null;
}

type Rule = Awaited<ReturnType<typeof addRule>>;

/** Runs `work` in the caller's transaction, or in a new one: a log entry commits with its change. */
export async function inTransaction<T>(ctx: DomainContext, work: (tx: DomainContext) => Promise<T>): Promise<T> {
  if (ctx.db instanceof PgTransaction) return work(ctx);
  return ctx.db.transaction((db: DbOrTx) => work({ ...ctx, db }));
}

/** Rule ids cited by an action must name rules that exist. */
export async function checkRuleIds(ctx: DomainContext, ids: string[] | undefined): Promise<string[]> {
  if (!ids?.length) return [];
  const known = new Set((await listRules(ctx)).map((r) => r.id));
  const unknown = ids.find((id) => !known.has(id));
  if (unknown) throw new Invalid(`Validation failed: unknown rule ${unknown}`);
  return [...new Set(ids)];
}

// A rule's entry cites the rule, and its public reason defaults to the rule's
// text: once a rule is removed its row is gone, and the log still says what it was.

export async function addRuleLogged(ctx: DomainContext, input: { text: string; hint?: string; reason?: string }, actor: Actor): Promise<Rule> {
  return inTransaction(ctx, async (tx) => {
    const rule = await addRule(tx, input.text, input.hint ?? "");
    await appendLogEntry(tx, {
      action: "rule_added",
      target: { type: "rule", id: rule.id },
      ruleIds: [rule.id],
      publicReason: input.reason?.trim() || rule.text,
      actorRole: actor.role,
      staffAccountId: actor.staffAccountId,
    });
    return rule;
  });
}

export async function updateRuleLogged(ctx: DomainContext, id: string, change: { text?: string; hint?: string; reason?: string }, actor: Actor): Promise<Rule> {
  if (!(await listRules(ctx)).some((r) => r.id === id)) throw new NotFound();
  return inTransaction(ctx, async (tx) => {
    const rule = await updateRule(tx, id, change);
    await appendLogEntry(tx, {
      action: "rule_changed",
      target: { type: "rule", id },
      ruleIds: [id],
      publicReason: change.reason?.trim() || rule.text,
      actorRole: actor.role,
      staffAccountId: actor.staffAccountId,
    });
    return rule;
  });
}

export async function removeRuleLogged(ctx: DomainContext, id: string, reason: string | undefined, actor: Actor): Promise<void> {
  const rule = (await listRules(ctx)).find((r) => r.id === id);
  if (!rule) throw new NotFound();
  await inTransaction(ctx, async (tx) => {
    await removeRule(tx, id);
    await appendLogEntry(tx, {
      action: "rule_removed",
      target: { type: "rule", id },
      publicReason: reason?.trim() || rule.text,
      actorRole: actor.role,
      staffAccountId: actor.staffAccountId,
    });
  });
}

export interface DomainPolicyChange {
  domain: string;
  policy: "allow" | "block" | "silence";
  /** the policy's reason (Mastodon's public comment on a domain block) */
  reason?: string;
  /** staff only (Mastodon's private comment); unchanged when absent */
  privateComment?: string;
  /** what the public log says; the reason when absent */
  publicReason?: string;
  ruleIds?: string[];
}

export async function setDomainPolicyLogged(ctx: DomainContext, change: DomainPolicyChange, actor: Actor): Promise<DomainPolicy> {
  const ruleIds = await checkRuleIds(ctx, change.ruleIds);
  const policy = await inTransaction(ctx, async (tx) => {
    const p = await setDomainPolicy(tx, change.domain, change.policy, change.reason ?? "", change.privateComment);
    await appendLogEntry(tx, {
      // a silenced domain is blocked from public timelines: a block of lesser severity
      action: p.policy === "allow" ? "domain_allowed" : "domain_blocked",
      target: { type: "domain", id: p.domain },
      ruleIds,
      publicReason: change.publicReason ?? p.reason,
      actorRole: actor.role,
      staffAccountId: actor.staffAccountId,
    });
    return p;
  });
  // the policy cache is kept per database handle: the transaction's is not the one readers use
  invalidateDomainPolicyCache(ctx);
  return policy;
}

export async function removeDomainPolicyLogged(ctx: DomainContext, domain: string, reason: string | undefined, actor: Actor): Promise<void> {
  const normalized = normalizeDomain(domain);
  const existing = (await listDomainPolicies(ctx)).find((p) => p.domain === normalized);
  if (!existing) throw new NotFound();
  await inTransaction(ctx, async (tx) => {
    await removeDomainPolicy(tx, normalized);
    await appendLogEntry(tx, {
      action: existing.policy === "allow" ? "domain_unallowed" : "domain_unblocked",
      target: { type: "domain", id: normalized },
      publicReason: reason?.trim() ?? "",
      actorRole: actor.role,
      staffAccountId: actor.staffAccountId,
    });
  });
  invalidateDomainPolicyCache(ctx);
}

/**
 * A new charter: the entry's target is the SHA-256 (hex) of its UTF-8 text, so the
 * log pins which text was in force from when. Saving the same text logs nothing.
 */
export async function setCharterLogged(ctx: DomainContext, charter: string, reason: string | undefined, actor: Actor): Promise<void> {
  if ((await getSettings(ctx)).charter === charter) return;
  await inTransaction(ctx, async (tx) => {
    await setSetting(tx, "charter", charter);
    await appendLogEntry(tx, {
      action: "charter_changed",
      target: { type: "charter", id: createHash("sha256").update(charter, "utf8").digest("hex") },
      publicReason: reason?.trim() ?? "",
      actorRole: actor.role,
      staffAccountId: actor.staffAccountId,
    });
  });
}
