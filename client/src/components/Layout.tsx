// The shared layout: skip link, header, navigation (side bar on wide
// screens, bottom bar on phones), the main region and a footer.
import { useId, type ReactNode } from "react";
import { SUPPORTED_LOCALES, type Locale } from "../i18n/core";
import { useI18n } from "../i18n/context";
import { Link, useLocation } from "../lib/router";
import { useNotifications } from "../state/notifications";
import { useSession } from "../state/session";
import { BellIcon, BookmarkIcon, MapIcon, ListIcon, MailIcon, GlobeIcon, HomeIcon, InfoIcon, LoginIcon, SearchIcon, SettingsIcon, TownIcon, TrendIcon, UserIcon, FollowersIcon, GroupIcon } from "./Icons";

interface NavEntry {
  to: string;
  label: string;
  icon: ReactNode;
  badge?: number;
  /** other paths that light this entry up */
  match?: (pathname: string) => boolean;
  /** left out of the phone's bottom bar (reached from the settings there) */
  secondary?: boolean;
}

/** Switches the interface language; available to visitors too. */
export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  const id = useId();
  return (
    <div className="language-switch">
      <label htmlFor={id}>{t("settings.language")}</label>
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {SUPPORTED_LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`languages.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { t, formatNumber } = useI18n();
  const { account, instance } = useSession();
  const { unread } = useNotifications();
  const { pathname } = useLocation();

  const entries: NavEntry[] = account
    ? [
        { to: "/home", label: t("nav.home"), icon: <HomeIcon />, match: (p) => p === "/" || p === "/home" },
        { to: "/local", label: t("nav.local"), icon: <TownIcon /> },
        { to: "/federated", label: t("nav.federated"), icon: <GlobeIcon /> },
        { to: "/notifications", label: t("nav.notifications"), icon: <BellIcon />, badge: unread },
        { to: "/search", label: t("nav.search"), icon: <SearchIcon /> },
        { to: "/explore", label: t("nav.explore"), icon: <TrendIcon /> },
        { to: "/groups", label: t("nav.groups"), icon: <GroupIcon />, secondary: true, match: (p) => p.startsWith("/groups") },
        { to: "/map", label: t("nav.map"), icon: <MapIcon />, secondary: true, match: (p) => p.startsWith("/map") || p.startsWith("/observations/") },
        { to: "/bookmarks", label: t("nav.bookmarks"), icon: <BookmarkIcon />, secondary: true },
        { to: "/lists", label: t("nav.lists"), icon: <ListIcon />, secondary: true, match: (p) => p.startsWith("/lists") },
        { to: "/conversations", label: t("nav.conversations"), icon: <MailIcon />, secondary: true },
        { to: `/@${account.acct}`, label: t("nav.profile"), icon: <UserIcon />, match: (p) => p.startsWith(`/@${account.acct}`) && !/\/\d+$/.test(p) },
        { to: "/settings", label: t("nav.settings"), icon: <SettingsIcon /> },
      ]
    : [
        { to: "/", label: t("nav.welcome"), icon: <HomeIcon /> },
        { to: "/federated", label: t("nav.federated"), icon: <GlobeIcon /> },
        { to: "/search", label: t("nav.search"), icon: <SearchIcon /> },
        { to: "/groups", label: t("nav.groups"), icon: <GroupIcon />, secondary: true, match: (p) => p.startsWith("/groups") },
        { to: "/map", label: t("nav.map"), icon: <MapIcon />, secondary: true, match: (p) => p.startsWith("/map") || p.startsWith("/observations/") },
        { to: "/about", label: t("nav.about"), icon: <InfoIcon /> },
        { to: "/login", label: t("nav.login"), icon: <LoginIcon /> },
        { to: "/register", label: t("nav.register"), icon: <FollowersIcon /> },
      ];

  const title = instance?.parvis?.commune_name || instance?.title || t("app.name");

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <header className="app-header">
        <Link to={account ? "/home" : "/"} className="brand">
          <svg className="brand-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="6" fill="currentColor" />
            <path d="M6 24h20v2H6zM8 13h3v9H8zm6.5 0h3v9h-3zM21 13h3v9h-3zM16 5l11 6H5z" fill="#fff" />
          </svg>
          <span className="brand-text">
            <span className="brand-name">{title}</span>
            <span className="brand-sub">{t("app.name")}</span>
          </span>
        </Link>
        {account ? (
          <Link to={`/@${account.acct}`} className="header-account">
            <span className="visually-hidden">{t("nav.loggedInAs")} </span>@{account.acct}
          </Link>
        ) : null}
      </header>
      <div className="app-body">
        <nav className="app-nav" aria-label={t("nav.label")}>
          <ul>
            {entries.map((entry) => {
              const current = entry.match ? entry.match(pathname) : pathname === entry.to;
              return (
                <li key={entry.to} className={entry.secondary ? "nav-secondary" : undefined}>
                  <Link to={entry.to} className="nav-link" aria-current={current ? "page" : undefined} title={entry.label}>
                    {entry.icon}
                    <span className="nav-label">{entry.label}</span>
                    {entry.badge ? (
                      <span className="badge">
                        <span aria-hidden="true">{entry.badge > 99 ? "99+" : formatNumber(entry.badge)}</span>
                        <span className="visually-hidden">{t("nav.unread", { count: entry.badge })}</span>
                      </span>
                    ) : null}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main id="main" className="app-main" tabIndex={-1}>
          {children}
        </main>
      </div>
      <footer className="app-footer">
        <p>
          <Link to="/about">{t("nav.about")}</Link>
          <span aria-hidden="true"> · </span>
          <Link to="/map">{t("nav.map")}</Link>
          <span aria-hidden="true"> · </span>
          <Link to="/moderation_log">{t("modlog.link")}</Link>
          <span aria-hidden="true"> · </span>
          <Link to="/privacy">{t("privacy.link")}</Link>
          <span aria-hidden="true"> · </span>
          {t("app.poweredBy")}
        </p>
        <LanguageSwitch />
      </footer>
    </div>
  );
}
