// Search accounts (including remote ones, "@user@other-commune.fr", which the
// server resolves with resolve=true), hashtags and statuses.
import { useEffect, useId, useState, type FormEvent } from "react";
import { api, type SearchResults } from "../api";
import { AccountRow, useRelationships } from "../components/Accounts";
import { EmptyState, ErrorNotice, Loading, PageTitle } from "../components/common";
import { HashIcon } from "../components/Icons";
import { Status } from "../components/Status";
import { useI18n } from "../i18n/context";
import { Link, navigate, paths } from "../lib/router";
import type { ScreenProps } from "./props";
import { useSession } from "../state/session";

/** "@alice@other.fr" or "alice@other.fr": a handle the server may fetch from another instance. */
export function looksLikeRemoteHandle(q: string): boolean {
  return /^@?[a-z0-9_]{1,30}@[a-z0-9.-]+(?::\d+)?$/i.test(q.trim());
}

export function SearchScreen({ search }: ScreenProps) {
  const { t } = useI18n();
  const { account } = useSession();
  const ids = useId();
  const q = search.get("q") ?? "";
  const [input, setInput] = useState(q);
  const [results, setResults] = useState<SearchResults | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { relationships, update } = useRelationships(results?.accounts.map((a) => a.id) ?? []);

  useEffect(() => setInput(q), [q]);

  useEffect(() => {
    if (!q.trim()) {
      setResults(null);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    const remote = looksLikeRemoteHandle(q);
    api
      .search(q.trim(), { resolve: Boolean(account), type: remote ? "accounts" : undefined, limit: 20 }, controller.signal)
      .then((r) => setResults({ accounts: r.accounts ?? [], hashtags: r.hashtags ?? [], statuses: r.statuses ?? [] }))
      .catch((e: unknown) => {
        if (!(e instanceof DOMException && e.name === "AbortError")) setError(e);
      })
      .finally(() => setLoading(false));
    return () => controller.abort();
  }, [q, account]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(paths.search(input.trim()));
  };

  const nothing = results && !results.accounts.length && !results.hashtags.length && !results.statuses.length;

  return (
    <>
      <PageTitle text={t("search.title")} />
      <form role="search" className="search-form" onSubmit={submit}>
        <label htmlFor={`${ids}-q`}>{t("search.label")}</label>
        <div className="search-row">
          <input
            id={`${ids}-q`}
            type="search"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            aria-describedby={`${ids}-hint`}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
          />
          <button type="submit" className="button">
            {t("search.submit")}
          </button>
        </div>
        <p id={`${ids}-hint`} className="field-hint">
          {account ? t("search.hint") : t("search.hintVisitor")}
        </p>
      </form>
      {loading ? <Loading label={looksLikeRemoteHandle(q) ? t("search.resolving") : undefined} /> : null}
      {error ? <ErrorNotice error={error} /> : null}
      {nothing && !loading ? <EmptyState>{t("search.noResults", { q })}</EmptyState> : null}
      {results?.accounts.length ? (
        <section aria-labelledby={`${ids}-accounts`}>
          <h2 id={`${ids}-accounts`} className="section-title">
            {t("search.accounts")}
          </h2>
          <ul className="account-list">
            {results.accounts.map((a) => (
              <li key={a.id}>
                <AccountRow account={a} relationship={relationships[a.id]} onRelationship={update} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {results?.hashtags.length ? (
        <section aria-labelledby={`${ids}-tags`}>
          <h2 id={`${ids}-tags`} className="section-title">
            {t("search.hashtags")}
          </h2>
          <ul className="tag-list">
            {results.hashtags.map((tag) => (
              <li key={tag.name}>
                <Link to={paths.tag(tag.name)} className="tag-link">
                  <HashIcon width={16} height={16} />
                  {tag.name}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {results?.statuses.length ? (
        <section aria-labelledby={`${ids}-statuses`}>
          <h2 id={`${ids}-statuses`} className="section-title">
            {t("search.statuses")}
          </h2>
          <ul className="status-list">
            {results.statuses.map((s) => (
              <li key={s.id}>
                <Status status={s} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
