// Accounts in lists: a row with avatar and names, the follow button, and the
// relationships that drive it.
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { api, type Account, type Page, type Relationship } from "../api";
import { useI18n } from "../i18n/context";
import { displayName } from "../lib/format";
import { Link, paths } from "../lib/router";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";
import { Avatar, EmptyState, ErrorNotice, Loading, useErrorText } from "./common";
import { LockIcon } from "./Icons";

/** Relationships of the logged-in account with the given accounts. */
export function useRelationships(ids: string[]) {
  const { account } = useSession();
  const [map, setMap] = useState<Record<string, Relationship>>({});
  const key = ids.join(",");
  useEffect(() => {
    if (!account) return;
    const missing = ids.filter((id) => id !== account.id);
    if (!missing.length) return;
    let cancelled = false;
    api
      .relationships(missing)
      .then((list) => {
        if (cancelled) return;
        setMap((m) => ({ ...m, ...Object.fromEntries(list.map((r) => [r.id, r])) }));
      })
      .catch(() => {});
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, account?.id]);
  const update = useCallback((r: Relationship) => setMap((m) => ({ ...m, [r.id]: r })), []);
  return { relationships: map, update };
}

export function followLabelKey(relationship: Relationship | undefined, locked: boolean): string {
  if (relationship?.blocking) return "relationship.unblock";
  if (relationship?.following) return "relationship.unfollow";
  if (relationship?.requested) return "relationship.cancelRequest";
  return locked ? "relationship.requestFollow" : "relationship.follow";
}

export function FollowButton({
  account,
  relationship,
  onChange,
}: {
  account: Account;
  relationship: Relationship | undefined;
  onChange: (r: Relationship) => void;
}) {
  const { t } = useI18n();
  const { account: me } = useSession();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  if (!me || me.id === account.id) return null;
  const key = followLabelKey(relationship, account.locked);
  const name = displayName(account);
  const act = async () => {
    setBusy(true);
    try {
      let next: Relationship;
      if (relationship?.blocking) next = await api.unblock(account.id);
      else if (relationship?.following || relationship?.requested) next = await api.unfollow(account.id);
      else next = await api.follow(account.id);
      onChange(next);
      announce(
        next.following
          ? t("relationship.nowFollowing", { name })
          : next.requested
            ? t("relationship.requestSent", { name })
            : t("relationship.notFollowing", { name }),
      );
    } catch (error) {
      announce(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  const primary = !relationship?.following && !relationship?.requested && !relationship?.blocking;
  return (
    <button
      type="button"
      className={primary ? "button button-small" : "button button-small button-secondary"}
      onClick={act}
      disabled={busy || !relationship}
      aria-label={`${t(key)} ${name}`}
    >
      {t(key)}
    </button>
  );
}

export function AccountRow({
  account,
  relationship,
  onRelationship,
  actions,
}: {
  account: Account;
  relationship?: Relationship;
  onRelationship?: (r: Relationship) => void;
  actions?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className="account-row">
      <Avatar account={account} size={48} />
      <div className="account-row-names">
        <Link to={paths.profile(account.acct)} className="account-row-name">
          <bdi>{displayName(account)}</bdi>
        </Link>
        <span className="account-row-acct">
          @{account.acct}
          {account.locked ? <LockIcon width={14} height={14} title={t("profile.locked")} /> : null}
        </span>
        {relationship?.followed_by ? <span className="tag-label">{t("relationship.followsYou")}</span> : null}
      </div>
      <div className="account-row-actions">
        {actions ?? (onRelationship ? <FollowButton account={account} relationship={relationship} onChange={onRelationship} /> : null)}
      </div>
    </div>
  );
}

/** A paginated list of accounts with follow buttons. */
export function AccountList({ id, load, emptyText, label }: { id: string; load: (maxId?: string) => Promise<Page<Account>>; emptyText: string; label: string }) {
  const { t } = useI18n();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const { relationships, update } = useRelationships(accounts.map((a) => a.id));

  const fetchPage = useCallback(
    async (maxId?: string) => {
      setLoading(true);
      setError(null);
      try {
        const page = await load(maxId);
        setAccounts((list) => (maxId ? [...list, ...page.items.filter((a) => !list.some((b) => b.id === a.id))] : page.items));
        setNext(page.nextMaxId);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [load],
  );

  useEffect(() => {
    void fetchPage();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  return (
    <section aria-label={label}>
      {error ? <ErrorNotice error={error} onRetry={() => fetchPage()} /> : null}
      {!loading && !error && accounts.length === 0 ? <EmptyState>{emptyText}</EmptyState> : null}
      <ul className="account-list">
        {accounts.map((a) => (
          <li key={a.id}>
            <AccountRow account={a} relationship={relationships[a.id]} onRelationship={update} />
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
    </section>
  );
}
