// "Signaler": a resident reports an account (and some of its posts) to the
// commune's moderators, choosing the category, the charter rules broken, the
// posts to include and a comment; for an account of another server, they may
// also have the report sent there (as the commune, never under their name).
import { useEffect, useId, useState, type FormEvent } from "react";
import { api, type Account, type ReportCategory, type Rule, type Status } from "../api";
import { useI18n } from "../i18n/context";
import { displayName, htmlToText } from "../lib/format";
import { useAnnounce } from "../state/announcer";
import { FormError, useErrorText } from "./common";
import { Dialog } from "./Dialog";

const CATEGORIES: ReportCategory[] = ["spam", "violation", "legal", "other"];
const COMMENT_MAX = 1000;

export function ReportDialog({ open, account, status, onClose }: { open: boolean; account: Account; status?: Status; onClose: () => void }) {
  const { t } = useI18n();
  const ids = useId();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [category, setCategory] = useState<ReportCategory>("spam");
  const [rules, setRules] = useState<Rule[]>([]);
  const [ruleIds, setRuleIds] = useState<string[]>([]);
  const [posts, setPosts] = useState<Status[]>(status ? [status] : []);
  const [statusIds, setStatusIds] = useState<string[]>(status ? [status.id] : []);
  const [comment, setComment] = useState("");
  const [forward, setForward] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remote = account.acct.includes("@");
  const name = displayName(account);

  useEffect(() => {
    if (!open) return;
    let live = true;
    api.rules().then((r) => live && setRules(r), () => undefined);
    // the account's recent posts, with the one reported first
    api.accountStatuses(account.id, { limit: 10 }).then(
      (page) => {
        if (!live) return;
        const recent = page.items.filter((s) => !s.reblog && s.id !== status?.id);
        setPosts(status ? [status, ...recent] : recent);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [open, account.id, status]);

  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (category === "violation" && ruleIds.length === 0) {
      setError(t("report.rulesRequired"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.report({
        account_id: account.id,
        status_ids: statusIds,
        comment: comment.trim(),
        category,
        rule_ids: category === "violation" ? ruleIds : [],
        forward: remote && forward,
      });
      announce(t("report.sent"));
      onClose();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} title={t("report.title", { name })} onClose={onClose} className="report-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <p className="field-hint">{t("report.intro")}</p>
        <fieldset className="radio-group">
          <legend>{t("report.category")}</legend>
          {CATEGORIES.map((c) => (
            <div key={c} className="radio">
              <input type="radio" id={`${ids}-cat-${c}`} name={`${ids}-cat`} value={c} checked={category === c} onChange={() => setCategory(c)} />
              <label htmlFor={`${ids}-cat-${c}`}>{t(`report.category_${c}`)}</label>
            </div>
          ))}
        </fieldset>
        {category === "violation" ? (
          <fieldset>
            <legend>{t("report.rules")}</legend>
            {rules.length === 0 ? <p className="field-hint">{t("report.noRules")}</p> : null}
            {rules.map((rule) => (
              <div key={rule.id} className="field field-checkbox">
                <input id={`${ids}-rule-${rule.id}`} type="checkbox" checked={ruleIds.includes(rule.id)} onChange={() => setRuleIds((l) => toggle(l, rule.id))} />
                <label htmlFor={`${ids}-rule-${rule.id}`}>{rule.text}</label>
              </div>
            ))}
          </fieldset>
        ) : null}
        {posts.length ? (
          <fieldset className="report-posts">
            <legend>{t("report.posts")}</legend>
            {posts.map((post) => (
              <div key={post.id} className="field field-checkbox">
                <input id={`${ids}-post-${post.id}`} type="checkbox" checked={statusIds.includes(post.id)} onChange={() => setStatusIds((l) => toggle(l, post.id))} />
                <label htmlFor={`${ids}-post-${post.id}`}>{excerpt(post) || t("report.postWithoutText")}</label>
              </div>
            ))}
          </fieldset>
        ) : null}
        <div className="field">
          <label htmlFor={`${ids}-comment`}>{t("report.comment")}</label>
          <textarea id={`${ids}-comment`} value={comment} maxLength={COMMENT_MAX} rows={3} onChange={(e) => setComment(e.target.value)} aria-describedby={`${ids}-comment-hint`} />
          <p id={`${ids}-comment-hint`} className="field-hint">
            {t("report.commentHint", { count: COMMENT_MAX })}
          </p>
        </div>
        {remote ? (
          <div className="field field-checkbox">
            <input id={`${ids}-forward`} type="checkbox" checked={forward} onChange={(e) => setForward(e.target.checked)} aria-describedby={`${ids}-forward-hint`} />
            <label htmlFor={`${ids}-forward`}>{t("report.forward", { domain: account.acct.split("@")[1] })}</label>
            <p id={`${ids}-forward-hint`} className="field-hint">
              {t("report.forwardHint")}
            </p>
          </div>
        ) : null}
        <FormError>{error}</FormError>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="button" disabled={busy}>
            {t("report.send")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function excerpt(status: Status): string {
  const text = htmlToText(status.content);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
