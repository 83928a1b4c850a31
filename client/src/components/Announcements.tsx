// The commune's announcements on the home screen: the unread ones open, the
// read ones one click away; mark as read, react with an emoji.
import { useCallback, useEffect, useId, useState } from "react";
import { api, type Announcement } from "../api";
import { useI18n } from "../i18n/context";
import { useAnnounce } from "../state/announcer";
import { ServerHtml } from "./Status";
import { FormError, useErrorText } from "./common";
import "./Civic.css";

/** The reactions offered in one click (any unicode emoji is accepted by the API). */
const QUICK_REACTIONS = ["👍", "❤️", "🎉", "🙏", "😮"];

export function Announcements() {
  const { t } = useI18n();
  const headingId = useId();
  const [items, setItems] = useState<Announcement[] | null>(null);
  const [showRead, setShowRead] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errorText = useErrorText();

  const load = useCallback(() => {
    api.announcements().then(setItems, setError);
  }, []);
  useEffect(load, [load]);

  if (error) return <p className="form-error">{errorText(error)}</p>;
  if (!items || items.length === 0) return null;
  const unread = items.filter((a) => !a.read);
  const shown = showRead ? items : unread;

  return (
    <section className="announcements" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {t("announcements.title")}
        {unread.length ? <span className="admin-state">{t("announcements.unread", { count: unread.length })}</span> : null}
      </h2>
      {shown.length ? (
        <ul className="announcement-list">
          {shown.map((a) => (
            <AnnouncementItem key={a.id} announcement={a} onChange={(next) => setItems((list) => list?.map((x) => (x.id === next.id ? next : x)) ?? null)} />
          ))}
        </ul>
      ) : null}
      {items.length > unread.length ? (
        <button type="button" className="link-button" aria-expanded={showRead} onClick={() => setShowRead((v) => !v)}>
          {showRead ? t("announcements.hide") : t("announcements.show")}
        </button>
      ) : null}
    </section>
  );
}

function AnnouncementItem({ announcement: a, onChange }: { announcement: Announcement; onChange: (a: Announcement) => void }) {
  const { t, formatDateTime } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [error, setError] = useState<unknown>(null);

  const dismiss = async () => {
    try {
      await api.dismissAnnouncement(a.id);
      onChange({ ...a, read: true });
      announce(t("announcements.read"));
    } catch (e) {
      setError(e);
    }
  };

  const toggle = async (name: string) => {
    const current = a.reactions.find((r) => r.name === name);
    const me = current?.me ?? false;
    try {
      if (me) await api.unreact(a.id, name);
      else await api.react(a.id, name);
      const others = a.reactions.filter((r) => r.name !== name);
      const count = (current?.count ?? 0) + (me ? -1 : 1);
      const reactions = count > 0 ? [...others, { name, count, me: !me }] : others;
      const order = (n: string) => a.reactions.findIndex((r) => r.name === n);
      reactions.sort((x, y) => (order(x.name) < 0 ? 99 : order(x.name)) - (order(y.name) < 0 ? 99 : order(y.name)));
      onChange({ ...a, reactions });
    } catch (e) {
      setError(e);
    }
  };

  const names = [...new Set([...a.reactions.map((r) => r.name), ...QUICK_REACTIONS])];
  return (
    <li className={a.read ? "announcement announcement-read" : "announcement"}>
      <ServerHtml html={a.content} className="status-content" />
      {a.starts_at ? (
        <p className="announcement-when">
          {a.ends_at ? t("announcements.when", { start: formatDateTime(a.starts_at), end: formatDateTime(a.ends_at) }) : formatDateTime(a.starts_at)}
        </p>
      ) : null}
      <div className="reactions" role="group" aria-label={t("announcements.react")}>
        {names.map((name) => {
          const r = a.reactions.find((x) => x.name === name);
          const count = r?.count ?? 0;
          return (
            <button
              key={name}
              type="button"
              className="button button-small button-secondary reaction"
              aria-pressed={r?.me ?? false}
              aria-label={r?.me ? t("announcements.removeReaction", { emoji: name, count: String(count) }) : t("announcements.addReaction", { emoji: name, count: String(count) })}
              onClick={() => toggle(name)}
            >
              <span aria-hidden="true">
                {name} {count > 0 ? count : null}
              </span>
            </button>
          );
        })}
      </div>
      {a.read ? null : (
        <div className="announcement-actions">
          <button type="button" className="button button-small" onClick={dismiss}>
            {t("announcements.markRead")}
          </button>
        </div>
      )}
      <FormError>{error ? errorText(error) : null}</FormError>
    </li>
  );
}
