// Small shared pieces: avatar, times, page title, loading and error states.
import { useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import type { Account } from "../api/types";
import { ApiError } from "../api/http";
import { useI18n } from "../i18n/context";
import { consumeTitleFocus } from "../lib/router";
import { setPageTitle } from "../lib/title";
import { useSession } from "../state/session";

export function Avatar({ account, size = 48 }: { account: Pick<Account, "avatar" | "avatar_static">; size?: number }) {
  const [broken, setBroken] = useState(false);
  const src = account.avatar_static || account.avatar;
  if (!src || broken) return <span className={`avatar avatar-${size} avatar-empty`} aria-hidden="true" />;
  // Decorative: the name next to it says whose it is.
  return <img className={`avatar avatar-${size}`} src={src} alt="" width={size} height={size} loading="lazy" onError={() => setBroken(true)} />;
}

// One shared clock ticking every 30 s for all relative dates.
let now = Date.now();
const clockListeners = new Set<() => void>();
let clockTimer: ReturnType<typeof setInterval> | null = null;
function subscribeClock(listener: () => void) {
  clockListeners.add(listener);
  if (!clockTimer)
    clockTimer = setInterval(() => {
      now = Date.now();
      for (const l of clockListeners) l();
    }, 30_000);
  return () => {
    clockListeners.delete(listener);
    if (clockListeners.size === 0 && clockTimer) {
      clearInterval(clockTimer);
      clockTimer = null;
    }
  };
}

export function RelativeTime({ value }: { value: string }) {
  const { formatRelative, formatDateTime } = useI18n();
  const current = useSyncExternalStore(subscribeClock, () => now, () => now);
  const absolute = formatDateTime(value);
  return (
    <time dateTime={value} title={absolute}>
      <span aria-hidden="true">{formatRelative(value, Math.max(current, Date.now()))}</span>
      <span className="visually-hidden">{absolute}</span>
    </time>
  );
}

/** The page's <h1>: sets document.title and takes the focus after a navigation. */
export function PageTitle({ children, text, className }: { children?: ReactNode; text: string; className?: string }) {
  const { instance } = useSession();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    setPageTitle(text, instance?.title);
  }, [text, instance?.title]);
  useEffect(() => {
    if (consumeTitleFocus()) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className={className ?? "page-title"}>
      {children ?? text}
    </h1>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t("common.loading")}
    </p>
  );
}

/** A user-facing sentence for an error from the API. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useI18n();
  return (error: unknown) => {
    if (error instanceof ApiError) {
      switch (error.kind) {
        case "network":
          return t("errors.network");
        case "unauthorized":
          return t("errors.unauthorized");
        case "rate_limited":
          return t("errors.rateLimited");
        case "server":
          return t("errors.server");
        case "not_found":
          return t("errors.notFound");
        default:
          return error.message || t("errors.generic");
      }
    }
    return t("errors.generic");
  };
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useErrorText();
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      <p>{typeof error === "string" ? error : text(error)}</p>
      {onRetry ? (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          {t("common.retry")}
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A form's problem, read out as soon as it appears; nothing when there is none. */
export function FormError({ children }: { children: ReactNode }) {
  if (children === null || children === undefined || children === false || children === "") return null;
  return (
    <p className="form-error" role="alert">
      {children}
    </p>
  );
}
