// Groups: the directory (search, kind), "Mes groupes", creating a group, a
// group's page (header, charter, joining, pinned posts, composing, its live
// timeline) and its moderators' screen (join requests, members, bans, settings).
import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from "react";
import { api, ApiError, type CredentialAccount, type Group, type GroupBan, type Instance, type GroupInput, type GroupKind, type GroupMember, type GroupRole, type Status as StatusEntity } from "../api";
import { AccountRow } from "../components/Accounts";
import { Avatar, EmptyState, ErrorNotice, FormError, Loading, PageTitle, useErrorText } from "../components/common";
import { Composer } from "../components/Composer";
import { ConfirmDialog, Dialog } from "../components/Dialog";
import { GroupModerationProvider } from "../components/GroupModeration";
import { Status } from "../components/Status";
import { Timeline } from "../components/Timeline";
import { useI18n } from "../i18n/context";
import { Link, navigate, paths } from "../lib/router";
import type { ScreenProps } from "./props";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";
import "./Groups.css";

export const GROUP_KINDS: GroupKind[] = ["neighbourhood", "vigilance", "association", "topic"];

/** "@name@server" or an http(s) address: a group of another server to look up (a Lemmy community, a Mobilizon group…). */
export function isRemoteGroupQuery(q: string): boolean {
  return /^!?@?[\w.-]+@[\w.-]+(:\d+)?$/.test(q) || /^https?:\/\/\S+$/.test(q);
}

/** The server a remote group lives on, from its address. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function GroupCard({ group }: { group: Group }) {
  const { t, formatNumber } = useI18n();
  const state = group.relationship?.state;
  return (
    <article className="card group-card">
      <div className="group-card-top">
        <Avatar account={group.account} size={48} />
        <h3 className="group-card-name">
          <Link to={paths.group(group.id)}>{group.name}</Link>
        </h3>
      </div>
      <p className="group-card-meta">
        <span className="tag-label">{t(`groups.kind.${group.kind}`)}</span> {t("groups.membersCount", { count: group.members_count, formatted: formatNumber(group.members_count) })}
        {group.visibility === "members" ? <> · {t("groups.membersOnly")}</> : null}
        {state === "active" ? <> · {t("groups.youAreMember")}</> : state === "pending" ? <> · {t("groups.requestPending")}</> : null}
      </p>
      {group.description_source ? <p className="group-card-description">{group.description_source.slice(0, 200)}</p> : null}
    </article>
  );
}

function GroupList({ groups, empty }: { groups: Group[] | null; empty: string }) {
  if (!groups) return <Loading />;
  if (groups.length === 0) return <EmptyState>{empty}</EmptyState>;
  return (
    <ul className="plain-list group-list">
      {groups.map((g) => (
        <li key={g.id}>
          <GroupCard group={g} />
        </li>
      ))}
    </ul>
  );
}

/** Whether this account may create a group: the instance may keep it to its admins (parvis.group_creation). */
function mayCreateGroups(account: CredentialAccount | null, instance: Instance | null): boolean {
  if (!account) return false;
  if (instance?.parvis?.group_creation !== "admins") return true;
  return account.roles?.some((r) => r.name === "Admin") ?? false;
}

