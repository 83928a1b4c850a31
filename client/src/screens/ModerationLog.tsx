// "Journal de modération": every moderation decision, public, without login. Each
// entry says what was done, to what, under which rule of the charter and by which
// role (never by whom); the page also shows whether the chain of entries verifies.
import { useCallback, useEffect, useId, useState } from "react";
import { api, type ModerationLogEntry, type ModerationLogVerification } from "../api";
import { EmptyState, ErrorNotice, Loading, PageTitle } from "../components/common";
import { useI18n } from "../i18n/context";
import { Link, paths } from "../lib/router";
import { useSession } from "../state/session";
import type { ScreenProps } from "./props";
import "./ModerationLog.css";

/** The actions the server writes (server/domain/moderation/log.ts LOG_ACTIONS). */
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

export function ModerationLogScreen({ search }: Partial<ScreenProps>) {
  const { t } = useI18n();
  const { instance } = useSession();
  const ids = useId();
  const [action, setAction] = useState(search?.get("action") ?? "");
  const [rule, setRule] = useState(search?.get("rule_id") ?? "");
  const [entries, setEntries] = useState<ModerationLogEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const load = useCallback(
    async (maxId: string | null) => {
      const page = await api.moderationLog({ action: action || undefined, rule_id: rule || undefined, max_id: maxId, limit: 20 });
      setEntries((list) => (maxId ? [...(list ?? []), ...page.items] : page.items));
      setNext(page.items.length ? page.nextMaxId : null);
    },
    [action, rule],
  );

  useEffect(() => {
    setEntries(null);
    setError(null);
    load(null).catch(setError);
  }, [load]);

  const more = async () => {
    setLoadingMore(true);
    try {
      await load(next);
    } catch (e) {
      setError(e);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <>
      <PageTitle text={t("modlog.title")} />
      <p className="page-intro">{t("modlog.intro")}</p>
      <Verification />
      <form className="card modlog-filters" aria-labelledby={`${ids}-filters`} onSubmit={(e) => e.preventDefault()}>
        <h2 id={`${ids}-filters`}>{t("modlog.filters")}</h2>
        <div className="field">
          <label htmlFor={`${ids}-action`}>{t("modlog.filterAction")}</label>
          <select id={`${ids}-action`} value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">{t("modlog.allActions")}</option>
            {LOG_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(`modlog.actions.${a}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-rule`}>{t("modlog.filterRule")}</label>
          <select id={`${ids}-rule`} value={rule} onChange={(e) => setRule(e.target.value)}>
            <option value="">{t("modlog.allRules")}</option>
            {(instance?.rules ?? []).map((r, i) => (
              <option key={r.id} value={r.id}>
                {t("modlog.ruleNumber", { n: i + 1, text: r.text })}
              </option>
            ))}
          </select>
        </div>
      </form>
      <section aria-labelledby={`${ids}-entries`}>
        <h2 id={`${ids}-entries`}>{t("modlog.entries")}</h2>
        {error ? <ErrorNotice error={error} onRetry={() => load(null).catch(setError)} /> : null}
        {!entries && !error ? <Loading /> : null}
        {entries?.length === 0 ? <EmptyState>{t("modlog.empty")}</EmptyState> : null}
        <ol className="modlog-list">
          {entries?.map((e) => (
            <li key={e.id}>
              <LogEntry entry={e} />
            </li>
          ))}
        </ol>
        {next ? (
          <button type="button" className="button button-secondary" onClick={more} disabled={loadingMore}>
            {t("modlog.more")}
          </button>
        ) : null}
      </section>
      <p>
        <Link to="/privacy">{t("privacy.link")}</Link>
      </p>
    </>
  );
}

function Verification() {
  const { t, formatNumber } = useI18n();
  const [result, setResult] = useState<ModerationLogVerification | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    api.verifyModerationLog().then(setResult, () => setFailed(true));
  }, []);
  let text: string;
  let tone = "notice-info";
  if (failed) text = t("modlog.verifyUnavailable");
  else if (!result) text = t("modlog.verifying");
  else if (result.first_broken) {
    text = t("modlog.verifyBroken", { n: result.first_broken.seq });
    tone = "notice-error";
  } else if (result.signature === "invalid" || result.signature === "no_key") {
    text = t("modlog.verifyBadSignature");
    tone = "notice-error";
  } else if (result.entries === 0) text = t("modlog.verifyEmpty");
  else {
    text = t("modlog.verifyOk", { count: result.entries, n: formatNumber(result.entries) });
    tone = "notice-success";
  }
  return (
    <p className={`notice ${tone}`} role="status">
      {text}
    </p>
  );
}

function Target({ entry }: { entry: ModerationLogEntry }) {
  const { t } = useI18n();
  const { target } = entry;
  if (target.type === "charter") return <>{t("modlog.charter")}</>;
  if (target.anonymised) return <>{t(target.type === "status" ? "modlog.anonymousStatus" : "modlog.anonymousAccount")}</>;
  if (!target.label) return <>{t("modlog.goneTarget")}</>;
  switch (target.type) {
    case "account":
      return <Link to={paths.profile(target.label)}>@{target.label}</Link>;
    case "status":
      return <>{t("modlog.statusBy", { acct: `@${target.label}` })}</>;
    case "domain":
      return <span translate="no">{target.label}</span>;
    case "rule":
      return <>« {target.label} »</>;
    default:
      return <>{target.label}</>;
  }
}

function LogEntry({ entry }: { entry: ModerationLogEntry }) {
  const { t, formatDateTime } = useI18n();
  const headingId = useId();
  return (
    <article className="card modlog-entry" aria-labelledby={headingId}>
      <h3 id={headingId} className="modlog-action">
        <span className="modlog-seq">{t("modlog.entryNumber", { n: entry.id })}</span> {t(`modlog.actions.${entry.action}`)}
      </h3>
      <dl className="facts">
        <div>
          <dt>{t("modlog.when")}</dt>
          <dd>
            <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time>
          </dd>
        </div>
        <div>
          <dt>{t("modlog.target")}</dt>
          <dd>
            <Target entry={entry} />
          </dd>
        </div>
        <div>
          <dt>{t("modlog.role")}</dt>
          <dd>{t(`modlog.roles.${entry.actor_role}`)}</dd>
        </div>
        {entry.rules.length ? (
          <div>
            <dt>{t("modlog.rules", { count: entry.rules.length })}</dt>
            <dd>
              <ul className="plain-list">
                {entry.rules.map((r) => (
                  <li key={r.id}>{r.text ? <a href={`/about#rule-${r.id}`}>{r.text}</a> : t("modlog.removedRule")}</li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
        {entry.public_reason ? (
          <div>
            <dt>{t("modlog.reason")}</dt>
            <dd>{entry.public_reason}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("modlog.hash")}</dt>
          <dd>
            <code className="modlog-hash" title={entry.hash}>
              {entry.hash.slice(0, 16)}…
            </code>
          </dd>
        </div>
      </dl>
    </article>
  );
}
