// Moderation screens for staff (moderators and admins): the report queue, a
// report with the posts it names, an account with its history and notes, and
// the action dialog (type, charter rules, reason). Everything goes through
// Mastodon's admin API and Parvis's notes and history endpoints.
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { api, type AccountActionType, type AdminAccount, type AdminReport, type LiftVerb, type ModerationNote, type Rule } from "../api";
import { Avatar, EmptyState, ErrorNotice, FormError, Loading, PageTitle, RelativeTime, useErrorText } from "../components/common";
import { Dialog } from "../components/Dialog";
import { Status } from "../components/Status";
import { useI18n } from "../i18n/context";
import { displayName } from "../lib/format";
import { Link } from "../lib/router";
import type { ScreenProps } from "./props";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";
import "./Moderation.css";

export function useIsStaff(): boolean {
  const { account } = useSession();
  return account?.roles?.some((r) => r.name === "Admin" || r.name === "Moderator") ?? false;
}

function StaffOnly({ title }: { title: string }) {
  const { t } = useI18n();
  return (
    <>
      <PageTitle text={title} />
      <p>{t("moderation.staffOnly")}</p>
    </>
  );
}

function accountName(a: AdminAccount | null): string {
  if (!a) return "—";
  return a.domain ? `@${a.username}@${a.domain}` : `@${a.username}`;
}

// ── the queue ──

