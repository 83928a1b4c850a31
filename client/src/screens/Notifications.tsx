// Notifications: the list from the API merged with those arriving live.
import { useCallback, useEffect, useMemo, useState } from "react";
import { api, type Notification, type Relationship } from "../api";
import { FollowButton, useRelationships } from "../components/Accounts";
import { Avatar, EmptyState, ErrorNotice, Loading, PageTitle, RelativeTime, useErrorText } from "../components/common";
import { ConfirmDialog } from "../components/Dialog";
import { BellIcon, BoostIcon, CloseIcon, EditIcon, FollowersIcon, ReplyIcon, StarIcon } from "../components/Icons";
import { Status } from "../components/Status";
import { useI18n } from "../i18n/context";
import { displayName, notificationKey } from "../lib/format";
import { Link, paths } from "../lib/router";
import { useAnnounce } from "../state/announcer";
import { useNotifications } from "../state/notifications";
import { subscribeEdits } from "../streaming/socket";
import "./Notifications.css";

function TypeIcon({ type }: { type: string }) {
  switch (type) {
    case "mention":
      return <ReplyIcon />;
    case "reblog":
      return <BoostIcon />;
    case "favourite":
      return <StarIcon filled />;
    case "follow":
    case "follow_request":
    case "parvis.group_request":
    case "parvis.group_approved":
    case "parvis.group_promoted":
      return <FollowersIcon />;
    case "update":
      return <EditIcon />;
    default:
      return <BellIcon />;
  }
}

function NotificationItem({
  notification,
  relationship,
  onRelationship,
  onDismiss,
  onDecided,
}: {
  notification: Notification;
  relationship?: Relationship;
  onRelationship: (r: Relationship) => void;
  onDismiss: () => void;
  onDecided: () => void;
}) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const { account } = notification;
  const name = displayName(account);
  const decide = async (accept: boolean) => {
    try {
      if (accept) await api.authorizeFollowRequest(account.id);
      else await api.rejectFollowRequest(account.id);
      announce(accept ? t("followRequests.accepted", { name }) : t("followRequests.rejected", { name }));
      onDecided();
    } catch (e) {
      announce(errorText(e));
    }
  };
  return (
    <article className={`notification notification-${notification.type}`} aria-label={t(notificationKey(notification.type), { name })}>
      <header className="notification-header">
        <span className="notification-icon">
          <TypeIcon type={notification.type} />
        </span>
        <Avatar account={account} size={32} />
        <p className="notification-text">
          <Link to={paths.profile(account.acct)}>
            <bdi>{name}</bdi>
          </Link>{" "}
          {t(notificationKey(notification.type, "short"))}
        </p>
        <span className="notification-time">
          <RelativeTime value={notification.created_at} />
        </span>
        <button type="button" className="icon-button" onClick={onDismiss} aria-label={t("notifications.dismiss")} title={t("notifications.dismiss")}>
          <CloseIcon />
        </button>
      </header>
      {notification.type === "follow" ? (
        <div className="notification-actions">
          <FollowButton account={account} relationship={relationship} onChange={onRelationship} />
        </div>
      ) : null}
      {notification.type === "follow_request" ? (
        <div className="notification-actions">
          <button type="button" className="button button-small" onClick={() => decide(true)} aria-label={`${t("followRequests.accept")} ${name}`}>
            {t("followRequests.accept")}
          </button>
          <button type="button" className="button button-small button-secondary" onClick={() => decide(false)} aria-label={`${t("followRequests.reject")} ${name}`}>
            {t("followRequests.reject")}
          </button>
        </div>
      ) : null}
      {notification.parvis_group ? (
        <p className="notification-group">
          {t("notifications.inGroup")} <Link to={paths.group(notification.parvis_group.id)}>{notification.parvis_group.name || notification.parvis_group.acct}</Link>
          {notification.type === "parvis.group_request" ? (
            <>
              {" · "}
              <Link to={`${paths.group(notification.parvis_group.id)}/manage`}>{t("notifications.seeRequests")}</Link>
            </>
          ) : null}
        </p>
      ) : null}
      {notification.status ? (
        <div className={notification.type === "mention" || notification.type === "status" ? "notification-status" : "notification-status notification-status-quoted"}>
          <Status status={notification.status} />
        </div>
      ) : null}
    </article>
  );
}

