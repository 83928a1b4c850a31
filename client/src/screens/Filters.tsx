// Filters: words (and posts) a resident hides, or is warned about, in the
// places they choose. The server applies them; "warn" shows a notice to reveal.
import { useEffect, useId, useState, type FormEvent } from "react";
import { api, type Filter, type FilterContext } from "../api";
import { EmptyState, ErrorNotice, FormError, Loading, PageTitle, useErrorText } from "../components/common";
import { ConfirmDialog } from "../components/Dialog";
import { useI18n } from "../i18n/context";
import { useAnnounce } from "../state/announcer";

const CONTEXTS: FilterContext[] = ["home", "notifications", "public", "thread", "account"];
/** expiry choices, in seconds ("" = never) */
const EXPIRIES = ["", String(3600), String(86400), String(7 * 86400), String(30 * 86400)] as const;

/** "travaux, chantier" → ["travaux", "chantier"] */
export function parseKeywords(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((k) => k.trim()).filter(Boolean))];
}

function FilterForm({ onCreated }: { onCreated: (f: Filter) => void }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [title, setTitle] = useState("");
  const [keywords, setKeywords] = useState("");
  const [wholeWord, setWholeWord] = useState(true);
  const [contexts, setContexts] = useState<FilterContext[]>(["home", "notifications", "public", "thread"]);
  const [action, setAction] = useState<"warn" | "hide">("warn");
  const [expiry, setExpiry] = useState<string>("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const words = parseKeywords(keywords);
    if (!title.trim() && words.length === 0) return setProblem(t("filters.titleRequired"));
    if (words.length === 0) return setProblem(t("filters.keywordsRequired"));
    if (contexts.length === 0) return setProblem(t("filters.contextRequired"));
    setProblem(null);
    setBusy(true);
    try {
      const filter = await api.createFilter({
        title: title.trim() || words[0],
        context: contexts,
        filter_action: action,
        expires_in: expiry ? Number(expiry) : "",
        keywords_attributes: words.map((keyword) => ({ keyword, whole_word: wholeWord })),
      });
      onCreated(filter);
      setTitle("");
      setKeywords("");
      announce(t("filters.created", { title: filter.title }));
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (c: FilterContext) => setContexts((list) => (list.includes(c) ? list.filter((x) => x !== c) : [...list, c]));

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError>{problem}</FormError>
      <div className="field">
        <label htmlFor={`${ids}-title`}>{t("filters.name")}</label>
        <input id={`${ids}-title`} type="text" value={title} maxLength={256} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-keywords`}>{t("filters.keywords")}</label>
        <input id={`${ids}-keywords`} type="text" value={keywords} onChange={(e) => setKeywords(e.target.value)} aria-describedby={`${ids}-keywords-hint`} />
        <p id={`${ids}-keywords-hint`} className="field-hint">
          {t("filters.keywordsHint")}
        </p>
      </div>
      <div className="field field-checkbox">
        <input id={`${ids}-whole`} type="checkbox" checked={wholeWord} onChange={(e) => setWholeWord(e.target.checked)} />
        <label htmlFor={`${ids}-whole`}>{t("filters.wholeWord")}</label>
      </div>
      <fieldset>
        <legend>{t("filters.contexts")}</legend>
        {CONTEXTS.map((c) => (
          <div key={c} className="field field-checkbox">
            <input id={`${ids}-ctx-${c}`} type="checkbox" checked={contexts.includes(c)} onChange={() => toggle(c)} />
            <label htmlFor={`${ids}-ctx-${c}`}>{t(`filters.context.${c}`)}</label>
          </div>
        ))}
      </fieldset>
      <fieldset className="radio-group">
        <legend>{t("filters.action")}</legend>
        {(["warn", "hide"] as const).map((a) => (
          <div key={a} className="radio">
            <input type="radio" id={`${ids}-action-${a}`} name={`${ids}-action`} value={a} checked={action === a} onChange={() => setAction(a)} />
            <label htmlFor={`${ids}-action-${a}`}>{t(`filters.actions.${a}`)}</label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${ids}-expiry`}>{t("filters.expiry")}</label>
        <select id={`${ids}-expiry`} value={expiry} onChange={(e) => setExpiry(e.target.value)}>
          {EXPIRIES.map((e) => (
            <option key={e} value={e}>
              {t(`filters.expiries.${e || "never"}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button" disabled={busy}>
        {t("filters.createButton")}
      </button>
    </form>
  );
}

export function FiltersScreen() {
  const { t, formatDateTime } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [filters, setFilters] = useState<Filter[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<Filter | null>(null);

  useEffect(() => {
    api.filters().then(setFilters, setError);
  }, []);

  const remove = async (filter: Filter) => {
    setDeleting(null);
    try {
      await api.deleteFilter(filter.id);
      setFilters((list) => list?.filter((f) => f.id !== filter.id) ?? null);
      announce(t("filters.deleted", { title: filter.title }));
    } catch (e) {
      announce(errorText(e));
    }
  };

  return (
    <>
      <PageTitle text={t("filters.title")} />
      <p className="page-intro">{t("filters.intro")}</p>
      <section className="card" aria-labelledby={`${ids}-new`}>
        <h2 id={`${ids}-new`}>{t("filters.create")}</h2>
        <FilterForm onCreated={(f) => setFilters((list) => [...(list ?? []), f])} />
      </section>
      <section aria-labelledby={`${ids}-mine`}>
        <h2 id={`${ids}-mine`}>{t("filters.mine")}</h2>
        {error ? <ErrorNotice error={error} /> : null}
        {!filters && !error ? <Loading /> : null}
        {filters?.length === 0 ? <EmptyState>{t("filters.empty")}</EmptyState> : null}
        <ul className="plain-list">
          {filters?.map((f) => (
            <li key={f.id} className="card filter-entry">
              <h3>{f.title}</h3>
              <p>
                {t("filters.keywordsList", { keywords: f.keywords.map((k) => k.keyword).join(", ") || "—" })}
                <br />
                {t("filters.contextsList", { contexts: f.context.map((c) => t(`filters.context.${c}`)).join(", ") })}
                <br />
                {t(`filters.actions.${f.filter_action}`)}
                {f.expires_at ? (
                  <>
                    <br />
                    {t("filters.expiresAt", { date: formatDateTime(f.expires_at) })}
                  </>
                ) : null}
              </p>
              <button type="button" className="button button-small button-danger" onClick={() => setDeleting(f)} aria-label={t("filters.deleteNamed", { title: f.title })}>
                {t("filters.delete")}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <ConfirmDialog
        open={deleting !== null}
        title={t("filters.deleteTitle")}
        message={t("filters.deleteConfirm", { title: deleting?.title ?? "" })}
        confirmLabel={t("filters.delete")}
        danger
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove(deleting)}
      />
    </>
  );
}