export function GroupsScreen({ search }: ScreenProps) {
  const { t } = useI18n();
  const { account, instance } = useSession();
  const ids = useId();
  const [q, setQ] = useState(search.get("q") ?? "");
  const [kind, setKind] = useState<GroupKind | "">((search.get("kind") as GroupKind) ?? "");
  const [query, setQuery] = useState<{ q: string; kind: GroupKind | "" }>({ q: search.get("q") ?? "", kind: (search.get("kind") as GroupKind | null) ?? "" });
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setGroups(null);
    setError(null);
    api.groups({ q: query.q, kind: query.kind || undefined }).then((page) => {
      setGroups(page.items);
      setNext(page.nextMaxId ?? null);
    }, setError);
  }, [query]);

  const more = async () => {
    if (!next) return;
    try {
      const page = await api.groups({ q: query.q, kind: query.kind || undefined, max_id: next });
      setGroups((g) => [...(g ?? []), ...page.items]);
      setNext(page.nextMaxId ?? null);
    } catch (e) {
      setError(e);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = q.trim();
    // a handle (@community@lemmy.example) or an address: the group of another server, looked up there
    if (account && isRemoteGroupQuery(text)) {
      try {
        const found = (await api.search(text, { type: "accounts", resolve: true, limit: 5 })).accounts.find((a) => a.group);
        if (found) {
          navigate(paths.group(found.id));
          return;
        }
      } catch (e) {
        setError(e);
        return;
      }
    }
    setQuery({ q: text, kind });
  };

  return (
    <>
      <PageTitle text={t("groups.title")} />
      <p className="page-intro">{t("groups.intro")}</p>
      {account ? (
        <div className="button-row">
          <Link to="/groups/mine" className="button button-secondary">
            {t("groups.mine")}
          </Link>
          {mayCreateGroups(account, instance) ? (
            <Link to="/groups/new" className="button">
              {t("groups.create")}
            </Link>
          ) : null}
        </div>
      ) : null}
      <form className="form group-search" role="search" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={`${ids}-q`}>{t("groups.searchLabel")}</label>
          <input id={`${ids}-q`} type="search" value={q} maxLength={200} aria-describedby={account ? `${ids}-q-hint` : undefined} onChange={(e) => setQ(e.target.value)} />
          {account ? (
            <p id={`${ids}-q-hint`} className="field-hint">
              {t("groups.searchRemoteHint")}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={`${ids}-kind`}>{t("groups.kindLabel")}</label>
          <select id={`${ids}-kind`} value={kind} onChange={(e) => setKind(e.target.value as GroupKind | "")}>
            <option value="">{t("groups.allKinds")}</option>
            {GROUP_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`groups.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {t("groups.search")}
        </button>
      </form>
      <section aria-labelledby={`${ids}-results`}>
        <h2 id={`${ids}-results`}>{t("groups.directory")}</h2>
        {error ? <ErrorNotice error={error} /> : <GroupList groups={groups} empty={t("groups.noResults")} />}
        {next ? (
          <div className="load-more">
            <button type="button" className="button button-secondary" onClick={more}>
              {t("timeline.loadMore")}
            </button>
          </div>
        ) : null}
      </section>
    </>
  );
}

export function MyGroupsScreen() {
  const { t } = useI18n();
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.groups({ mine: true, limit: 40 }).then((page) => setGroups(page.items), setError);
  }, []);
  return (
    <>
      <PageTitle text={t("groups.mine")} />
      <p>
        <Link to="/groups">{t("groups.back")}</Link>
      </p>
      {error ? <ErrorNotice error={error} /> : <GroupList groups={groups} empty={t("groups.mineEmpty")} />}
    </>
  );
}

/** The fields of a group, for creating one (with its slug) or changing it. */
function GroupForm({ initial, onSubmit, submitLabel }: { initial?: Group; onSubmit: (input: GroupInput) => Promise<void>; submitLabel: string }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const ids = useId();
  const [slug, setSlug] = useState("");
  const [name, setName] = useState(initial?.name ?? "");
  const [kind, setKind] = useState<GroupKind>(initial?.kind ?? "neighbourhood");
  const [description, setDescription] = useState(initial?.description_source ?? "");
  const [charter, setCharter] = useState(initial?.charter ?? "");
  const [area, setArea] = useState(initial?.area ?? "");
  const [visibility, setVisibility] = useState(initial?.visibility ?? "public");
  const [membership, setMembership] = useState(initial?.membership ?? "open");
  const [posting, setPosting] = useState(initial?.posting ?? "members");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!initial && !/^[A-Za-z0-9_]{1,30}$/.test(slug)) return setProblem(t("groups.slugInvalid"));
    if (!name.trim()) return setProblem(t("groups.nameRequired"));
    if (kind === "vigilance" && !charter.trim()) return setProblem(t("groups.charterRequired"));
    setProblem(null);
    setBusy(true);
    try {
      await onSubmit({
        ...(initial ? {} : { slug }),
        name: name.trim(),
        kind,
        description,
        charter,
        area: area.trim() || null,
        visibility,
        membership,
        posting,
      });
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const choice = <T extends string>(id: string, label: string, value: T, set: (v: T) => void, options: T[], prefix: string) => (
    <div className="field">
      <label htmlFor={`${ids}-${id}`}>{label}</label>
      <select id={`${ids}-${id}`} value={value} onChange={(e) => set(e.target.value as T)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {t(`${prefix}.${o}`)}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError>{problem}</FormError>
      {initial ? null : (
        <div className="field">
          <label htmlFor={`${ids}-slug`}>{t("groups.slug")}</label>
          <input id={`${ids}-slug`} type="text" value={slug} maxLength={30} autoComplete="off" onChange={(e) => setSlug(e.target.value)} aria-describedby={`${ids}-slug-hint`} required />
          <p id={`${ids}-slug-hint`} className="field-hint">
            {t("groups.slugHint")}
          </p>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${ids}-name`}>{t("groups.name")}</label>
        <input id={`${ids}-name`} type="text" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} required />
      </div>
      {choice("kind", t("groups.kindLabel"), kind, setKind, GROUP_KINDS, "groups.kind")}
      <div className="field">
        <label htmlFor={`${ids}-description`}>{t("groups.description")}</label>
        <textarea id={`${ids}-description`} value={description} rows={3} maxLength={2000} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-charter`}>{t("groups.charter")}</label>
        <textarea id={`${ids}-charter`} value={charter} rows={5} maxLength={20000} onChange={(e) => setCharter(e.target.value)} aria-describedby={`${ids}-charter-hint`} />
        <p id={`${ids}-charter-hint`} className="field-hint">
          {t("groups.charterHint")}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-area`}>{t("groups.area")}</label>
        <input id={`${ids}-area`} type="text" value={area} maxLength={200} onChange={(e) => setArea(e.target.value)} />
      </div>
      {choice("visibility", t("groups.visibilityLabel"), visibility, setVisibility, ["public", "members"] as ("public" | "members")[], "groups.visibility")}
      {choice("membership", t("groups.membershipLabel"), membership, setMembership, ["open", "approval"] as ("open" | "approval")[], "groups.membership")}
      {choice("posting", t("groups.postingLabel"), posting, setPosting, ["members", "moderators"] as ("members" | "moderators")[], "groups.posting")}
      <button type="submit" className="button" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}

export function NewGroupScreen() {
  const { t } = useI18n();
  const announce = useAnnounce();
  const { account, instance } = useSession();
  return (
    <>
      <PageTitle text={t("groups.create")} />
      <p>
        <Link to="/groups">{t("groups.back")}</Link>
      </p>
      {account && !mayCreateGroups(account, instance) ? (
        <p className="notice">{t("groups.createAdminsOnly")}</p>
      ) : (
        <section className="card">
          <GroupForm
            submitLabel={t("groups.createButton")}
            onSubmit={async (input) => {
              try {
                const group = await api.createGroup(input);
                announce(t("groups.created", { name: group.name }));
                navigate(paths.group(group.id));
              } catch (e) {
                // the instance keeps group creation to its admins (the setting may have changed since the page loaded)
                if (e instanceof ApiError && e.status === 403) throw new ApiError(403, t("groups.createAdminsOnly"));
                throw e;
              }
            }}
          />
        </section>
      )}
    </>
  );
}

/** Join, leave, or withdraw a request; a vigilance group's charter is accepted in a dialog first. */
function Membership({ group, onChange }: { group: Group; onChange: (g: Group) => void }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [charterOpen, setCharterOpen] = useState(false);
  const [accepted, setAccepted] = useState(false);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const ids = useId();
  const state = group.relationship?.state ?? null;

  const join = async (acceptCharter: boolean) => {
    setProblem(null);
    try {
      const updated = await api.joinGroup(group.id, acceptCharter);
      onChange(updated);
      setCharterOpen(false);
      announce(updated.relationship?.state === "pending" ? t("groups.requestSent") : t("groups.joined", { name: group.name }));
    } catch (e) {
      setProblem(errorText(e));
    }
  };
  const leave = async () => {
    setConfirmLeave(false);
    try {
      onChange(await api.leaveGroup(group.id));
      announce(state === "pending" ? t("groups.requestWithdrawn") : t("groups.left", { name: group.name }));
    } catch (e) {
      setProblem(errorText(e));
    }
  };

  if (group.relationship?.banned) return <p className="group-banned">{t("groups.banned")}</p>;
  return (
    <div className="group-membership">
      <FormError>{problem}</FormError>
      {state === null ? (
        <button type="button" className="button" onClick={() => (group.charter || group.kind === "vigilance" ? setCharterOpen(true) : join(false))}>
          {group.membership === "approval" ? t("groups.askToJoin") : t("groups.join")}
        </button>
      ) : (
        <button type="button" className="button button-secondary" onClick={() => setConfirmLeave(true)}>
          {state === "pending" ? t("groups.withdraw") : t("groups.leave")}
        </button>
      )}
      <Dialog open={charterOpen} title={t("groups.charterTitle", { name: group.name })} onClose={() => setCharterOpen(false)}>
        <div className="group-charter-text">{group.charter}</div>
        <FormError>{problem}</FormError>
        <div className="field field-checkbox">
          <input id={`${ids}-accept`} type="checkbox" checked={accepted} onChange={(e) => setAccepted(e.target.checked)} />
          <label htmlFor={`${ids}-accept`}>{t("groups.acceptCharter")}</label>
        </div>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={() => setCharterOpen(false)}>
            {t("common.cancel")}
          </button>
          <button type="button" className="button" disabled={group.kind === "vigilance" && !accepted} onClick={() => join(accepted)}>
            {group.membership === "approval" ? t("groups.askToJoin") : t("groups.join")}
          </button>
        </div>
      </Dialog>
      <ConfirmDialog
        open={confirmLeave}
        title={state === "pending" ? t("groups.withdraw") : t("groups.leaveTitle")}
        message={t("groups.leaveConfirm", { name: group.name })}
        confirmLabel={state === "pending" ? t("groups.withdraw") : t("groups.leave")}
        onConfirm={leave}
        onClose={() => setConfirmLeave(false)}
      />
    </div>
  );
}

/** A real picture, not the server's "missing" placeholder. */
function hasImage(url: string | undefined): boolean {
  return Boolean(url) && !/\/missing\.png$/.test(url!);
}

function GroupHeader({ group }: { group: Group }) {
  const { t, formatNumber } = useI18n();
  return (
    <header className="card group-header">
      {hasImage(group.account.header) ? <img className="group-header-image" src={group.account.header} alt="" /> : null}
      <div className="group-header-top">
        <Avatar account={group.account} size={96} />
        <p className="group-meta">
          <span className="tag-label">{t(`groups.kind.${group.kind}`)}</span> @{group.acct}
          {group.area ? <> · {group.area}</> : null}
        </p>
      </div>
      {group.local ? null : (
        <p className="group-remote">
          {t("groups.remoteHostedOn", { host: hostOf(group.url) })}{" "}
          <a href={group.url} rel="noopener noreferrer" target="_blank">
            {t("groups.remoteOpen")}
          </a>
        </p>
      )}
      <p className="group-facts">
        {t("groups.membersCount", { count: group.members_count, formatted: formatNumber(group.members_count) })} · {t(`groups.visibility.${group.visibility}`)} ·{" "}
        {t(`groups.membership.${group.membership}`)} · {t(`groups.posting.${group.posting}`)}
      </p>
      {group.description ? <div className="group-description" dangerouslySetInnerHTML={{ __html: group.description }} /> : null}
      {group.charter ? (
        <details className="group-charter">
          <summary>{t("groups.charterSummary", { version: group.charter_version })}</summary>
          <div className="group-charter-text">{group.charter}</div>
        </details>
      ) : null}
    </header>
  );
}

function PinnedPosts({ groupId, statuses }: { groupId: string; statuses: StatusEntity[] }) {
  const { t } = useI18n();
  const ids = useId();
  if (statuses.length === 0) return null;
  return (
    <section aria-labelledby={`${ids}-pinned`} className="group-pinned" data-group={groupId}>
      <h2 id={`${ids}-pinned`}>{t("groups.pinnedTitle")}</h2>
      <ul className="status-list">
        {statuses.map((s) => (
          <li key={s.id}>
            <Status status={s} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function GroupScreen({ params }: ScreenProps) {
  const { t } = useI18n();
  const { account } = useSession();
  const id = params.id;
  const [group, setGroup] = useState<Group | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pinned, setPinned] = useState<StatusEntity[]>([]);

  useEffect(() => {
    setGroup(null);
    setError(null);
    api.group(id).then(setGroup, setError);
  }, [id]);

  const readable = group ? group.visibility === "public" || group.relationship?.state === "active" : false;
  const refreshPinned = useCallback(() => {
    api.groupTimeline(id, { pinned: true }).then((page) => setPinned(page.items), () => setPinned([]));
  }, [id]);
  useEffect(() => {
    if (readable) refreshPinned();
  }, [readable, refreshPinned]);

  const load = useCallback((q: { max_id?: string; min_id?: string; limit: number }) => api.groupTimeline(id, q), [id]);
  const stream = useMemo(() => ({ stream: "group" as const, group: id }), [id]);
  const moderation = useMemo(
    () => (group?.relationship?.can_moderate ? { groupId: id, pinnedIds: new Set(pinned.map((p) => p.id)), onChanged: refreshPinned } : null),
    [group?.relationship?.can_moderate, id, pinned, refreshPinned],
  );

  if (error) {
    return (
      <>
        <PageTitle text={t("groups.title")} />
        <ErrorNotice error={error} />
      </>
    );
  }
  if (!group) return <Loading />;
  const rel = group.relationship;

  return (
    <GroupModerationProvider value={moderation}>
      <PageTitle text={group.name} />
      <p>
        <Link to="/groups">{t("groups.back")}</Link>
      </p>
      <GroupHeader group={group} />
      {account ? <Membership group={group} onChange={setGroup} /> : null}
      {rel?.can_moderate ? (
        <p>
          <Link to={`${paths.group(group.id)}/manage`} className="button button-secondary">
            {t("groups.manage")}
          </Link>
        </p>
      ) : null}
      {rel?.can_post ? (
        <section className="card" aria-label={t("groups.composeLabel", { name: group.name })}>
          <Composer group={{ id: group.id, slug: group.slug, acct: group.acct, name: group.name, url: group.url, visibility: group.visibility }} />
        </section>
      ) : rel?.state === "active" && group.posting === "moderators" ? (
        <p className="field-hint">{t("groups.moderatorsOnlyHint")}</p>
      ) : null}
      {readable ? (
        <>
          <PinnedPosts groupId={group.id} statuses={pinned} />
          <Timeline id={`group:${group.id}`} load={load} stream={stream} label={t("groups.timeline", { name: group.name })} emptyText={t("groups.timelineEmpty")} />
        </>
      ) : (
        <EmptyState>{t("groups.membersOnlyNotice")}</EmptyState>
      )}
    </GroupModerationProvider>
  );
}

function Requests({ group, onApproved }: { group: Group; onApproved: () => void }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [requests, setRequests] = useState<GroupMember[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.groupRequests(group.id).then(setRequests, setError);
  }, [group.id]);
  const decide = async (m: GroupMember, decision: "approve" | "reject") => {
    try {
      await api.decideGroupRequest(group.id, m.account.id, decision);
      setRequests((list) => list?.filter((x) => x.id !== m.id) ?? null);
      if (decision === "approve") onApproved();
      announce(t(decision === "approve" ? "groups.approved" : "groups.rejected", { acct: m.account.acct }));
    } catch (e) {
      announce(errorText(e));
    }
  };
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("groups.requests")}</h2>
      {error ? <ErrorNotice error={error} /> : null}
      {!requests && !error ? <Loading /> : null}
      {requests?.length === 0 ? <EmptyState>{t("groups.noRequests")}</EmptyState> : null}
      <ul className="plain-list">
        {requests?.map((m) => (
          <li key={m.id}>
            <AccountRow
              account={m.account}
              actions={
                <span className="button-row">
                  <button type="button" className="button button-small" onClick={() => decide(m, "approve")} aria-label={t("groups.approveLabel", { acct: m.account.acct })}>
                    {t("groups.approve")}
                  </button>
                  <button type="button" className="button button-small button-secondary" onClick={() => decide(m, "reject")} aria-label={t("groups.rejectLabel", { acct: m.account.acct })}>
                    {t("groups.reject")}
                  </button>
                </span>
              }
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

const ROLES: GroupRole[] = ["member", "moderator", "admin"];

function Members({ group, version }: { group: Group; version: number }) {
  const { t } = useI18n();
  const { account } = useSession();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [members, setMembers] = useState<GroupMember[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [banning, setBanning] = useState<GroupMember | null>(null);
  const [reason, setReason] = useState("");
  const [bans, setBans] = useState<GroupBan[] | null>(null);

  const reload = useCallback(() => {
    api.groupMembers(group.id, { limit: 80 }).then((page) => setMembers(page.items), setError);
    api.groupBans(group.id).then(setBans, setError);
    // `version` changes when a request was approved elsewhere on the screen
  }, [group.id, version]);
  useEffect(reload, [reload]);

  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      announce(done);
      reload();
    } catch (e) {
      announce(errorText(e));
    }
  };

  return (
    <>
      <section className="card" aria-labelledby={`${ids}-members`}>
        <h2 id={`${ids}-members`}>{t("groups.members")}</h2>
        {error ? <ErrorNotice error={error} /> : null}
        {!members && !error ? <Loading /> : null}
        <ul className="plain-list">
          {members?.map((m) => (
            <li key={m.id}>
              <AccountRow
                account={m.account}
                actions={
                  m.account.id === account?.id ? (
                    <span className="tag-label">{t(`groups.role.${m.role}`)}</span>
                  ) : (
                    <span className="button-row">
                      {group.relationship?.can_administer ? (
                        <>
                          <label htmlFor={`${ids}-role-${m.id}`} className="visually-hidden">
                            {t("groups.roleOf", { acct: m.account.acct })}
                          </label>
                          <select
                            id={`${ids}-role-${m.id}`}
                            value={m.role}
                            onChange={(e) => act(() => api.setGroupRole(group.id, m.account.id, e.target.value as GroupRole), t("groups.roleChanged", { acct: m.account.acct }))}
                          >
                            {ROLES.map((r) => (
                              <option key={r} value={r}>
                                {t(`groups.role.${r}`)}
                              </option>
                            ))}
                          </select>
                        </>
                      ) : (
                        <span className="tag-label">{t(`groups.role.${m.role}`)}</span>
                      )}
                      <button
                        type="button"
                        className="button button-small button-secondary"
                        onClick={() => act(() => api.removeGroupMember(group.id, m.account.id), t("groups.memberRemoved", { acct: m.account.acct }))}
                        aria-label={t("groups.removeMemberLabel", { acct: m.account.acct })}
                      >
                        {t("groups.removeMember")}
                      </button>
                      <button type="button" className="button button-small button-danger" onClick={() => setBanning(m)} aria-label={t("groups.banLabel", { acct: m.account.acct })}>
                        {t("groups.ban")}
                      </button>
                    </span>
                  )
                }
              />
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby={`${ids}-bans`}>
        <h2 id={`${ids}-bans`}>{t("groups.bans")}</h2>
        {bans?.length === 0 ? <EmptyState>{t("groups.noBans")}</EmptyState> : null}
        <ul className="plain-list">
          {bans?.map((b) => (
            <li key={b.id}>
              <AccountRow
                account={b.account}
                actions={
                  <button
                    type="button"
                    className="button button-small button-secondary"
                    onClick={() => act(() => api.unbanFromGroup(group.id, b.account.id), t("groups.unbanned", { acct: b.account.acct }))}
                    aria-label={t("groups.unbanLabel", { acct: b.account.acct })}
                  >
                    {t("groups.unban")}
                  </button>
                }
              />
              {b.reason ? <p className="field-hint">{t("groups.banReason", { reason: b.reason })}</p> : null}
            </li>
          ))}
        </ul>
      </section>
      <Dialog open={banning !== null} title={t("groups.banTitle", { acct: banning?.account.acct ?? "" })} onClose={() => setBanning(null)}>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            const target = banning;
            setBanning(null);
            if (target) void act(() => api.banFromGroup(group.id, target.account.id, reason.trim()), t("groups.bannedDone", { acct: target.account.acct }));
            setReason("");
          }}
        >
          <p>{t("groups.banText")}</p>
          <div className="field">
            <label htmlFor={`${ids}-reason`}>{t("groups.reason")}</label>
            <input id={`${ids}-reason`} type="text" value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} />
          </div>
          <div className="dialog-actions">
            <button type="button" className="button button-secondary" onClick={() => setBanning(null)}>
              {t("common.cancel")}
            </button>
            <button type="submit" className="button button-danger">
              {t("groups.ban")}
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

export function GroupManageScreen({ params }: ScreenProps) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const ids = useId();
  const [group, setGroup] = useState<Group | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    api.group(params.id).then(setGroup, setError);
  }, [params.id]);
  if (error) return <ErrorNotice error={error} />;
  if (!group) return <Loading />;
  if (!group.relationship?.can_moderate) {
    return (
      <>
        <PageTitle text={t("groups.manageTitle", { name: group.name })} />
        <EmptyState>{t("groups.notModerator")}</EmptyState>
      </>
    );
  }
  return (
    <>
      <PageTitle text={t("groups.manageTitle", { name: group.name })} />
      <p>
        <Link to={paths.group(group.id)}>{t("groups.backToGroup", { name: group.name })}</Link>
      </p>
      <Requests group={group} onApproved={() => setVersion((v) => v + 1)} />
      <Members group={group} version={version} />
      {group.relationship.can_administer ? (
        <section className="card" aria-labelledby={`${ids}-settings`}>
          <h2 id={`${ids}-settings`}>{t("groups.settings")}</h2>
          <GroupForm
            initial={group}
            submitLabel={t("common.save")}
            onSubmit={async (input) => {
              setGroup(await api.updateGroup(group.id, input));
              announce(t("groups.saved"));
            }}
          />
        </section>
      ) : null}
      {group.relationship.can_administer ? <GroupImages group={group} onChange={setGroup} /> : null}
      {group.relationship.can_administer ? <DeleteGroup group={group} /> : null}
    </>
  );
}

/** The group's avatar and header (group admins): sent as multipart, re-encoded by the server. */
function GroupImages({ group, onChange }: { group: Group; onChange: (g: Group) => void }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [avatar, setAvatar] = useState<File | null>(null);
  const [header, setHeader] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!avatar && !header) return setProblem(t("groups.imagesNone"));
    setProblem(null);
    setBusy(true);
    const form = new FormData();
    if (avatar) form.append("avatar", avatar);
    if (header) form.append("header", header);
    try {
      onChange(await api.updateGroupImages(group.id, form));
      setAvatar(null);
      setHeader(null);
      setFormKey((k) => k + 1);
      announce(t("groups.imagesSaved"));
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("groups.images")}</h2>
      <form className="form" onSubmit={submit} key={formKey} noValidate>
        <FormError>{problem}</FormError>
        <div className="field">
          <label htmlFor={`${ids}-avatar`}>{t("groups.avatar")}</label>
          <div className="avatar-field">
            <Avatar account={group.account} size={48} />
            <input id={`${ids}-avatar`} type="file" accept="image/png,image/jpeg,image/gif,image/webp" aria-describedby={`${ids}-hint`} onChange={(e) => setAvatar(e.target.files?.[0] ?? null)} />
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-header`}>{t("groups.header")}</label>
          <input id={`${ids}-header`} type="file" accept="image/png,image/jpeg,image/gif,image/webp" aria-describedby={`${ids}-hint`} onChange={(e) => setHeader(e.target.files?.[0] ?? null)} />
        </div>
        <p id={`${ids}-hint`} className="field-hint">
          {t("groups.imagesHint")}
        </p>
        <button type="submit" className="button" disabled={busy}>
          {t("groups.imagesSave")}
        </button>
      </form>
    </section>
  );
}

/** "Supprimer le groupe", confirmed first (group admins, and the instance's staff). */
function DeleteGroup({ group }: { group: Group }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [confirm, setConfirm] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const remove = async () => {
    setConfirm(false);
    try {
      await api.deleteGroup(group.id);
      announce(t("groups.deleted", { name: group.name }));
      navigate("/groups");
    } catch (e) {
      setProblem(errorText(e));
    }
  };
  return (
    <section className="card group-danger" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("groups.deleteTitle")}</h2>
      <p>{t("groups.deleteText")}</p>
      <FormError>{problem}</FormError>
      <button type="button" className="button button-danger" onClick={() => setConfirm(true)}>
        {t("groups.delete")}
      </button>
      <ConfirmDialog
        open={confirm}
        title={t("groups.deleteTitle")}
        message={t("groups.deleteConfirm", { name: group.name })}
        confirmLabel={t("groups.delete")}
        onConfirm={remove}
        onClose={() => setConfirm(false)}
        danger
      />
    </section>
  );
}
