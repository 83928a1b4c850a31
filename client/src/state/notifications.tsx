// Notifications arriving live on the "user" stream: an unread count for the
// navigation badge, the new items for the notifications screen, and a spoken
// announcement.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { api, type Notification } from "../api";
import { onReconnect, subscribe } from "../streaming/socket";
import { useI18n } from "../i18n/context";
import { displayName, notificationText } from "../lib/format";
import { setTitleUnread } from "../lib/title";
import { useAnnounce } from "./announcer";
import { useSession } from "./session";

interface NotificationsValue {
  unread: number;
  /** received live since the page was opened, newest first */
  live: Notification[];
  markRead: (newestId: string | null) => void;
  forget: (id: string | null) => void;
}

const NotificationsContext = createContext<NotificationsValue>({ unread: 0, live: [], markRead: () => {}, forget: () => {} });

const seenKey = (accountId: string) => `parvis.notifications.seen.${accountId}`;

function compareIds(a: string, b: string): number {
  // Ids are sortable: a longer one is newer; same length compares as text.
  return a.length === b.length ? (a < b ? -1 : a > b ? 1 : 0) : a.length - b.length;
}

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const { account } = useSession();
  const i18n = useI18n();
  const announce = useAnnounce();
  const [live, setLive] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [seenId, setSeenId] = useState<string | null>(null);
  const seenIdRef = useRef(seenId);
  seenIdRef.current = seenId;
  const accountId = account?.id ?? null;

  useEffect(() => {
    setLive([]);
    setUnread(0);
    if (!accountId) return;
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(seenKey(accountId));
    } catch {
      stored = null;
    }
    setSeenId(stored);
    let cancelled = false;
    api
      .notifications(stored ? { since_id: stored, limit: 40 } : { limit: 1 })
      .then((page) => {
        if (cancelled) return;
        if (stored) setUnread((n) => n + page.items.length);
        else if (page.items[0]) {
          // first visit on this browser: nothing is "new" yet
          try {
            localStorage.setItem(seenKey(accountId), page.items[0].id);
          } catch {
            // ignore
          }
          setSeenId(page.items[0].id);
        }
      })
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [accountId]);

  useEffect(() => {
    if (!accountId) return;
    return subscribe(
      { stream: "user" },
      (message) => {
        if (message.event !== "notification") return;
        const notification = message.payload;
        setLive((list) => (list.some((n) => n.id === notification.id) ? list : [notification, ...list]));
        setUnread((n) => n + 1);
        announce(
          i18n.t("notifications.announce", {
            text: notificationText(i18n.t, notification.type, displayName(notification.account)),
          }),
        );
      },
      { allEdits: false },
    );
  }, [accountId, announce, i18n]);

  // Back from a disconnection: fetch what arrived meanwhile.
  const liveRef = useRef(live);
  liveRef.current = live;
  useEffect(() => {
    if (!accountId) return;
    return onReconnect(() => {
      const newest = liveRef.current[0]?.id ?? seenIdRef.current;
      if (!newest) return;
      api
        .notifications({ since_id: newest, limit: 40 })
        .then((page) => {
          const fresh = page.items.filter((n) => !liveRef.current.some((m) => m.id === n.id));
          if (!fresh.length) return;
          setLive((list) => [...fresh, ...list]);
          setUnread((n) => n + fresh.length);
        })
        .catch(() => {});
    });
  }, [accountId]);

  const markRead = useCallback(
    (newestId: string | null) => {
      setUnread(0);
      if (!accountId || !newestId) return;
      if (seenId && compareIds(newestId, seenId) <= 0) return;
      setSeenId(newestId);
      try {
        localStorage.setItem(seenKey(accountId), newestId);
      } catch {
        // ignore
      }
    },
    [accountId, seenId],
  );

  const forget = useCallback((id: string | null) => {
    setLive((list) => (id === null ? [] : list.filter((n) => n.id !== id)));
  }, []);

  const value = useMemo(() => ({ unread, live, markRead, forget }), [unread, live, markRead, forget]);

  useEffect(() => {
    setTitleUnread(unread);
  }, [unread]);

  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>;
}

export function useNotifications(): NotificationsValue {
  return useContext(NotificationsContext);
}
