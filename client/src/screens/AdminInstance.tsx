// Administration of the charter, the rules, the privacy settings and the open
// data (licence, OpenStreetMap import) (admins only): every change of a rule is
// written to the public moderation log.
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { api, type AdminSettings, type ObservationImportReport, type Rule } from "../api";
import { EmptyState, ErrorNotice, FormError, Loading, PageTitle, useErrorText } from "../components/common";
import { ConfirmDialog } from "../components/Dialog";
import { PositionPicker, type Position } from "../components/PositionPicker";
import { useI18n } from "../i18n/context";
import { Link } from "../lib/router";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";

export function AdminInstanceScreen() {
  const { t } = useI18n();
  const { account } = useSession();
  const isAdmin = account?.roles?.some((r) => r.name === "Admin") ?? false;
  const [settings, setSettings] = useState<AdminSettings | null>(null);
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    Promise.all([api.adminSettings(), api.rules()]).then(([s, r]) => {
      setSettings(s);
      setRules(r);
    }, setError);
  }, []);
  useEffect(() => {
    if (isAdmin) load();
  }, [isAdmin, load]);

  if (!isAdmin) {
    return (
      <>
        <PageTitle text={t("adminInstance.title")} />
        <p>{t("admin.adminOnly")}</p>
      </>
    );
  }
  return (
    <>
      <PageTitle text={t("adminInstance.title")} />
      <p className="page-intro">
        {t("adminInstance.intro")} <Link to="/moderation_log">{t("modlog.link")}</Link>
      </p>
      {error ? <ErrorNotice error={error} onRetry={load} /> : null}
      {!settings && !error ? <Loading /> : null}
      {settings ? <CharterForm settings={settings} onSaved={setSettings} /> : null}
      {rules ? <RulesEditor rules={rules} onChange={setRules} /> : null}
      {settings ? <PrivacyForm settings={settings} onSaved={setSettings} /> : null}
      {settings ? <GroupCreationForm settings={settings} onSaved={setSettings} /> : null}
      {settings ? <MapSettingsForm settings={settings} onSaved={setSettings} /> : null}
      {settings ? <OpenDataForm settings={settings} onSaved={setSettings} /> : null}
      {settings ? <ObservationImportForm /> : null}
    </>
  );
}

function CharterForm({ settings, onSaved }: { settings: AdminSettings; onSaved: (s: AdminSettings) => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const announce = useAnnounce();
  const ids = useId();
  const [charter, setCharter] = useState(settings.charter);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      onSaved(await api.updateAdminSettings({ charter }));
      announce(t("adminInstance.saved"));
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form className="card admin-form" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("adminInstance.charter")}</h2>
      <div className="field">
        <label htmlFor={`${ids}-charter`}>{t("adminInstance.charterText")}</label>
        <textarea id={`${ids}-charter`} rows={10} maxLength={20000} value={charter} onChange={(e) => setCharter(e.target.value)} aria-describedby={`${ids}-hint`} />
        <p id={`${ids}-hint`} className="field-hint">
          {t("adminInstance.charterHint")}
        </p>
      </div>
      <FormError>{error ? errorText(error) : null}</FormError>
      <button type="submit" className="button" disabled={saving}>
        {t("admin.save")}
      </button>
    </form>
  );
}

