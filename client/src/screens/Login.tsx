// Log in with username (or e-mail) and password; the server answers with an
// HttpOnly session cookie.
import { useId, useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import { PageTitle } from "../components/common";
import { useI18n } from "../i18n/context";
import { Link, navigate } from "../lib/router";
import type { ScreenProps } from "./props";
import { useSession } from "../state/session";
import { safeNextPath } from "./next";

/** The end of the grace period when a login names an account waiting for deletion (server: DeletionPending). */
export function pendingDeletion(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 403) return null;
  const details = error.details as Record<string, { error: string }[]> | undefined;
  if (details?.account?.[0]?.error !== "ERR_DELETION_PENDING") return null;
  return details.deletion_due_at?.[0]?.error ?? "";
}

export function loginErrorKey(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403 && /pending|approval/i.test(error.message)) return "login.pending";
    if (error.status === 403) return "login.forbidden";
    if (error.status === 401 || error.status === 422 || error.status === 400) return "login.invalid";
    if (error.status === 429) return "errors.rateLimited";
    if (error.kind === "network") return "errors.network";
  }
  return "errors.generic";
}

export function LoginScreen({ search }: ScreenProps) {
  const { t, formatDateTime } = useI18n();
  const { signedIn, instance } = useSession();
  const [deletionDue, setDeletionDue] = useState<string | null>(null);
  const scheduled = search.get("deletion");
  const ids = useId();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [errorKey, setErrorKey] = useState<string | null>(null);
  const next = search.get("next");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrorKey(null);
    setDeletionDue(null);
    try {
      const { account } = await api.login(username.trim(), password);
      signedIn(account);
      navigate(safeNextPath(next), { replace: true });
    } catch (error) {
      const due = pendingDeletion(error);
      if (due !== null) setDeletionDue(due);
      else setErrorKey(loginErrorKey(error));
      setBusy(false);
    }
  };

  // logging in during the grace period: the resident may take their account back
  const cancelDeletion = async () => {
    setBusy(true);
    try {
      await api.cancelAccountDeletion(username.trim(), password);
      const { account } = await api.login(username.trim(), password);
      signedIn(account);
      navigate("/", { replace: true });
    } catch (error) {
      setDeletionDue(null);
      setErrorKey(loginErrorKey(error));
      setBusy(false);
    }
  };

  return (
    <div className="narrow">
      <PageTitle text={t("login.title")} />
      {next ? <p className="notice">{t("login.required")}</p> : null}
      {scheduled && !Number.isNaN(Date.parse(scheduled)) ? (
        <p className="notice notice-info" role="status">
          {t("login.deletionScheduled", { date: formatDateTime(scheduled) })}
        </p>
      ) : null}
      {deletionDue !== null ? (
        <div className="notice notice-info" role="alert">
          <p>{deletionDue ? t("login.deletionPending", { date: formatDateTime(deletionDue) }) : t("login.deletionPendingUndated")}</p>
          <button type="button" className="button" onClick={cancelDeletion} disabled={busy}>
            {t("login.cancelDeletion")}
          </button>
        </div>
      ) : null}
      <form className="form card" onSubmit={submit} noValidate>
        {errorKey ? (
          <div className={errorKey === "login.pending" ? "notice notice-info" : "notice notice-error"} role="alert">
            <p>{t(errorKey)}</p>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${ids}-username`}>{t("login.username")}</label>
          <input
            id={`${ids}-username`}
            name="username"
            type="text"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-password`}>{t("login.password")}</label>
          <input
            id={`${ids}-password`}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" className="button button-block" disabled={busy || !username || !password}>
          {busy ? t("login.busy") : t("login.submit")}
        </button>
      </form>
      {instance?.registrations.enabled !== false ? (
        <p className="form-footer">
          {t("login.noAccount")} <Link to="/register">{t("login.registerLink")}</Link>
        </p>
      ) : null}
    </div>
  );
}
