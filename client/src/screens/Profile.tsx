// Profiles: header, relationship actions (follow, block, mute), the account's
// posts, followers and following; for one's own profile, the edit form and
// pending follow requests.
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { api, ApiError, type Account, type CredentialAccount, type Relationship } from "../api";
import { AccountList, AccountRow, FollowButton, useRelationships } from "../components/Accounts";
import { Avatar, EmptyState, ErrorNotice, Loading, PageTitle, useErrorText } from "../components/common";
import { ConfirmDialog } from "../components/Dialog";
import { LockIcon } from "../components/Icons";
import { Menu } from "../components/Menu";
import { ReportDialog } from "../components/ReportDialog";
import { ServerHtml } from "../components/Status";
import { Timeline } from "../components/Timeline";
import { useI18n } from "../i18n/context";
import { displayName, htmlToText } from "../lib/format";
import { Link, navigate, paths } from "../lib/router";
import type { ScreenProps } from "./props";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";
import "./Profile.css";

const MAX_FIELDS = 4;

/** Finds an account by its handle, asking the server to fetch a remote one if needed. */
export async function resolveAccount(acct: string, canResolve: boolean): Promise<Account> {
  const handle = acct.replace(/^@/, "");
  try {
    return await api.lookup(handle);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404) || !handle.includes("@") || !canResolve) throw error;
  }
  const results = await api.search(handle, { type: "accounts", resolve: true, limit: 5 });
  const found = results.accounts.find((a) => a.acct.toLowerCase() === handle.toLowerCase()) ?? results.accounts[0];
  if (!found) throw new ApiError(404, "Not found");
  return found;
}

