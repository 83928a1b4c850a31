// "Confidentialité": the privacy page the server writes from this instance's
// configuration (GET /api/parvis/privacy), in the reader's language.
import { useCallback, useEffect, useState } from "react";
import { api, type PrivacyPage } from "../api";
import { ErrorNotice, Loading, PageTitle } from "../components/common";
import { useI18n } from "../i18n/context";
import { Link } from "../lib/router";

export function PrivacyScreen() {
  const { t, locale } = useI18n();
  const [page, setPage] = useState<PrivacyPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    api.privacy(locale).then(setPage, setError);
  }, [locale]);
  useEffect(load, [load]);
  return (
    <>
      <PageTitle text={t("privacy.title")} />
      <p className="page-intro">{t("privacy.intro")}</p>
      {error ? <ErrorNotice error={error} onRetry={load} /> : null}
      {!page && !error ? <Loading /> : null}
      {page?.sections.map((s) => (
        <section key={s.id} className="card" aria-labelledby={`privacy-${s.id}`}>
          <h2 id={`privacy-${s.id}`}>{s.title}</h2>
          {s.paragraphs.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </section>
      ))}
      <p>
        <Link to="/moderation_log">{t("modlog.link")}</Link>
        <span aria-hidden="true"> · </span>
        <Link to="/about">{t("nav.about")}</Link>
      </p>
    </>
  );
}
