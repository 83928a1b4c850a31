// Réglages → Mes données: the resident's data rights. Their archive (ask,
// follow, download), imports of Mastodon CSV files with each line's result,
// moving their account (aliases to arrive here, the move to leave), and
// deleting their account with its grace period.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from "react";
import { api, ApiError, type Account, type AccountAlias, type DataExport, type DataImport, type DataImportLine, type DataImportType } from "../api";
import { EmptyState, ErrorNotice, FormError, Loading, PageTitle, useErrorText } from "../components/common";
import { ConfirmDialog } from "../components/Dialog";
import { useI18n } from "../i18n/context";
import { Link, navigate } from "../lib/router";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";

/** How often a job in progress is looked at again (ms). */
export const POLL_MS = 2000;

function usePolling(active: boolean, refresh: () => void) {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(refresh, POLL_MS);
    return () => clearInterval(timer);
  }, [active, refresh]);
}

function ExportSection() {
  const { t, formatDateTime, formatNumber } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [current, setCurrent] = useState<DataExport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const previous = useRef<string | null>(null);

  const refresh = useCallback(() => {
    api.dataExport().then((e) => {
      setCurrent(e);
      setError(null);
    }, setError);
  }, []);
  useEffect(refresh, [refresh]);
  const pending = current?.state === "queued" || current?.state === "running";
  usePolling(pending, refresh);
  useEffect(() => {
    if (current && current.state === "ready" && previous.current && previous.current !== "ready") announce(t("myData.export.readyAnnounce"));
    previous.current = current?.state ?? null;
  }, [current, announce, t]);

  const ask = async () => {
    setProblem(null);
    try {
      setCurrent(await api.requestDataExport());
      announce(t("myData.export.requested"));
    } catch (e) {
      setProblem(e instanceof ApiError && e.status === 429 ? t("myData.export.tooSoon") : errorText(e));
    }
  };

  const percent = current && current.state !== "none" && current.progress.total > 0 ? Math.round((100 * current.progress.done) / current.progress.total) : 0;
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("myData.export.title")}</h2>
      <p className="field-hint">{t("myData.export.intro")}</p>
      {error ? <ErrorNotice error={error} onRetry={refresh} /> : null}
      {!current && !error ? <Loading /> : null}
      <FormError>{problem}</FormError>
      {current && current.state !== "none" ? (
        <div className="data-job" aria-live="polite">
          {pending ? (
            <>
              <p>{current.state === "queued" ? t("myData.export.queued") : t(`myData.export.step.${current.step ?? "statuses"}`)}</p>
              <progress max={100} value={percent} aria-label={t("myData.export.progress")}>
                {percent} %
              </progress>
            </>
          ) : null}
          {current.state === "ready" ? (
            <>
              <p>
                {t("myData.export.ready", { date: formatDateTime(current.finished_at ?? current.created_at) })}
                {current.expires_at ? <> {t("myData.export.expires", { date: formatDateTime(current.expires_at) })}</> : null}
              </p>
              <a className="button" href={current.download_url ?? "/api/parvis/account/export/file"} download>
                {t("myData.export.download", { size: formatNumber(Math.max(1, Math.round((current.size ?? 0) / 1024 / 1024))) })}
              </a>
            </>
          ) : null}
          {current.state === "failed" ? <p className="notice notice-error">{t("myData.export.failed")}</p> : null}
        </div>
      ) : null}
      {current && !pending ? (
        <p>
          <button type="button" className="button button-secondary" onClick={ask}>
            {t("myData.export.request")}
          </button>
        </p>
      ) : null}
    </section>
  );
}

const IMPORT_TYPES: DataImportType[] = ["following", "blocks", "mutes", "bookmarks"];

function ImportLines({ item }: { item: DataImport }) {
  const { t } = useI18n();
  const [lines, setLines] = useState<DataImportLine[] | null>(null);
  useEffect(() => {
    if (item.failed === 0) return;
    api.dataImport(item.id, true).then((r) => setLines(r.lines), () => setLines([]));
  }, [item.id, item.failed, item.state]);
  if (item.failed === 0 || !lines?.length) return null;
  return (
    <details className="import-lines">
      <summary>{t("myData.import.failedLines", { count: item.failed })}</summary>
      <ul className="plain-list">
        {lines.map((l) => (
          <li key={l.line}>
            {t("myData.import.line", { line: l.line })} <code>{l.target || "—"}</code> : {t(`myData.import.errors.${l.error ?? "invalid"}`)}
          </li>
        ))}
      </ul>
    </details>
  );
}

