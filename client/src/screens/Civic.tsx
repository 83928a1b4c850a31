// Civic screens: Explorer (trends of the commune), scheduled posts, and the
// admin screen for the commune's announcements.
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { api, type Announcement, type ScheduledStatus, type Status as StatusEntity, type TrendLink, type TrendTag } from "../api";
import { EmptyState, ErrorNotice, FormError, Loading, PageTitle, useErrorText } from "../components/common";
import { ConfirmDialog } from "../components/Dialog";
import { Status } from "../components/Status";
import { useI18n } from "../i18n/context";
import { Link, paths } from "../lib/router";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";
import "../components/Civic.css";

const accountsToday = (history: { accounts: string }[]) => history.slice(0, 2).reduce((n, h) => n + Number(h.accounts), 0);

export function ExploreScreen() {
  const { t } = useI18n();
  const { instance } = useSession();
  const ids = useId();
  const [tags, setTags] = useState<TrendTag[] | null>(null);
  const [statuses, setStatuses] = useState<StatusEntity[] | null>(null);
  const [links, setLinks] = useState<TrendLink[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    Promise.all([api.trendingTags(), api.trendingStatuses(), api.trendingLinks()]).then(([a, b, c]) => {
      setTags(a);
      setStatuses(b);
      setLinks(c);
    }, setError);
  }, []);
  useEffect(load, [load]);
  const name = instance?.parvis?.commune_name || instance?.title || "";
  return (
    <>
      <PageTitle text={t("explore.title")} />
      <p className="page-intro">{t("explore.intro", { name })}</p>
      {error ? <ErrorNotice error={error} onRetry={load} /> : null}
      {!tags && !error ? <Loading /> : null}
      {tags ? (
        <section aria-labelledby={`${ids}-tags`}>
          <h2 id={`${ids}-tags`}>{t("explore.tags")}</h2>
          {tags.length === 0 ? <EmptyState>{t("explore.empty")}</EmptyState> : null}
          <ul className="trend-list">
            {tags.map((tag) => (
              <li key={tag.name}>
                <Link to={paths.tag(tag.name)}>#{tag.name}</Link>
                <span className="trend-detail">{t("explore.tagUses", { count: accountsToday(tag.history) })}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {links ? (
        <section aria-labelledby={`${ids}-links`}>
          <h2 id={`${ids}-links`}>{t("explore.links")}</h2>
          {links.length === 0 ? <EmptyState>{t("explore.empty")}</EmptyState> : null}
          <ul className="trend-list">
            {links.map((link) => (
              <li key={link.url}>
                <a href={link.url} rel="noopener noreferrer nofollow" target="_blank">
                  {link.title}
                </a>
                <span className="trend-detail">{t("explore.linkShares", { count: accountsToday(link.history) })}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {statuses ? (
        <section aria-labelledby={`${ids}-statuses`}>
          <h2 id={`${ids}-statuses`}>{t("explore.statuses")}</h2>
          {statuses.length === 0 ? <EmptyState>{t("explore.empty")}</EmptyState> : null}
          {statuses.map((s) => (
            <Status key={s.id} status={s} />
          ))}
        </section>
      ) : null}
    </>
  );
}

export function ScheduledScreen() {
  const { t, formatDateTime } = useI18n();
  const announce = useAnnounce();
  const [items, setItems] = useState<ScheduledStatus[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api.scheduledStatuses().then(setItems, setError);
  }, []);
  useEffect(load, [load]);
  const cancel = async (id: string) => {
    try {
      await api.cancelScheduledStatus(id);
      setItems((list) => list?.filter((s) => s.id !== id) ?? null);
      announce(t("scheduled.cancelled"));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <PageTitle text={t("scheduled.title")} />
      {error ? <ErrorNotice error={error} onRetry={load} /> : null}
      {!items && !error ? <Loading /> : null}
      {items?.length === 0 ? <EmptyState>{t("scheduled.empty")}</EmptyState> : null}
      <ul className="admin-list">
        {items?.map((s) => (
          <li key={s.id} className="card">
            <p className="admin-state">{t("scheduled.at", { date: formatDateTime(s.scheduled_at) })}</p>
            <p>{s.params.text}</p>
            {s.params.poll ? <p className="admin-state">{t("scheduled.withPoll")}</p> : null}
            <button type="button" className="button button-small button-secondary" onClick={() => cancel(s.id)}>
              {t("scheduled.cancel")}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

/** datetime-local value ("2030-05-01T08:00") for an ISO date, in local time. */
function localInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const isoOf = (value: string) => (value ? new Date(value).toISOString() : null);

type Publication = "now" | "later" | "draft";

function AnnouncementForm({ initial, onSaved, onCancel }: { initial?: Announcement; onSaved: (a: Announcement) => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [text, setText] = useState(initial?.text ?? "");
  const [startsAt, setStartsAt] = useState(localInput(initial?.starts_at));
  const [endsAt, setEndsAt] = useState(localInput(initial?.ends_at));
  const [allDay, setAllDay] = useState(initial?.all_day ?? false);
  const [publication, setPublication] = useState<Publication>(initial ? (initial.scheduled_at ? "later" : initial.published ? "now" : "draft") : "now");
  const [scheduledAt, setScheduledAt] = useState(localInput(initial?.scheduled_at));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    const input = {
      text,
      starts_at: isoOf(startsAt),
      ends_at: isoOf(endsAt),
      all_day: allDay,
      published: publication !== "draft",
      scheduled_at: publication === "later" ? isoOf(scheduledAt) : null,
    };
    try {
      const saved = initial ? await api.updateAnnouncement(initial.id, input) : await api.createAnnouncement(input);
      announce(t("admin.saved"));
      if (!initial) {
        setText("");
        setStartsAt("");
        setEndsAt("");
        setAllDay(false);
      }
      onSaved(saved);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="admin-form card" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{initial ? t("admin.editAnnouncement") : t("admin.newAnnouncement")}</h2>
      <div className="field">
        <label htmlFor={`${ids}-text`}>{t("admin.text")}</label>
        <textarea id={`${ids}-text`} rows={4} value={text} maxLength={5000} required onChange={(e) => setText(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-starts`}>{t("admin.startsAt")}</label>
        <input id={`${ids}-starts`} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-ends`}>{t("admin.endsAt")}</label>
        <input id={`${ids}-ends`} type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={allDay} onChange={(e) => setAllDay(e.target.checked)} /> {t("admin.allDay")}
      </label>
      <fieldset className="radio-group">
        <legend>{t("admin.publication")}</legend>
        {(["now", "later", "draft"] as const).map((p) => (
          <div key={p} className="radio">
            <input type="radio" id={`${ids}-${p}`} name={`${ids}-publication`} checked={publication === p} onChange={() => setPublication(p)} />
            <label htmlFor={`${ids}-${p}`}>{t(p === "now" ? "admin.publishNow" : p === "later" ? "admin.publishLater" : "admin.draft")}</label>
          </div>
        ))}
      </fieldset>
      {publication === "later" ? (
        <div className="field">
          <label htmlFor={`${ids}-scheduled`}>{t("admin.scheduledAt")}</label>
          <input id={`${ids}-scheduled`} type="datetime-local" value={scheduledAt} required onChange={(e) => setScheduledAt(e.target.value)} />
        </div>
      ) : null}
      <FormError>{error ? errorText(error) : null}</FormError>
      <div className="announcement-actions">
        <button type="submit" className="button" disabled={saving || !text.trim()}>
          {initial ? t("admin.save") : t("admin.create")}
        </button>
        {onCancel ? (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {t("admin.cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}

export function AdminAnnouncementsScreen() {
  const { t, formatDateTime } = useI18n();
  const { account } = useSession();
  const announce = useAnnounce();
  const ids = useId();
  const [items, setItems] = useState<Announcement[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const isAdmin = account?.roles?.some((r) => r.name === "Admin") ?? false;
  const load = useCallback(() => {
    api.adminAnnouncements().then(setItems, setError);
  }, []);
  useEffect(() => {
    if (isAdmin) load();
  }, [isAdmin, load]);

  if (!isAdmin) {
    return (
      <>
        <PageTitle text={t("admin.announcements")} />
        <p>{t("admin.adminOnly")}</p>
      </>
    );
  }
  const replace = (a: Announcement) => setItems((list) => (list?.some((x) => x.id === a.id) ? list.map((x) => (x.id === a.id ? a : x)) : [a, ...(list ?? [])]));
  const stateOf = (a: Announcement) =>
    a.shown ? t("admin.statusShown") : a.scheduled_at ? t("admin.statusScheduled", { date: formatDateTime(a.scheduled_at) }) : a.published ? t("admin.statusEnded") : t("admin.statusDraft");

  return (
    <>
      <PageTitle text={t("admin.announcements")} />
      <p className="page-intro">{t("admin.announcementsIntro")}</p>
      <AnnouncementForm onSaved={replace} />
      <section aria-labelledby={`${ids}-list`}>
        <h2 id={`${ids}-list`}>{t("admin.list")}</h2>
        {error ? <ErrorNotice error={error} onRetry={load} /> : null}
        {!items && !error ? <Loading /> : null}
        {items?.length === 0 ? <EmptyState>{t("admin.empty")}</EmptyState> : null}
        <ul className="admin-list">
          {items?.map((a) =>
            editing === a.id ? (
              <li key={a.id}>
                <AnnouncementForm
                  initial={a}
                  onSaved={(saved) => {
                    replace(saved);
                    setEditing(null);
                  }}
                  onCancel={() => setEditing(null)}
                />
              </li>
            ) : (
              <li key={a.id} className="card">
                <p className="admin-state">{stateOf(a)}</p>
                <p>{a.text}</p>
                <div className="announcement-actions">
                  <button type="button" className="button button-small button-secondary" onClick={() => setEditing(a.id)}>
                    {t("admin.edit")}
                  </button>
                  {a.shown ? (
                    <button
                      type="button"
                      className="button button-small button-secondary"
                      onClick={async () => {
                        try {
                          replace(await api.endAnnouncement(a.id));
                          announce(t("admin.ended"));
                        } catch (e) {
                          setError(e);
                        }
                      }}
                    >
                      {t("admin.end")}
                    </button>
                  ) : null}
                  <button type="button" className="button button-small button-secondary" onClick={() => setDeleting(a.id)}>
                    {t("admin.delete")}
                  </button>
                </div>
              </li>
            ),
          )}
        </ul>
      </section>
      <ConfirmDialog
        open={deleting !== null}
        title={t("admin.delete")}
        message={t("admin.confirmDelete")}
        confirmLabel={t("admin.delete")}
        danger
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          const id = deleting;
          setDeleting(null);
          if (!id) return;
          try {
            await api.deleteAnnouncement(id);
            setItems((list) => list?.filter((x) => x.id !== id) ?? null);
            announce(t("admin.deleted"));
          } catch (e) {
            setError(e);
          }
        }}
      />
    </>
  );
}

/** Links from the settings screen to the civic screens (admins see the announcements screen). */
export function CivicSettingsLinks() {
  const { t } = useI18n();
  const { account } = useSession();
  const ids = useId();
  const isAdmin = account?.roles?.some((r) => r.name === "Admin") ?? false;
  const isStaff = isAdmin || (account?.roles?.some((r) => r.name === "Moderator") ?? false);
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("settingsLinks.title")}</h2>
      <ul>
        <li>
          <Link to="/scheduled_statuses">{t("settingsLinks.scheduled")}</Link>
        </li>
        {isStaff ? (
          <li>
            <Link to="/admin/reports">{t("settingsLinks.moderation")}</Link>
          </li>
        ) : null}
        {isAdmin ? (
          <li>
            <Link to="/admin/announcements">{t("settingsLinks.adminAnnouncements")}</Link>
          </li>
        ) : null}
        {isAdmin ? (
          <li>
            <Link to="/admin/instance">{t("settingsLinks.adminInstance")}</Link>
          </li>
        ) : null}
      </ul>
    </section>
  );
}