export function NotificationsScreen() {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const { live, markRead, forget } = useNotifications();
  const [items, setItems] = useState<Notification[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [confirmClear, setConfirmClear] = useState(false);

  const fetchPage = useCallback(async (maxId?: string) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.notifications({ max_id: maxId, limit: 20 });
      setItems((list) => (maxId ? [...list, ...page.items] : page.items));
      setNext(page.nextMaxId ?? (page.items.length >= 20 ? page.items[page.items.length - 1].id : null));
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void fetchPage();
  }, [fetchPage]);

  // Live ones first, without duplicates.
  const all = useMemo(() => {
    const seen = new Set<string>();
    return [...live, ...items].filter((n) => (seen.has(n.id) ? false : (seen.add(n.id), true)));
  }, [live, items]);

  // Being on this screen means having seen what it shows.
  useEffect(() => {
    if (all[0]) markRead(all[0].id);
    else markRead(null);
  }, [all, markRead]);

  // Statuses inside notifications follow edits and deletions.
  useEffect(
    () =>
      subscribeEdits((message) => {
        if (message.event === "delete") setItems((list) => list.filter((n) => n.status?.id !== message.payload));
        else if (message.event === "status.update") {
          const updated = message.payload;
          setItems((list) => list.map((n) => (n.status?.id === updated.id ? { ...n, status: { ...n.status, ...updated } } : n)));
        }
      }),
    [],
  );

  const followerIds = all.filter((n) => n.type === "follow").map((n) => n.account.id);
  const { relationships, update } = useRelationships(followerIds);

  const remove = (id: string) => {
    setItems((list) => list.filter((n) => n.id !== id));
    forget(id);
  };

  const dismiss = async (id: string) => {
    try {
      await api.dismissNotification(id);
      remove(id);
      announce(t("notifications.dismissed"));
    } catch (e) {
      announce(errorText(e));
    }
  };

  const clear = async () => {
    setConfirmClear(false);
    try {
      await api.clearNotifications();
      setItems([]);
      forget(null);
      setNext(null);
      announce(t("notifications.cleared"));
    } catch (e) {
      announce(errorText(e));
    }
  };

  return (
    <>
      <div className="page-heading-row">
        <PageTitle text={t("notifications.title")} />
        {all.length ? (
          <button type="button" className="button button-small button-secondary" onClick={() => setConfirmClear(true)}>
            {t("notifications.clear")}
          </button>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirmClear}
        title={t("notifications.clearTitle")}
        message={t("notifications.clearConfirm")}
        confirmLabel={t("notifications.clear")}
        danger
        onConfirm={clear}
        onClose={() => setConfirmClear(false)}
      />
      {error ? <ErrorNotice error={error} onRetry={() => fetchPage()} /> : null}
      {!loading && !error && all.length === 0 ? <EmptyState>{t("notifications.empty")}</EmptyState> : null}
      <ul className="notification-list">
        {all.map((n) => (
          <li key={n.id}>
            <NotificationItem
              notification={n}
              relationship={relationships[n.account.id]}
              onRelationship={update}
              onDismiss={() => dismiss(n.id)}
              onDecided={() => remove(n.id)}
            />
          </li>
        ))}
      </ul>
      {loading ? <Loading /> : null}
      {next && !loading ? (
        <div className="load-more">
          <button type="button" className="button button-secondary" onClick={() => fetchPage(next)}>
            {t("timeline.loadMore")}
          </button>
        </div>
      ) : null}
    </>
  );
}