function ImportSection() {
  const { t, formatDateTime } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [type, setType] = useState<DataImportType>("following");
  const [mode, setMode] = useState<"merge" | "overwrite">("merge");
  const [file, setFile] = useState<File | null>(null);
  const [imports, setImports] = useState<DataImport[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const refresh = useCallback(() => {
    api.dataImports().then(setImports, () => setImports((l) => l ?? []));
  }, []);
  useEffect(refresh, [refresh]);
  usePolling(Boolean(imports?.some((i) => i.state === "queued" || i.state === "running")), refresh);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return setProblem(t("myData.import.noFile"));
    setProblem(null);
    setBusy(true);
    try {
      const created = await api.startDataImport(type, mode, file);
      setImports((list) => [created, ...(list ?? [])]);
      setFile(null);
      if (fileInput.current) fileInput.current.value = "";
      announce(t("myData.import.started"));
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("myData.import.title")}</h2>
      <p className="field-hint">{t("myData.import.intro")}</p>
      <form className="form" onSubmit={submit} noValidate>
        <FormError>{problem}</FormError>
        <div className="field">
          <label htmlFor={`${ids}-type`}>{t("myData.import.type")}</label>
          <select id={`${ids}-type`} value={type} onChange={(e) => setType(e.target.value as DataImportType)}>
            {IMPORT_TYPES.map((k) => (
              <option key={k} value={k}>
                {t(`myData.import.types.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="radio-group">
          <legend>{t("myData.import.mode")}</legend>
          {(["merge", "overwrite"] as const).map((m) => (
            <div key={m} className="radio">
              <input type="radio" id={`${ids}-${m}`} name={`${ids}-mode`} value={m} checked={mode === m} onChange={() => setMode(m)} />
              <label htmlFor={`${ids}-${m}`}>{t(`myData.import.modes.${m}`)}</label>
            </div>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={`${ids}-file`}>{t("myData.import.file")}</label>
          <input ref={fileInput} id={`${ids}-file`} type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {t("myData.import.submit")}
        </button>
      </form>
      {imports === null ? <Loading /> : null}
      {imports?.length ? (
        <>
          <h3 className="import-history-title">{t("myData.import.history")}</h3>
          <ul className="plain-list import-list">
            {imports.map((i) => {
              const percent = i.total ? Math.round((100 * i.processed) / i.total) : 100;
              const pending = i.state === "queued" || i.state === "running";
              return (
                <li key={i.id} className="import-item">
                  <p>
                    <strong>{t(`myData.import.types.${i.type}`)}</strong> — {formatDateTime(i.created_at)}
                  </p>
                  {pending ? (
                    <progress max={100} value={percent} aria-label={t("myData.import.progress", { type: t(`myData.import.types.${i.type}`) })}>
                      {percent} %
                    </progress>
                  ) : null}
                  <p aria-live="polite">{t(pending ? "myData.import.counts" : "myData.import.done", { processed: i.processed, total: i.total, failed: i.failed })}</p>
                  <ImportLines item={i} />
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function AliasesSection() {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [aliases, setAliases] = useState<AccountAlias[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [acct, setAcct] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.aliases().then(setAliases, setError);
  }, []);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!/^@?[^@\s]+@[^@\s]+$/.test(acct.trim())) return setProblem(t("myData.aliases.invalid"));
    setProblem(null);
    setBusy(true);
    try {
      setAliases(await api.addAlias(acct.trim()));
      setAcct("");
      announce(t("myData.aliases.added"));
    } catch (e) {
      setProblem(e instanceof ApiError && e.status === 404 ? t("myData.aliases.notFound") : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (alias: AccountAlias) => {
    try {
      setAliases(await api.removeAlias(alias.uri));
      announce(t("myData.aliases.removed"));
    } catch (e) {
      announce(errorText(e));
    }
  };

  return (
    <div className="subsection" role="group" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>{t("myData.aliases.title")}</h3>
      <p className="field-hint">{t("myData.aliases.intro")}</p>
      {error ? <ErrorNotice error={error} /> : null}
      {aliases?.length === 0 ? <EmptyState>{t("myData.aliases.empty")}</EmptyState> : null}
      <ul className="plain-list">
        {aliases?.map((a) => (
          <li key={a.uri} className="alias">
            <span className="alias-name">{a.acct ?? a.uri}</span>
            <button type="button" className="button button-small button-secondary" onClick={() => remove(a)} aria-label={t("myData.aliases.remove", { acct: a.acct ?? a.uri })}>
              {t("myData.aliases.removeShort")}
            </button>
          </li>
        ))}
      </ul>
      <form className="form" onSubmit={add} noValidate>
        <FormError>{problem}</FormError>
        <div className="field">
          <label htmlFor={`${ids}-acct`}>{t("myData.aliases.acct")}</label>
          <input id={`${ids}-acct`} type="text" autoCapitalize="none" spellCheck={false} placeholder="nom@autre-commune.fr" value={acct} onChange={(e) => setAcct(e.target.value)} />
        </div>
        <button type="submit" className="button button-secondary" disabled={busy || !acct.trim()}>
          {t("myData.aliases.add")}
        </button>
      </form>
    </div>
  );
}

/** Leaving for another account: the target (which lists this one among its aliases) and the password. */
function MoveForm() {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const { account } = useSession();
  const ids = useId();
  const [target, setTarget] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [movedTo, setMovedTo] = useState<Account | null>(account?.moved ?? null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!/^@?[^@\s]+@[^@\s]+$/.test(target.trim())) return setProblem(t("myData.aliases.invalid"));
    if (!password) return setProblem(t("myData.move.passwordRequired"));
    setProblem(null);
    setConfirm(true);
  };

  const reallyMove = async () => {
    setConfirm(false);
    try {
      const moved = await api.moveAccount(target.trim(), password);
      setPassword("");
      setMovedTo(moved.moved ?? null);
      announce(t("myData.move.done", { acct: moved.moved?.acct ?? target.trim() }));
    } catch (e) {
      const field = e instanceof ApiError ? e.details?.target_acct?.[0]?.error : undefined;
      if (e instanceof ApiError && e.status === 422 && e.details?.password) setProblem(t("settings.wrongPassword"));
      else if (field === "ERR_NOT_ALIAS") setProblem(t("myData.move.notAlias"));
      else if (e instanceof ApiError && e.status === 404) setProblem(t("myData.aliases.notFound"));
      else setProblem(errorText(e));
    }
  };

  return (
    <div className="subsection" role="group" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>{t("myData.move.leaveTitle")}</h3>
      {movedTo ? (
        <p role="status">
          {t("myData.move.movedTo")} <Link to={`/@${movedTo.acct}`}>{movedTo.acct}</Link>
        </p>
      ) : null}
      <p className="field-hint">{t("myData.move.leaveIntro")}</p>
      <form className="form" onSubmit={submit} noValidate>
        <FormError>{problem}</FormError>
        <input type="text" name="username" autoComplete="username" hidden readOnly value="" />
        <div className="field">
          <label htmlFor={`${ids}-target`}>{t("myData.move.target")}</label>
          <input id={`${ids}-target`} type="text" autoCapitalize="none" spellCheck={false} placeholder="nom@autre-commune.fr" value={target} onChange={(e) => setTarget(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-password`}>{t("settings.currentPassword")}</label>
          <input id={`${ids}-password`} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <button type="submit" className="button button-danger">
          {t("myData.move.submit")}
        </button>
      </form>
      <ConfirmDialog
        open={confirm}
        danger
        title={t("myData.move.leaveTitle")}
        message={t("myData.move.confirm", { acct: target.trim().replace(/^@/, "") })}
        confirmLabel={t("myData.move.submit")}
        onClose={() => setConfirm(false)}
        onConfirm={reallyMove}
      />
    </div>
  );
}

function MoveSection() {
  const { t } = useI18n();
  const ids = useId();
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("myData.move.title")}</h2>
      <p>{t("myData.move.intro")}</p>
      <AliasesSection />
      <MoveForm />
    </section>
  );
}

function DeletionSection() {
  const { t } = useI18n();
  const errorText = useErrorText();
  const { logout } = useSession();
  const ids = useId();
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!password) return setProblem(t("myData.delete.passwordRequired"));
    setProblem(null);
    setConfirm(true);
  };

  const reallyDelete = async () => {
    setConfirm(false);
    try {
      const { deletion_due_at } = await api.deleteAccount(password);
      // the server ended the session: back to the welcome page, saying until when it can be undone
      await logout().catch(() => {});
      navigate(deletion_due_at ? `/login?deletion=${encodeURIComponent(deletion_due_at)}` : "/", { replace: true });
    } catch (e) {
      setProblem(e instanceof ApiError && e.status === 422 ? t("settings.wrongPassword") : errorText(e));
    }
  };

  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("myData.delete.title")}</h2>
      <p>{t("myData.delete.intro")}</p>
      <form className="form" onSubmit={submit} noValidate>
        <FormError>{problem}</FormError>
        <input type="text" name="username" autoComplete="username" hidden readOnly value="" />
        <div className="field">
          <label htmlFor={`${ids}-password`}>{t("settings.currentPassword")}</label>
          <input id={`${ids}-password`} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <button type="submit" className="button button-danger">
          {t("myData.delete.submit")}
        </button>
      </form>
      <ConfirmDialog
        open={confirm}
        danger
        title={t("myData.delete.title")}
        message={t("myData.delete.confirm")}
        confirmLabel={t("myData.delete.submit")}
        onClose={() => setConfirm(false)}
        onConfirm={reallyDelete}
      />
    </section>
  );
}

export function MyDataScreen() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle text={t("myData.title")} />
      <p>
        <Link to="/settings">{t("myData.back")}</Link>
      </p>
      <ExportSection />
      <ImportSection />
      <MoveSection />
      <DeletionSection />
    </>
  );
}
