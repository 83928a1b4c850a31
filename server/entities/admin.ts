// Rows → Mastodon's admin entities (Admin::Account, Admin::Report,
// Admin::DomainBlock, Admin::DomainAllow), and Parvis's moderation notes and
// account actions. Only staff ever receive these.
import { createHash } from "node:crypto";
import type { AccountAction, ModerationNote, Report, StaffAccountView } from "../domain/moderation";
import type { DomainPolicy } from "../domain/domains";
import type { AccountView } from "../domain/accounts";
import { serializeAccounts, type AccountEntity } from "./account";
import type { StatusEntity } from "./status";

export interface AdminAccountEntity {
  id: string;
  username: string;
  domain: string | null;
  created_at: string;
  email: string | null;
  ip: null;
  ips: never[];
  locale: string | null;
  invite_request: string | null;
  role: { id: string; name: string } | null;
  confirmed: boolean;
  approved: boolean;
  disabled: boolean;
  silenced: boolean;
  suspended: boolean;
  sensitized: boolean;
  account: AccountEntity;
}

const ROLE_IDS = { admin: "3", moderator: "2", resident: "-99" } as const;

/** `accountViews[i]` is the loaded account view of `views[i]` (loadAccountViews) */
export function serializeAdminAccounts(origin: string, views: StaffAccountView[], accountViews: AccountView[]): AdminAccountEntity[] {
  const entities = serializeAccounts(origin, accountViews);
  return views.map(({ account, user }, i) => ({
    id: account.id,
    username: account.username,
    domain: account.domain,
    created_at: (user?.createdAt ?? account.createdAt).toISOString(),
    email: user?.email ?? null,
    ip: null,
    ips: [],
    locale: user?.locale ?? null,
    invite_request: user?.registrationReason ?? null,
    role: user ? { id: ROLE_IDS[user.role], name: user.role } : null,
    confirmed: true,
    approved: user?.approved ?? true,
    disabled: Boolean(user?.disabledAt),
    silenced: Boolean(account.silencedAt),
    suspended: Boolean(account.suspendedAt),
    sensitized: Boolean(account.sensitizedAt),
    account: entities[i],
  }));
}

export function serializeAdminAccount(origin: string, view: StaffAccountView, accountView: AccountView): AdminAccountEntity {
  return serializeAdminAccounts(origin, [view], [accountView])[0];
}

export interface RuleEntity {
  id: string;
  text: string;
  hint: string;
}

export function serializeAdminReport(
  report: Report,
  accounts: Map<string, AdminAccountEntity>,
  statuses: StatusEntity[],
  rules: RuleEntity[],
) {
  const byId = (id: string | null) => (id ? (accounts.get(id) ?? null) : null);
  return {
    id: report.id,
    action_taken: report.actionTakenAt !== null,
    action_taken_at: report.actionTakenAt?.toISOString() ?? null,
    category: report.category,
    comment: report.comment,
    forwarded: report.forwarded,
    created_at: report.createdAt.toISOString(),
    updated_at: report.updatedAt.toISOString(),
    account: byId(report.accountId),
    target_account: byId(report.targetAccountId),
    assigned_account: byId(report.assignedAccountId),
    action_taken_by_account: byId(report.actionTakenByAccountId),
    statuses,
    rules: rules.filter((r) => report.ruleIds.includes(r.id)),
    // Parvis: the ActivityPub id of the Flag it came as (null for a resident's report)
    parvis: { uri: report.uri },
  };
}

/** Mastodon's Report entity, as the reporter receives it. */
export function serializeReport(report: Report, target: AccountEntity) {
  return {
    id: report.id,
    action_taken: report.actionTakenAt !== null,
    action_taken_at: report.actionTakenAt?.toISOString() ?? null,
    category: report.category,
    comment: report.comment,
    forwarded: report.forwarded,
    created_at: report.createdAt.toISOString(),
    status_ids: report.statusIds,
    rule_ids: report.ruleIds,
    target_account: target,
  };
}

export function serializeNote(note: ModerationNote, authors: Map<string, AdminAccountEntity>) {
  return {
    id: note.id,
    content: note.content,
    created_at: note.createdAt.toISOString(),
    account: note.authorAccountId ? (authors.get(note.authorAccountId) ?? null) : null,
  };
}

export function serializeAccountAction(action: AccountAction) {
  return {
    id: action.id,
    action: action.action,
    text: action.text,
    report_id: action.reportId,
    rule_ids: action.ruleIds,
    by_account_id: action.byAccountId,
    created_at: action.createdAt.toISOString(),
  };
}

const digest = (domain: string) => createHash("sha256").update(domain).digest("hex");

/** Admin::DomainBlock; the domain is the id (domain policies are keyed by it). */
export function serializeDomainBlock(p: DomainPolicy) {
  return {
    id: p.domain,
    domain: p.domain,
    digest: digest(p.domain),
    created_at: p.createdAt.toISOString(),
    severity: p.policy === "silence" ? "silence" : "suspend",
    reject_media: false,
    reject_reports: false,
    private_comment: p.privateComment || null,
    public_comment: p.reason || null,
    obfuscate: false,
  };
}

/** Admin::DomainAllow */
export function serializeDomainAllow(p: DomainPolicy) {
  return { id: p.domain, domain: p.domain, created_at: p.createdAt.toISOString() };
}