function RulesEditor({ rules, onChange }: { rules: Rule[]; onChange: (r: Rule[]) => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const announce = useAnnounce();
  const ids = useId();
  const [text, setText] = useState("");
  const [hint, setHint] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Rule | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const rule = await api.addRule({ text, hint });
      onChange([...rules, rule]);
      setText("");
      setHint("");
      announce(t("adminInstance.ruleAdded"));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("adminInstance.rules")}</h2>
      <p className="field-hint">{t("adminInstance.rulesHint")}</p>
      {rules.length === 0 ? <EmptyState>{t("about.noRules")}</EmptyState> : null}
      <ol className="rules admin-rules">
        {rules.map((rule) =>
          editing === rule.id ? (
            <li key={rule.id}>
              <RuleEditForm
                rule={rule}
                onCancel={() => setEditing(null)}
                onSaved={(saved) => {
                  onChange(rules.map((r) => (r.id === saved.id ? saved : r)));
                  setEditing(null);
                  announce(t("adminInstance.saved"));
                }}
              />
            </li>
          ) : (
            <li key={rule.id}>
              <span className="rule-text">{rule.text}</span>
              {rule.hint ? <span className="rule-hint">{rule.hint}</span> : null}
              <span className="announcement-actions">
                <button type="button" className="button button-small button-secondary" onClick={() => setEditing(rule.id)}>
                  {t("admin.edit")}
                  <span className="visually-hidden"> : {rule.text}</span>
                </button>
                <button type="button" className="button button-small button-secondary" onClick={() => setRemoving(rule)}>
                  {t("admin.delete")}
                  <span className="visually-hidden"> : {rule.text}</span>
                </button>
              </span>
            </li>
          ),
        )}
      </ol>
      <form onSubmit={add} aria-labelledby={`${ids}-new`}>
        <h3 id={`${ids}-new`}>{t("adminInstance.newRule")}</h3>
        <div className="field">
          <label htmlFor={`${ids}-text`}>{t("adminInstance.ruleText")}</label>
          <input id={`${ids}-text`} type="text" value={text} maxLength={1000} required onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-hint`}>{t("adminInstance.ruleHint")}</label>
          <input id={`${ids}-hint`} type="text" value={hint} maxLength={1000} onChange={(e) => setHint(e.target.value)} />
        </div>
        <FormError>{error ? errorText(error) : null}</FormError>
        <button type="submit" className="button" disabled={!text.trim()}>
          {t("adminInstance.addRule")}
        </button>
      </form>
      <ConfirmDialog
        open={removing !== null}
        title={t("adminInstance.removeRule")}
        message={t("adminInstance.confirmRemoveRule", { text: removing?.text ?? "" })}
        confirmLabel={t("admin.delete")}
        danger
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          const rule = removing;
          setRemoving(null);
          if (!rule) return;
          try {
            await api.removeRule(rule.id);
            onChange(rules.filter((r) => r.id !== rule.id));
            announce(t("adminInstance.ruleRemoved"));
          } catch (err) {
            setError(err);
          }
        }}
      />
    </section>
  );
}

function RuleEditForm({ rule, onSaved, onCancel }: { rule: Rule; onSaved: (r: Rule) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const ids = useId();
  const [text, setText] = useState(rule.text);
  const [hint, setHint] = useState(rule.hint ?? "");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      onSaved(await api.updateRule(rule.id, { text, hint, reason: reason || undefined }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit} aria-label={t("adminInstance.editRule")}>
      <div className="field">
        <label htmlFor={`${ids}-text`}>{t("adminInstance.ruleText")}</label>
        <input id={`${ids}-text`} type="text" value={text} maxLength={1000} required onChange={(e) => setText(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-hint`}>{t("adminInstance.ruleHint")}</label>
        <input id={`${ids}-hint`} type="text" value={hint} maxLength={1000} onChange={(e) => setHint(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-reason`}>{t("adminInstance.publicReason")}</label>
        <input id={`${ids}-reason`} type="text" value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} />
      </div>
      <FormError>{error ? errorText(error) : null}</FormError>
      <span className="announcement-actions">
        <button type="submit" className="button button-small" disabled={!text.trim()}>
          {t("admin.save")}
        </button>
        <button type="button" className="button button-small button-secondary" onClick={onCancel}>
          {t("admin.cancel")}
        </button>
      </span>
    </form>
  );
}

function PrivacyForm({ settings, onSaved }: { settings: AdminSettings; onSaved: (s: AdminSettings) => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const announce = useAnnounce();
  const ids = useId();
  const [anonymise, setAnonymise] = useState(settings.moderation_log_anonymise);
  const [controller, setController] = useState(settings.data_controller);
  const [contact, setContact] = useState(settings.contact_email);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onSaved(await api.updateAdminSettings({ moderation_log_anonymise: anonymise, data_controller: controller, contact_email: contact }));
      announce(t("adminInstance.saved"));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card admin-form" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("adminInstance.privacy")}</h2>
      <div className="field field-checkbox">
        <input id={`${ids}-anon`} type="checkbox" checked={anonymise} onChange={(e) => setAnonymise(e.target.checked)} aria-describedby={`${ids}-anon-hint`} />
        <label htmlFor={`${ids}-anon`}>{t("adminInstance.anonymise")}</label>
        <p id={`${ids}-anon-hint`} className="field-hint">
          {t("adminInstance.anonymiseHint")}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-controller`}>{t("adminInstance.dataController")}</label>
        <textarea id={`${ids}-controller`} rows={3} maxLength={2000} value={controller} onChange={(e) => setController(e.target.value)} aria-describedby={`${ids}-controller-hint`} />
        <p id={`${ids}-controller-hint`} className="field-hint">
          {t("adminInstance.dataControllerHint")}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-contact`}>{t("adminInstance.contactEmail")}</label>
        <input id={`${ids}-contact`} type="email" maxLength={320} value={contact} onChange={(e) => setContact(e.target.value)} />
      </div>
      <FormError>{error ? errorText(error) : null}</FormError>
      <button type="submit" className="button">
        {t("admin.save")}
      </button>
      <p>
        <Link to="/privacy">{t("privacy.link")}</Link>
      </p>
    </form>
  );
}

/** Who may create groups: every resident, or the instance's admins only. */
function GroupCreationForm({ settings, onSaved }: { settings: AdminSettings; onSaved: (s: AdminSettings) => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const announce = useAnnounce();
  const ids = useId();
  const [mode, setMode] = useState(settings.group_creation);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onSaved(await api.updateAdminSettings({ group_creation: mode }));
      announce(t("adminInstance.saved"));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card admin-form" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("adminInstance.groups")}</h2>
      <div className="field">
        <label htmlFor={`${ids}-mode`}>{t("adminInstance.groupCreation")}</label>
        <select id={`${ids}-mode`} value={mode} onChange={(e) => setMode(e.target.value as AdminSettings["group_creation"])} aria-describedby={`${ids}-hint`}>
          <option value="everyone">{t("adminInstance.groupCreationEveryone")}</option>
          <option value="admins">{t("adminInstance.groupCreationAdmins")}</option>
        </select>
        <p id={`${ids}-hint`} className="field-hint">
          {t("adminInstance.groupCreationHint")}
        </p>
      </div>
      <FormError>{error ? errorText(error) : null}</FormError>
      <button type="submit" className="button">
        {t("admin.save")}
      </button>
    </form>
  );
}

/** Where the map opens: the commune's centre and a zoom level (the tile server itself is configured in the environment). */
function MapSettingsForm({ settings, onSaved }: { settings: AdminSettings; onSaved: (s: AdminSettings) => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const announce = useAnnounce();
  const ids = useId();
  const [center, setCenter] = useState<Position | null>(settings.map_center ? { latitude: settings.map_center[0], longitude: settings.map_center[1] } : null);
  const [zoom, setZoom] = useState(String(settings.map_zoom));
  const [error, setError] = useState<unknown>(null);
  const zoomValid = /^\d{1,2}$/.test(zoom) && Number(zoom) <= 19;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!zoomValid) return;
    setError(null);
    try {
      onSaved(await api.updateAdminSettings({ map_center: center ? [center.latitude, center.longitude] : null, map_zoom: Number(zoom) }));
      announce(t("adminInstance.saved"));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card admin-form" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("adminInstance.map")}</h2>
      <p className="field-hint">{t("adminInstance.mapHint")}</p>
      <PositionPicker legend={t("adminInstance.mapCenter")} value={center} onChange={setCenter} />
      {center ? (
        <p>
          <button type="button" className="button button-small button-secondary" onClick={() => setCenter(null)}>
            {t("adminInstance.mapCenterClear")}
          </button>
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={`${ids}-zoom`}>{t("adminInstance.mapZoom")}</label>
        <input id={`${ids}-zoom`} type="number" min={0} max={19} step={1} value={zoom} onChange={(e) => setZoom(e.target.value)} aria-invalid={!zoomValid || undefined} />
      </div>
      <FormError>{error ? errorText(error) : null}</FormError>
      <button type="submit" className="button" disabled={!zoomValid}>
        {t("admin.save")}
      </button>
    </form>
  );
}

function OpenDataForm({ settings, onSaved }: { settings: AdminSettings; onSaved: (s: AdminSettings) => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const announce = useAnnounce();
  const ids = useId();
  const [license, setLicense] = useState(settings.open_data_license);
  const [attribution, setAttribution] = useState(settings.open_data_attribution);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      onSaved(await api.updateAdminSettings({ open_data_license: license, open_data_attribution: attribution }));
      announce(t("adminInstance.saved"));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card admin-form" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("adminInstance.openData")}</h2>
      <p className="field-hint">{t("adminInstance.openDataIntro")}</p>
      <div className="field">
        <label htmlFor={`${ids}-license`}>{t("adminInstance.openDataLicense")}</label>
        <input
          id={`${ids}-license`}
          type="text"
          required
          maxLength={200}
          value={license}
          onChange={(e) => setLicense(e.target.value)}
          aria-describedby={`${ids}-license-hint`}
          autoComplete="off"
          spellCheck={false}
        />
        <p id={`${ids}-license-hint`} className="field-hint">
          {t("adminInstance.openDataLicenseHint")}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-attribution`}>{t("adminInstance.openDataAttribution")}</label>
        <textarea
          id={`${ids}-attribution`}
          rows={2}
          maxLength={1000}
          value={attribution}
          onChange={(e) => setAttribution(e.target.value)}
          aria-describedby={`${ids}-attribution-hint`}
        />
        <p id={`${ids}-attribution-hint`} className="field-hint">
          {t("adminInstance.openDataAttributionHint")}
        </p>
      </div>
      <FormError>{error ? errorText(error) : null}</FormError>
      <button type="submit" className="button">
        {t("adminInstance.openDataSave")}
      </button>
      <p>
        {t("adminInstance.openDataDownload")} <a href="/api/parvis/observations.geojson">GeoJSON</a> · <a href="/api/parvis/observations.csv">CSV</a>
      </p>
    </form>
  );
}

