// Registration: the rules and the registration mode first, then the form.
// After registering, the client logs in with the session endpoint; on an
// instance that approves accounts, it explains that the account is pending.
import { useId, useRef, useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import { RulesList } from "../components/InstanceInfo";
import { ErrorNotice, Loading, PageTitle, useErrorText } from "../components/common";
import { useI18n } from "../i18n/context";
import { SUPPORTED_LOCALES, type Locale } from "../i18n/core";
import { Link, navigate } from "../lib/router";
import { paragraphs } from "../lib/format";
import { useSession } from "../state/session";

type FieldName = "username" | "email" | "password" | "confirm" | "agreement" | "reason";

export const USERNAME_RE = /^[a-zA-Z0-9_]{1,30}$/;
export const MIN_PASSWORD = 8;

export function RegisterScreen() {
  const { t, locale: uiLocale } = useI18n();
  const { instance, signedIn, ready } = useSession();
  const errorText = useErrorText();
  const ids = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [reason, setReason] = useState("");
  const [agreement, setAgreement] = useState(false);
  const [locale, setLocale] = useState<Locale>(uiLocale);
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState(false);

  if (!ready) return <Loading />;
  if (!instance) return <ErrorNotice error={t("register.instanceUnavailable")} />;

  const name = instance.parvis?.commune_name || instance.title;
  const approval = instance.registrations.approval_required;

  if (!instance.registrations.enabled) {
    return (
      <div className="narrow">
        <PageTitle text={t("register.title", { name })} />
        <div className="notice notice-info">
          <p>{t("register.closed")}</p>
          {instance.registrations.message ? <p>{instance.registrations.message}</p> : null}
        </div>
        <p>
          <Link to="/login">{t("register.haveAccount")}</Link>
        </p>
      </div>
    );
  }

  if (pending) {
    return (
      <div className="narrow">
        <PageTitle text={t("register.pendingTitle")} />
        <div className="notice notice-info" role="status">
          <p>{t("register.pendingText", { name })}</p>
        </div>
        <p>
          <Link to="/">{t("register.backHome")}</Link>
        </p>
      </div>
    );
  }

  const validate = (): Partial<Record<FieldName, string>> => {
    const found: Partial<Record<FieldName, string>> = {};
    if (!USERNAME_RE.test(username)) found.username = t("register.errors.username");
    if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) found.email = t("register.errors.email");
    if (password.length < MIN_PASSWORD) found.password = t("register.errors.password", { count: MIN_PASSWORD });
    if (confirm !== password) found.confirm = t("register.errors.confirm");
    if (approval && !reason.trim()) found.reason = t("register.errors.reason");
    if (!agreement) found.agreement = t("register.errors.agreement");
    return found;
  };

  const focusFirstInvalid = () =>
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length) {
      focusFirstInvalid();
      return;
    }
    setBusy(true);
    try {
      await api.register({
        username,
        password,
        email: email || undefined,
        agreement: true,
        locale,
        reason: approval ? reason.trim() : undefined,
      });
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiError && error.details) {
        const mapped: Partial<Record<FieldName, string>> = {};
        for (const [field, list] of Object.entries(error.details)) {
          const key = field as FieldName;
          if (["username", "email", "password", "reason", "agreement"].includes(key))
            mapped[key] = list?.[0]?.description ?? error.message;
        }
        setErrors(mapped);
        if (Object.keys(mapped).length) focusFirstInvalid();
        else setFailure(error);
      } else setFailure(error);
      return;
    }
    try {
      const { account } = await api.login(username, password);
      signedIn(account);
      navigate("/home", { replace: true });
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiError && error.status === 403) setPending(true);
      else setFailure(error);
    }
  };

  const withHint: FieldName[] = ["username", "email", "password", "reason"];
  const field = (key: FieldName) => ({
    "aria-invalid": errors[key] ? true : undefined,
    "aria-describedby":
      [errors[key] ? `${ids}-${key}-error` : "", withHint.includes(key) ? `${ids}-${key}-hint` : ""].filter(Boolean).join(" ") || undefined,
  });
  const errorFor = (key: FieldName) =>
    errors[key] ? (
      <p id={`${ids}-${key}-error`} className="field-error">
        {errors[key]}
      </p>
    ) : null;

  return (
    <div className="narrow">
      <PageTitle text={t("register.title", { name })} />
      <p className="notice notice-info">{approval ? t("register.modeApprovalLong") : t("register.modeOpenLong")}</p>
      <section className="card" aria-labelledby={`${ids}-rules`}>
        <h2 id={`${ids}-rules`}>{t("register.rulesTitle")}</h2>
        <RulesList instance={instance} />
        {instance.parvis?.charter ? (
          <details className="register-charter">
            <summary>{t("register.readCharter")}</summary>
            {paragraphs(instance.parvis.charter).map((p, i) => (
              <p key={i}>{p}</p>
            ))}
          </details>
        ) : null}
      </section>
      <form ref={formRef} className="form card" onSubmit={submit} noValidate aria-labelledby={`${ids}-form-title`}>
        <h2 id={`${ids}-form-title`}>{t("register.formTitle")}</h2>
        {failure ? <ErrorNotice error={errorText(failure)} /> : null}
        <div className="field">
          <label htmlFor={`${ids}-username`}>{t("register.username")}</label>
          <input
            id={`${ids}-username`}
            type="text"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={30}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            {...field("username")}
          />
          <p id={`${ids}-username-hint`} className="field-hint">
            {t("register.usernameHint", { domain: instance.domain })}
          </p>
          {errorFor("username")}
        </div>
        <div className="field">
          <label htmlFor={`${ids}-email`}>{t("register.email")}</label>
          <input id={`${ids}-email`} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} {...field("email")} />
          <p id={`${ids}-email-hint`} className="field-hint">
            {t("register.emailHint")}
          </p>
          {errorFor("email")}
        </div>
        <div className="field">
          <label htmlFor={`${ids}-password`}>{t("register.password")}</label>
          <input
            id={`${ids}-password`}
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            {...field("password")}
          />
          <p id={`${ids}-password-hint`} className="field-hint">
            {t("register.passwordHint", { count: MIN_PASSWORD })}
          </p>
          {errorFor("password")}
        </div>
        <div className="field">
          <label htmlFor={`${ids}-confirm`}>{t("register.confirm")}</label>
          <input
            id={`${ids}-confirm`}
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            {...field("confirm")}
          />
          {errorFor("confirm")}
        </div>
        <div className="field">
          <label htmlFor={`${ids}-locale`}>{t("register.locale")}</label>
          <select id={`${ids}-locale`} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
            {SUPPORTED_LOCALES.map((l) => (
              <option key={l} value={l} lang={l}>
                {t(`languages.${l}`)}
              </option>
            ))}
          </select>
        </div>
        {approval ? (
          <div className="field">
            <label htmlFor={`${ids}-reason`}>{t("register.reason")}</label>
            <textarea id={`${ids}-reason`} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} {...field("reason")} />
            <p id={`${ids}-reason-hint`} className="field-hint">
              {t("register.reasonHint")}
            </p>
            {errorFor("reason")}
          </div>
        ) : null}
        <div className="field field-checkbox">
          <input id={`${ids}-agreement`} type="checkbox" checked={agreement} onChange={(e) => setAgreement(e.target.checked)} {...field("agreement")} />
          <label htmlFor={`${ids}-agreement`}>{t("register.agreement", { name })}</label>
          {errorFor("agreement")}
          <p className="field-hint">
            <Link to="/privacy">{t("register.privacy")}</Link>
          </p>
        </div>
        <button type="submit" className="button button-block" disabled={busy}>
          {busy ? t("register.busy") : t("register.submit")}
        </button>
      </form>
      <p className="form-footer">
        <Link to="/login">{t("register.haveAccount")}</Link>
      </p>
    </div>
  );
}