function useProfile(acct: string) {
  const { account: me } = useSession();
  const [account, setAccount] = useState<Account | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let cancelled = false;
    setAccount(null);
    setError(null);
    resolveAccount(acct, Boolean(me)).then(
      (a) => !cancelled && setAccount(a),
      (e) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [acct, me?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  return { account, setAccount, error };
}

function ProfileHeader({ account, relationship, onRelationship, isSelf }: { account: Account; relationship?: Relationship; onRelationship: (r: Relationship) => void; isSelf: boolean }) {
  const { t, formatNumber, formatDate } = useI18n();
  const { account: me, instance } = useSession();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [confirmBlock, setConfirmBlock] = useState(false);
  const [reporting, setReporting] = useState(false);
  const isStaff = me?.roles?.some((r) => r.name === "Admin" || r.name === "Moderator") ?? false;
  const name = displayName(account);
  const fullHandle = account.acct.includes("@") ? account.acct : `${account.acct}@${instance?.domain ?? location.host}`;

  const act = async (fn: () => Promise<Relationship>, message: string) => {
    try {
      onRelationship(await fn());
      announce(message);
    } catch (error) {
      announce(errorText(error));
    }
  };

  return (
    <section className="profile-header card" aria-labelledby="profile-name">
      <div className="profile-top">
        <Avatar account={account} size={96} />
        <div className="profile-names">
          <PageTitle text={name} className="page-title profile-title">
            <span id="profile-name">
              <bdi>{name}</bdi>
            </span>
          </PageTitle>
          <p className="profile-acct">
            @{fullHandle}
            {account.locked ? <LockIcon width={16} height={16} title={t("profile.locked")} /> : null}
          </p>
          {relationship?.followed_by ? <span className="tag-label">{t("relationship.followsYou")}</span> : null}
          {account.group && !account.acct.includes("@") ? (
            <p>
              <Link to={paths.group(account.id)}>{t("groups.openPage")}</Link>
            </p>
          ) : null}
        </div>
        <div className="profile-actions">
          {isSelf ? null : me ? (
            <>
              <FollowButton account={account} relationship={relationship} onChange={onRelationship} />
              <Menu
                label={t("profile.moreActions", { name })}
                items={[
                  relationship?.muting
                    ? { label: t("relationship.unmute"), onSelect: () => act(() => api.unmute(account.id), t("relationship.unmuted", { name })) }
                    : { label: t("relationship.mute"), onSelect: () => act(() => api.mute(account.id), t("relationship.muted", { name })) },
                  relationship?.blocking
                    ? { label: t("relationship.unblock"), onSelect: () => act(() => api.unblock(account.id), t("relationship.unblocked", { name })) }
                    : { label: t("relationship.block"), danger: true, onSelect: () => setConfirmBlock(true) },
                  { label: t("report.action"), onSelect: () => setReporting(true) },
                  ...(isStaff ? [{ label: t("moderation.moderate"), onSelect: () => navigate(`/admin/accounts/${account.id}`) }] : []),
                ]}
              />
              {reporting ? <ReportDialog open account={account} onClose={() => setReporting(false)} /> : null}
              <ConfirmDialog
                open={confirmBlock}
                title={t("relationship.blockTitle", { name })}
                message={t("relationship.blockConfirm", { name })}
                confirmLabel={t("relationship.block")}
                danger
                onClose={() => setConfirmBlock(false)}
                onConfirm={() => {
                  setConfirmBlock(false);
                  void act(() => api.block(account.id), t("relationship.blocked", { name }));
                }}
              />
            </>
          ) : (
            <Link to={`/login?next=${encodeURIComponent(paths.profile(account.acct))}`} className="button button-small">
              {t("relationship.loginToFollow")}
            </Link>
          )}
        </div>
      </div>
      {relationship?.blocking ? <p className="notice">{t("relationship.youBlock")}</p> : null}
      {relationship?.muting ? <p className="notice">{t("relationship.youMute")}</p> : null}
      {account.note ? <ServerHtml html={account.note} className="profile-note" /> : null}
      {account.fields?.length ? (
        <dl className="profile-fields">
          {account.fields.map((f, i) => (
            <div key={i}>
              <dt>{f.name}</dt>
              <dd>
                <ServerHtml html={f.value} />
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      <ul className="profile-counts">
        <li>
          <strong>{formatNumber(account.statuses_count)}</strong> {t("profile.postsCount", { count: account.statuses_count })}
        </li>
        <li>
          <Link to={`${paths.profile(account.acct)}/following`}>
            <strong>{formatNumber(account.following_count)}</strong> {t("profile.followingCount", { count: account.following_count })}
          </Link>
        </li>
        <li>
          <Link to={`${paths.profile(account.acct)}/followers`}>
            <strong>{formatNumber(account.followers_count)}</strong> {t("profile.followersCount", { count: account.followers_count })}
          </Link>
        </li>
        <li>{t("profile.joined", { date: formatDate(account.created_at) })}</li>
      </ul>
    </section>
  );
}

export function ProfileScreen({ params }: ScreenProps) {
  const { t } = useI18n();
  const { account: me } = useSession();
  const { account, setAccount, error } = useProfile(params.acct);
  const { relationships, update } = useRelationships(account ? [account.id] : []);
  const [editing, setEditing] = useState(false);
  const isSelf = Boolean(me && account && me.id === account.id);
  const shown = isSelf && me ? me : account;
  const load = useCallback(
    (query: { max_id?: string; min_id?: string; limit: number }) => api.accountStatuses(account?.id ?? "", query),
    [account?.id],
  );

  if (error) {
    return (
      <>
        <PageTitle text={t("profile.notFoundTitle")} />
        <ErrorNotice error={error} />
      </>
    );
  }
  if (!shown) return <Loading />;

  return (
    <>
      <ProfileHeader account={shown} relationship={relationships[shown.id]} onRelationship={update} isSelf={isSelf} />
      {isSelf && me ? (
        <>
          <div className="profile-self-actions">
            <button type="button" className="button button-secondary" aria-expanded={editing} aria-controls="edit-profile" onClick={() => setEditing((e) => !e)}>
              {editing ? t("profile.closeEdit") : t("profile.edit")}
            </button>
          </div>
          {editing ? (
            <EditProfile
              account={me}
              onSaved={(updated) => {
                setAccount(updated);
                setEditing(false);
              }}
            />
          ) : null}
          {me.locked || (me.source?.follow_requests_count ?? 0) > 0 ? <FollowRequests /> : null}
        </>
      ) : null}
      <section aria-labelledby="profile-posts">
        <h2 id="profile-posts" className="section-title">
          {t("profile.posts")}
        </h2>
        {relationships[shown.id]?.blocking ? (
          <EmptyState>{t("relationship.youBlock")}</EmptyState>
        ) : (
          <Timeline id={`account:${shown.id}`} load={load} stream={null} emptyText={t("profile.noPosts")} />
        )}
      </section>
    </>
  );
}

function EditProfile({ account, onSaved }: { account: CredentialAccount; onSaved: (a: CredentialAccount) => void }) {
  const { t } = useI18n();
  const { setAccount } = useSession();
  const announce = useAnnounce();
  const ids = useId();
  const [displayNameValue, setDisplayName] = useState(account.display_name);
  const [note, setNote] = useState(account.source?.note ?? htmlToText(account.note));
  const [locked, setLocked] = useState(account.locked);
  const initialFields = (account.source?.fields ?? account.fields.map((f) => ({ name: f.name, value: htmlToText(f.value) }))).slice(0, MAX_FIELDS);
  const [fields, setFields] = useState(() => [...initialFields, ...Array.from({ length: MAX_FIELDS - initialFields.length }, () => ({ name: "", value: "" }))]);
  const [avatar, setAvatar] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!avatar) {
      setPreview(null);
      return;
    }
    const url = URL.createObjectURL(avatar);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [avatar]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const form = new FormData();
    form.append("display_name", displayNameValue);
    form.append("note", note);
    form.append("locked", locked ? "true" : "false");
    fields.forEach((f, i) => {
      form.append(`fields_attributes[${i}][name]`, f.name);
      form.append(`fields_attributes[${i}][value]`, f.value);
    });
    if (avatar) form.append("avatar", avatar);
    try {
      const updated = await api.updateCredentials(form);
      setAccount(updated);
      announce(t("profile.saved"));
      onSaved(updated);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form id="edit-profile" className="form card" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("profile.editTitle")}</h2>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="field">
        <label htmlFor={`${ids}-name`}>{t("profile.displayName")}</label>
        <input id={`${ids}-name`} type="text" maxLength={30} value={displayNameValue} onChange={(e) => setDisplayName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-note`}>{t("profile.bio")}</label>
        <textarea id={`${ids}-note`} rows={4} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-avatar`}>{t("profile.avatar")}</label>
        <div className="avatar-field">
          {preview ? <img src={preview} alt={t("profile.avatarPreview")} className="avatar avatar-96" width={96} height={96} /> : <Avatar account={account} size={96} />}
          <input id={`${ids}-avatar`} type="file" accept="image/png,image/jpeg,image/gif,image/webp" aria-describedby={`${ids}-avatar-hint`} onChange={(e) => setAvatar(e.target.files?.[0] ?? null)} />
        </div>
        <p id={`${ids}-avatar-hint`} className="field-hint">
          {t("profile.avatarHint")}
        </p>
      </div>
      <div className="field field-checkbox">
        <input id={`${ids}-locked`} type="checkbox" checked={locked} onChange={(e) => setLocked(e.target.checked)} aria-describedby={`${ids}-locked-hint`} />
        <label htmlFor={`${ids}-locked`}>{t("profile.lockedLabel")}</label>
        <p id={`${ids}-locked-hint`} className="field-hint">
          {t("profile.lockedHint")}
        </p>
      </div>
      <fieldset className="fields-editor">
        <legend>{t("profile.fields")}</legend>
        <p className="field-hint">{t("profile.fieldsHint")}</p>
        {fields.map((f, i) => (
          <div className="field-pair" key={i}>
            <div className="field">
              <label htmlFor={`${ids}-fname-${i}`}>{t("profile.fieldName", { n: i + 1 })}</label>
              <input
                id={`${ids}-fname-${i}`}
                type="text"
                maxLength={255}
                value={f.name}
                onChange={(e) => setFields((list) => list.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
              />
            </div>
            <div className="field">
              <label htmlFor={`${ids}-fvalue-${i}`}>{t("profile.fieldValue", { n: i + 1 })}</label>
              <input
                id={`${ids}-fvalue-${i}`}
                type="text"
                maxLength={255}
                value={f.value}
                onChange={(e) => setFields((list) => list.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
              />
            </div>
          </div>
        ))}
      </fieldset>
      <button type="submit" className="button" disabled={busy}>
        {busy ? t("common.saving") : t("common.save")}
      </button>
    </form>
  );
}

/** Pending follow requests for a locked account, with authorize / reject. */
export function FollowRequests({ asPage }: { asPage?: boolean }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const { refreshAccount } = useSession();
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const ids = useId();

  useEffect(() => {
    api.followRequests({ limit: 40 }).then((page) => setAccounts(page.items), setError);
  }, []);

  const decide = async (account: Account, accept: boolean) => {
    try {
      if (accept) await api.authorizeFollowRequest(account.id);
      else await api.rejectFollowRequest(account.id);
      setAccounts((list) => list?.filter((a) => a.id !== account.id) ?? null);
      announce(accept ? t("followRequests.accepted", { name: displayName(account) }) : t("followRequests.rejected", { name: displayName(account) }));
      void refreshAccount();
    } catch (e) {
      announce(errorText(e));
    }
  };

  const Heading = asPage ? null : "h2";
  return (
    <section className="card follow-requests" aria-labelledby={asPage ? undefined : `${ids}-title`} aria-label={asPage ? t("followRequests.title") : undefined}>
      {Heading ? (
        <Heading id={`${ids}-title`}>{t("followRequests.title")}</Heading>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {accounts === null && !error ? <Loading /> : null}
      {accounts?.length === 0 ? <EmptyState>{t("followRequests.none")}</EmptyState> : null}
      <ul className="account-list">
        {accounts?.map((a) => (
          <li key={a.id}>
            <AccountRow
              account={a}
              actions={
                <>
                  <button type="button" className="button button-small" onClick={() => decide(a, true)} aria-label={`${t("followRequests.accept")} ${displayName(a)}`}>
                    {t("followRequests.accept")}
                  </button>
                  <button type="button" className="button button-small button-secondary" onClick={() => decide(a, false)} aria-label={`${t("followRequests.reject")} ${displayName(a)}`}>
                    {t("followRequests.reject")}
                  </button>
                </>
              }
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function FollowRequestsScreen() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle text={t("followRequests.title")} />
      <FollowRequests asPage />
    </>
  );
}

function Connections({ acct, which }: { acct: string; which: "followers" | "following" }) {
  const { t } = useI18n();
  const { account, error } = useProfile(acct);
  const load = useCallback(
    (maxId?: string) => (which === "followers" ? api.followers(account?.id ?? "", { max_id: maxId }) : api.following(account?.id ?? "", { max_id: maxId })),
    [account?.id, which],
  );
  const name = account ? displayName(account) : acct;
  const title = which === "followers" ? t("profile.followersOf", { name }) : t("profile.followingOf", { name });
  return (
    <>
      <PageTitle text={title} />
      <p>
        <Link to={paths.profile(acct)}>{t("profile.backToProfile", { name })}</Link>
      </p>
      {error ? <ErrorNotice error={error} /> : null}
      {account ? <AccountList id={`${which}:${account.id}`} load={load} label={title} emptyText={t("profile.noAccounts")} /> : !error ? <Loading /> : null}
    </>
  );
}

export function FollowersScreen({ params }: ScreenProps) {
  return <Connections acct={params.acct} which="followers" />;
}

export function FollowingScreen({ params }: ScreenProps) {
  return <Connections acct={params.acct} which="following" />;
}

/** /users/alice (the ActivityPub actor URL) opened in a browser: show the profile. */
export function UsersRedirect({ params }: ScreenProps) {
  useEffect(() => navigate(paths.profile(params.username), { replace: true }), [params.username]);
  return null;
}