function ObservationImportForm() {
  const { t } = useI18n();
  const errorText = useErrorText();
  const announce = useAnnounce();
  const ids = useId();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ObservationImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const result = await api.importObservations(file);
      setReport(result);
      announce(t("adminInstance.importDone", { created: result.created, updated: result.updated, unchanged: result.unchanged, skipped: result.skipped }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const skipped = report ? report.elements.filter((el) => el.result === "skipped") : [];
  const dropped = report ? Object.entries(report.dropped_tags) : [];
  return (
    <form className="card admin-form" onSubmit={submit} aria-labelledby={`${ids}-title`} aria-busy={busy}>
      <h2 id={`${ids}-title`}>{t("adminInstance.importTitle")}</h2>
      <p className="field-hint">{t("adminInstance.importIntro")}</p>
      <div className="field">
        <label htmlFor={`${ids}-file`}>{t("adminInstance.importFile")}</label>
        <input
          id={`${ids}-file`}
          type="file"
          accept=".osm,.xml,.geojson,.json,application/xml,application/geo+json,application/json"
          required
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          aria-describedby={`${ids}-file-hint`}
        />
        <p id={`${ids}-file-hint`} className="field-hint">
          {t("adminInstance.importFileHint")}
        </p>
      </div>
      <FormError>{error ? errorText(error) : null}</FormError>
      <button type="submit" className="button" disabled={busy || !file}>
        {busy ? t("adminInstance.importing") : t("adminInstance.importButton")}
      </button>
      {report ? (
        <div className="import-report">
          <p>{t("adminInstance.importDone", { created: report.created, updated: report.updated, unchanged: report.unchanged, skipped: report.skipped })}</p>
          {dropped.length ? (
            <p>
              {t("adminInstance.importDropped")} {dropped.map(([key, n]) => `${key} (${n})`).join(", ")}
            </p>
          ) : null}
          {skipped.length ? (
            <>
              <h3>{t("adminInstance.importSkipped")}</h3>
              <ul>
                {skipped.map((el) => (
                  <li key={el.osm_id}>
                    <code>{el.osm_id}</code> — {el.reason}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
