// Private messages: direct conversations, the unread ones marked, each with its
// last message; opening one marks it read.
import { useEffect, useState } from "react";
import { api, type Conversation } from "../api";
import { EmptyState, ErrorNotice, Loading, PageTitle, useErrorText } from "../components/common";
import { Status } from "../components/Status";
import { displayName } from "../lib/format";
import { useI18n } from "../i18n/context";
import { navigate, paths } from "../lib/router";
import { useAnnounce } from "../state/announcer";

export function ConversationsScreen() {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [items, setItems] = useState<Conversation[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.conversations({ limit: 20 }).then((page) => {
      setItems(page.items);
      setNext(page.nextMaxId);
    }, setError);
  }, []);

  const more = async () => {
    if (!next) return;
    try {
      const page = await api.conversations({ limit: 20, max_id: next });
      setItems((list) => [...(list ?? []), ...page.items]);
      setNext(page.nextMaxId);
    } catch (e) {
      announce(errorText(e));
    }
  };

  const open = async (c: Conversation) => {
    if (!c.last_status) return;
    if (c.unread) await api.readConversation(c.id).catch(() => undefined);
    navigate(paths.status(c.last_status.account.acct, c.last_status.id));
  };

  const markRead = async (c: Conversation) => {
    try {
      const updated = await api.readConversation(c.id);
      setItems((list) => list?.map((x) => (x.id === c.id ? updated : x)) ?? null);
      announce(t("conversations.markedRead"));
    } catch (e) {
      announce(errorText(e));
    }
  };

  const remove = async (c: Conversation) => {
    try {
      await api.deleteConversation(c.id);
      setItems((list) => list?.filter((x) => x.id !== c.id) ?? null);
      announce(t("conversations.removed"));
    } catch (e) {
      announce(errorText(e));
    }
  };

  return (
    <>
      <PageTitle text={t("conversations.title")} />
      <p className="page-intro">{t("conversations.intro")}</p>
      {error ? <ErrorNotice error={error} /> : null}
      {!items && !error ? <Loading /> : null}
      {items?.length === 0 ? <EmptyState>{t("conversations.empty")}</EmptyState> : null}
      <ul className="plain-list">
        {items?.map((c) => {
          const names = c.accounts.map((a) => displayName(a)).join(", ") || t("conversations.yourself");
          return (
            <li key={c.id} className={c.unread ? "card conversation conversation-unread" : "card conversation"}>
              <h2 className="conversation-title">
                {t("conversations.with", { names })}
                {c.unread ? <span className="tag-label">{t("conversations.unread")}</span> : null}
              </h2>
              {c.last_status ? <Status status={c.last_status} /> : null}
              <div className="button-row">
                {c.last_status ? (
                  <button type="button" className="button button-small" onClick={() => open(c)}>
                    {t("conversations.open")}
                  </button>
                ) : null}
                {c.unread ? (
                  <button type="button" className="button button-small button-secondary" onClick={() => markRead(c)}>
                    {t("conversations.markRead")}
                  </button>
                ) : null}
                <button type="button" className="button button-small button-secondary" onClick={() => remove(c)} aria-label={t("conversations.removeWith", { names })}>
                  {t("conversations.remove")}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      {next ? (
        <button type="button" className="button button-secondary" onClick={more}>
          {t("conversations.more")}
        </button>
      ) : null}
    </>
  );
}