export function ModerationQueueScreen() {
  const { t } = useI18n();
  const staff = useIsStaff();
  const ids = useId();
  const [resolved, setResolved] = useState(false);
  const [reports, setReports] = useState<AdminReport[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setReports(null);
    setError(null);
    api.adminReports({ resolved }).then((page) => setReports(page.items), setError);
  }, [resolved]);
  useEffect(() => {
    if (staff) load();
  }, [staff, load]);
  if (!staff) return <StaffOnly title={t("moderation.queue")} />;

  return (
    <>
      <PageTitle text={t("moderation.queue")} />
      <fieldset className="radio-group moderation-filter">
        <legend>{t("moderation.show")}</legend>
        {([false, true] as const).map((value) => (
          <div key={String(value)} className="radio">
            <input type="radio" id={`${ids}-${value}`} name={`${ids}-resolved`} checked={resolved === value} onChange={() => setResolved(value)} />
            <label htmlFor={`${ids}-${value}`}>{value ? t("moderation.resolved") : t("moderation.open")}</label>
          </div>
        ))}
      </fieldset>
      {error ? <ErrorNotice error={error} onRetry={load} /> : null}
      {!reports && !error ? <Loading /> : null}
      {reports?.length === 0 ? <EmptyState>{resolved ? t("moderation.noResolved") : t("moderation.noOpen")}</EmptyState> : null}
      <ul className="moderation-list">
        {reports?.map((r) => (
          <li key={r.id} className="card">
            <p>
              <Link to={`/admin/reports/${r.id}`}>{t("moderation.reportAbout", { name: accountName(r.target_account) })}</Link>
            </p>
            <p className="moderation-meta">
              {t(`report.category_${r.category}`)} · {t("moderation.postsCount", { count: r.statuses.length })} · <RelativeTime value={r.created_at} />
              {r.assigned_account ? <> · {t("moderation.assignedTo", { name: accountName(r.assigned_account) })}</> : null}
            </p>
            {r.comment ? <p className="moderation-comment">{r.comment}</p> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

// ── one report ──

export function ReportScreen({ params }: ScreenProps) {
  const { t } = useI18n();
  const staff = useIsStaff();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const { account: me } = useSession();
  const id = params.id ?? "";
  const [report, setReport] = useState<AdminReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [acting, setActing] = useState(false);
  const load = useCallback(() => {
    setError(null);
    api.adminReport(id).then(setReport, setError);
  }, [id]);
  useEffect(() => {
    if (staff) load();
  }, [staff, load]);
  if (!staff) return <StaffOnly title={t("moderation.report")} />;
  if (error) return <ErrorNotice error={error} onRetry={load} />;
  if (!report) return <Loading />;

  const change = async (verb: "assign_to_self" | "unassign" | "resolve" | "reopen", done: string) => {
    try {
      setReport(await api.changeReport(report.id, verb));
      announce(done);
    } catch (e) {
      announce(errorText(e));
    }
  };
  const target = report.target_account;

  return (
    <>
      <PageTitle text={t("moderation.reportAbout", { name: accountName(target) })} />
      <section className="card moderation-summary">
        <dl>
          <dt>{t("moderation.state")}</dt>
          <dd>{report.action_taken ? t("moderation.resolved") : t("moderation.open")}</dd>
          <dt>{t("report.category")}</dt>
          <dd>{t(`report.category_${report.category}`)}</dd>
          <dt>{t("moderation.reporter")}</dt>
          <dd>{accountName(report.account)}</dd>
          <dt>{t("moderation.assigned")}</dt>
          <dd>{report.assigned_account ? accountName(report.assigned_account) : t("moderation.nobody")}</dd>
          {report.rules.length ? (
            <>
              <dt>{t("report.rules")}</dt>
              <dd>
                <ul>
                  {report.rules.map((r) => (
                    <li key={r.id}>{r.text}</li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
          {report.comment ? (
            <>
              <dt>{t("moderation.comment")}</dt>
              <dd>{report.comment}</dd>
            </>
          ) : null}
        </dl>
        <div className="moderation-buttons">
          {report.assigned_account?.id === me?.id ? (
            <button type="button" className="button button-secondary" onClick={() => change("unassign", t("moderation.unassigned"))}>
              {t("moderation.unassign")}
            </button>
          ) : (
            <button type="button" className="button button-secondary" onClick={() => change("assign_to_self", t("moderation.assignedSelf"))}>
              {t("moderation.assignToSelf")}
            </button>
          )}
          {report.action_taken ? (
            <button type="button" className="button button-secondary" onClick={() => change("reopen", t("moderation.reopened"))}>
              {t("moderation.reopen")}
            </button>
          ) : (
            <>
              <button type="button" className="button button-secondary" onClick={() => change("resolve", t("moderation.resolvedDone"))}>
                {t("moderation.resolve")}
              </button>
              {target ? (
                <button type="button" className="button" onClick={() => setActing(true)}>
                  {t("moderation.act")}
                </button>
              ) : null}
            </>
          )}
          {target ? <Link to={`/admin/accounts/${target.id}`}>{t("moderation.accountPage")}</Link> : null}
        </div>
      </section>
      <section aria-labelledby="report-posts">
        <h2 id="report-posts">{t("moderation.reportedPosts")}</h2>
        {report.statuses.length === 0 ? <EmptyState>{t("moderation.noPosts")}</EmptyState> : null}
        {report.statuses.map((s) => (
          <Status key={s.id} status={s} />
        ))}
      </section>
      <Notes subject="reports" id={report.id} />
      {target && acting ? (
        <ActionDialog
          account={target}
          reportId={report.id}
          initialRules={report.rules.map((r) => r.id)}
          onClose={() => setActing(false)}
          onDone={() => {
            setActing(false);
            load();
          }}
        />
      ) : null}
    </>
  );
}

// ── one account ──

const LIFTS: { flag: keyof Pick<AdminAccount, "silenced" | "suspended" | "sensitized" | "disabled">; verb: LiftVerb }[] = [
  { flag: "silenced", verb: "unsilence" },
  { flag: "suspended", verb: "unsuspend" },
  { flag: "sensitized", verb: "unsensitive" },
  { flag: "disabled", verb: "enable" },
];

export function ModerationAccountScreen({ params }: ScreenProps) {
  const { t, formatDateTime } = useI18n();
  const staff = useIsStaff();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const id = params.id ?? "";
  const [account, setAccount] = useState<AdminAccount | null>(null);
  const [history, setHistory] = useState<Awaited<ReturnType<typeof api.accountActions>>>([]);
  const [reports, setReports] = useState<AdminReport[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [acting, setActing] = useState(false);
  const load = useCallback(() => {
    setError(null);
    Promise.all([api.adminAccount(id), api.accountActions(id), api.adminReports({ target_account_id: id })]).then(([a, h, r]) => {
      setAccount(a);
      setHistory(h);
      setReports(r.items);
    }, setError);
  }, [id]);
  useEffect(() => {
    if (staff) load();
  }, [staff, load]);
  if (!staff) return <StaffOnly title={t("moderation.account")} />;
  if (error) return <ErrorNotice error={error} onRetry={load} />;
  if (!account) return <Loading />;

  const lift = async (verb: LiftVerb) => {
    try {
      setAccount(await api.liftAction(account.id, verb));
      announce(t(`moderation.lifted.${verb}`));
      setHistory(await api.accountActions(account.id));
    } catch (e) {
      announce(errorText(e));
    }
  };
  const states = LIFTS.filter((l) => account[l.flag]);

  return (
    <>
      <PageTitle text={accountName(account)} />
      <section className="card moderation-summary">
        <div className="moderation-account">
          <Avatar account={account.account} size={48} />
          <div>
            <p className="moderation-name">{displayName(account.account)}</p>
            <p className="moderation-meta">{account.role ? t(`moderation.roles.${account.role.name}`) : t("moderation.remote")}</p>
          </div>
        </div>
        <p>{states.length ? states.map((s) => t(`moderation.states.${s.flag}`)).join(" · ") : t("moderation.noRestriction")}</p>
        <div className="moderation-buttons">
          <button type="button" className="button" onClick={() => setActing(true)}>
            {t("moderation.act")}
          </button>
          {states.map((s) => (
            <button key={s.verb} type="button" className="button button-secondary" onClick={() => lift(s.verb)}>
              {t(`moderation.lift.${s.verb}`)}
            </button>
          ))}
        </div>
      </section>
      <section aria-labelledby="account-history">
        <h2 id="account-history">{t("moderation.history")}</h2>
        {history.length === 0 ? <EmptyState>{t("moderation.noHistory")}</EmptyState> : null}
        <ul className="moderation-list">
          {history.map((h) => (
            <li key={h.id} className="card">
              <p>
                <strong>{t(`moderation.actions.${h.action}`)}</strong> · {formatDateTime(h.created_at)}
              </p>
              {h.text ? <p className="moderation-comment">{h.text}</p> : null}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="account-reports">
        <h2 id="account-reports">{t("moderation.reportsAbout")}</h2>
        {reports.length === 0 ? <EmptyState>{t("moderation.noReports")}</EmptyState> : null}
        <ul className="moderation-list">
          {reports.map((r) => (
            <li key={r.id} className="card">
              <Link to={`/admin/reports/${r.id}`}>
                {t(`report.category_${r.category}`)} · {r.action_taken ? t("moderation.resolved") : t("moderation.open")}
              </Link>{" "}
              · <RelativeTime value={r.created_at} />
            </li>
          ))}
        </ul>
      </section>
      <Notes subject="accounts" id={account.id} />
      {acting ? (
        <ActionDialog
          account={account}
          onClose={() => setActing(false)}
          onDone={() => {
            setActing(false);
            load();
          }}
        />
      ) : null}
    </>
  );
}

// ── the action dialog ──

const ACTIONS: AccountActionType[] = ["none", "sensitive", "disable", "silence", "suspend"];

export function ActionDialog({
  account,
  reportId,
  initialRules = [],
  onClose,
  onDone,
}: {
  account: AdminAccount;
  reportId?: string;
  initialRules?: string[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const ids = useId();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [type, setType] = useState<AccountActionType>("silence");
  const [rules, setRules] = useState<Rule[]>([]);
  const [ruleIds, setRuleIds] = useState<string[]>(initialRules);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.rules().then(setRules, () => undefined);
  }, []);
  // disabling is a login matter: remote accounts have none here
  const types = ACTIONS.filter((a) => a !== "disable" || account.domain === null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.accountAction(account.id, { type, text: text.trim(), rule_ids: ruleIds, ...(reportId ? { report_id: reportId } : {}) });
      announce(t("moderation.actionDone"));
      onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open title={t("moderation.actTitle", { name: accountName(account) })} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <fieldset className="radio-group">
          <legend>{t("moderation.actionType")}</legend>
          {types.map((a) => (
            <div key={a} className="radio">
              <input type="radio" id={`${ids}-${a}`} name={`${ids}-type`} checked={type === a} onChange={() => setType(a)} aria-describedby={`${ids}-${a}-hint`} />
              <label htmlFor={`${ids}-${a}`}>{t(`moderation.actions.${a}`)}</label>
              <p id={`${ids}-${a}-hint`} className="field-hint">
                {t(`moderation.actionHints.${a}`)}
              </p>
            </div>
          ))}
        </fieldset>
        {rules.length ? (
          <fieldset>
            <legend>{t("report.rules")}</legend>
            {rules.map((rule) => (
              <div key={rule.id} className="field field-checkbox">
                <input
                  id={`${ids}-rule-${rule.id}`}
                  type="checkbox"
                  checked={ruleIds.includes(rule.id)}
                  onChange={() => setRuleIds((l) => (l.includes(rule.id) ? l.filter((x) => x !== rule.id) : [...l, rule.id]))}
                />
                <label htmlFor={`${ids}-rule-${rule.id}`}>{rule.text}</label>
              </div>
            ))}
          </fieldset>
        ) : null}
        <div className="field">
          <label htmlFor={`${ids}-text`}>{t("moderation.reason")}</label>
          <textarea id={`${ids}-text`} rows={3} maxLength={5000} value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <FormError>{error}</FormError>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" className={type === "suspend" ? "button button-danger" : "button"} disabled={busy}>
            {t("moderation.confirmAction")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

// ── staff notes ──

function Notes({ subject, id }: { subject: "accounts" | "reports"; id: string }) {
  const { t, formatDateTime } = useI18n();
  const ids = useId();
  const errorText = useErrorText();
  const [notes, setNotes] = useState<ModerationNote[]>([]);
  const [content, setContent] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  useEffect(() => {
    api.moderationNotes(subject, id).then(setNotes, setLoadError);
  }, [subject, id]);

  async function add(event: FormEvent) {
    event.preventDefault();
    if (!content.trim()) {
      setError(t("moderation.noteEmpty"));
      return;
    }
    setError(null);
    try {
      const note = await api.addModerationNote(subject, id, content.trim());
      setNotes((n) => [...n, note]);
      setContent("");
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <section aria-labelledby={`${ids}-notes`}>
      <h2 id={`${ids}-notes`}>{t("moderation.notes")}</h2>
      <p className="field-hint">{t("moderation.notesHint")}</p>
      {loadError ? <ErrorNotice error={loadError} /> : null}
      <ul className="moderation-list">
        {notes.map((n) => (
          <li key={n.id} className="card">
            <p className="moderation-meta">
              {accountName(n.account)} · {formatDateTime(n.created_at)}
            </p>
            <p>{n.content}</p>
          </li>
        ))}
      </ul>
      <form className="form" onSubmit={add} noValidate>
        <div className="field">
          <label htmlFor={`${ids}-note`}>{t("moderation.newNote")}</label>
          <textarea id={`${ids}-note`} rows={2} maxLength={2000} value={content} onChange={(e) => setContent(e.target.value)} />
        </div>
        <FormError>{error}</FormError>
        <button type="submit" className="button button-secondary">
          {t("moderation.addNote")}
        </button>
      </form>
    </section>
  );
}
