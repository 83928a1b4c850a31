// Settings: language, active sessions, password, log out.
import { useEffect, useId, useState, type FormEvent } from "react";
import { api, ApiError, type WebSession } from "../api";
import { EmptyState, ErrorNotice, FormError, Loading, PageTitle, useErrorText } from "../components/common";
import { ConfirmDialog } from "../components/Dialog";
import { useI18n } from "../i18n/context";
import { SUPPORTED_LOCALES } from "../i18n/core";
import { Link, navigate } from "../lib/router";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";
import { MIN_PASSWORD } from "./Register";
import { CivicSettingsLinks } from "./Civic";

/** "Firefox on Linux"-style summary of a user agent string. */
export function describeUserAgent(ua: string | null): { browser: string | null; system: string | null } {
  if (!ua) return { browser: null, system: null };
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : null;
  const system = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad/.test(ua)
      ? "iOS"
      : /Windows/.test(ua)
        ? "Windows"
        : /Mac OS X/.test(ua)
          ? "macOS"
          : /Linux/.test(ua)
            ? "Linux"
            : null;
  return { browser, system };
}

function LanguageSettings() {
  const { t, locale, setLocale } = useI18n();
  const announce = useAnnounce();
  const ids = useId();
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("settings.language")}</h2>
      <fieldset className="radio-group">
        <legend className="visually-hidden">{t("settings.language")}</legend>
        {SUPPORTED_LOCALES.map((l) => (
          <div key={l} className="radio">
            <input
              type="radio"
              id={`${ids}-${l}`}
              name="locale"
              value={l}
              checked={locale === l}
              onChange={() => {
                setLocale(l);
                announce(t("settings.languageChanged", { language: t(`languages.${l}`) }));
              }}
            />
            <label htmlFor={`${ids}-${l}`} lang={l}>
              {t(`languages.${l}`)}
            </label>
          </div>
        ))}
      </fieldset>
    </section>
  );
}

function SessionsSettings() {
  const { t, formatDateTime } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [sessions, setSessions] = useState<WebSession[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.sessions().then(setSessions, setError);
  }, []);

  const revoke = async (session: WebSession) => {
    try {
      await api.revokeSession(session.id);
      setSessions((list) => list?.filter((s) => s.id !== session.id) ?? null);
      announce(t("settings.sessionRevoked"));
    } catch (e) {
      announce(errorText(e));
    }
  };

  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("settings.sessions")}</h2>
      <p className="field-hint">{t("settings.sessionsHint")}</p>
      {error ? <ErrorNotice error={error} /> : null}
      {!sessions && !error ? <Loading /> : null}
      {sessions?.length === 0 ? <EmptyState>{t("settings.noSessions")}</EmptyState> : null}
      <ul className="session-list">
        {sessions?.map((s) => {
          const { browser, system } = describeUserAgent(s.user_agent);
          const device = s.app
            ? s.app
            : browser && system
              ? t("settings.device", { browser, system })
              : (browser ?? system ?? t("settings.unknownDevice"));
          return (
            <li key={s.id} className="session">
              <div>
                <p className="session-device">
                  {device}
                  {s.current ? <span className="tag-label">{t("settings.thisDevice")}</span> : null}
                </p>
                <p className="session-dates">
                  {t("settings.createdAt", { date: formatDateTime(s.created_at) })}
                  {s.last_used_at ? (
                    <>
                      <br />
                      {t("settings.lastUsedAt", { date: formatDateTime(s.last_used_at) })}
                    </>
                  ) : null}
                </p>
              </div>
              {s.current ? null : (
                <button type="button" className="button button-small button-secondary" onClick={() => revoke(s)} aria-label={`${t("settings.revoke")} ${device}`}>
                  {t("settings.revoke")}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function PasswordSettings() {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    if (next.length < MIN_PASSWORD) return setProblem(t("register.errors.password", { count: MIN_PASSWORD }));
    if (next !== confirm) return setProblem(t("register.errors.confirm"));
    setProblem(null);
    setBusy(true);
    try {
      await api.changePassword(current, next);
      setCurrent("");
      setNext("");
      setConfirm("");
      setDone(true);
      announce(t("settings.passwordChanged"));
    } catch (e) {
      setProblem(e instanceof ApiError && (e.status === 401 || e.status === 403) ? t("settings.wrongPassword") : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("settings.password")}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <FormError>{problem}</FormError>
        {done ? <p className="notice notice-success">{t("settings.passwordChanged")}</p> : null}
        <input type="text" name="username" autoComplete="username" hidden readOnly value="" />
        <div className="field">
          <label htmlFor={`${ids}-current`}>{t("settings.currentPassword")}</label>
          <input id={`${ids}-current`} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-new`}>{t("settings.newPassword")}</label>
          <input id={`${ids}-new`} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required aria-describedby={`${ids}-hint`} />
          <p id={`${ids}-hint`} className="field-hint">
            {t("register.passwordHint", { count: MIN_PASSWORD })}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-confirm`}>{t("settings.confirmPassword")}</label>
          <input id={`${ids}-confirm`} type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} required />
        </div>
        <button type="submit" className="button" disabled={busy || !current || !next}>
          {t("settings.changePassword")}
        </button>
      </form>
    </section>
  );
}

function LogoutSettings() {
  const { t } = useI18n();
  const { logout } = useSession();
  const ids = useId();
  const [confirm, setConfirm] = useState(false);
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("settings.logoutTitle")}</h2>
      <button type="button" className="button button-danger" onClick={() => setConfirm(true)}>
        {t("settings.logout")}
      </button>
      <ConfirmDialog
        open={confirm}
        title={t("settings.logoutTitle")}
        message={t("settings.logoutConfirm")}
        confirmLabel={t("settings.logout")}
        onClose={() => setConfirm(false)}
        onConfirm={async () => {
          setConfirm(false);
          await logout().catch(() => {});
          navigate("/", { replace: true });
        }}
      />
    </section>
  );
}

/** The resident's own spaces: groups, saved posts, lists, filters, followed hashtags (the phone's way to them). */
function SpacesSettings() {
  const { t } = useI18n();
  const ids = useId();
  const links = [
    { to: "/groups", label: t("groups.title") },
    { to: "/groups/mine", label: t("groups.mine") },
    { to: "/map", label: t("map.title") },
    { to: "/bookmarks", label: t("saved.bookmarks") },
    { to: "/favourites", label: t("saved.favourites") },
    { to: "/lists", label: t("lists.title") },
    { to: "/filters", label: t("filters.title") },
    { to: "/followed_tags", label: t("tags.followedTitle") },
    { to: "/conversations", label: t("conversations.title") },
    { to: "/settings/data", label: t("myData.title") },
  ];
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("settings.spaces")}</h2>
      <ul className="plain-list spaces-list">
        {links.map((l) => (
          <li key={l.to}>
            <Link to={l.to}>{l.label}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SettingsScreen() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle text={t("settings.title")} />
      <SpacesSettings />
      <LanguageSettings />
      <SessionsSettings />
      <CivicSettingsLinks />
      <PasswordSettings />
      <LogoutSettings />
    </>
  );
}
