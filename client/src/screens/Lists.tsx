// Lists: the resident's lists (create, rename, delete) and one list's timeline
// with its members (add by handle among the accounts one follows, remove).
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { api, ApiError, type Account, type List, type RepliesPolicy } from "../api";
import { AccountRow } from "../components/Accounts";
import { EmptyState, ErrorNotice, FormError, Loading, PageTitle, useErrorText } from "../components/common";
import { ConfirmDialog } from "../components/Dialog";
import { Timeline } from "../components/Timeline";
import { useI18n } from "../i18n/context";
import { Link, navigate } from "../lib/router";
import type { ScreenProps } from "./props";
import { useAnnounce } from "../state/announcer";

const POLICIES: RepliesPolicy[] = ["list", "followed", "none"];

function ListForm({ initial, submitLabel, onSubmit }: { initial?: List; submitLabel: string; onSubmit: (input: { title: string; replies_policy: RepliesPolicy; exclusive: boolean }) => Promise<void> }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const ids = useId();
  const [title, setTitle] = useState(initial?.title ?? "");
  const [policy, setPolicy] = useState<RepliesPolicy>(initial?.replies_policy ?? "list");
  const [exclusive, setExclusive] = useState(initial?.exclusive ?? false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return setProblem(t("lists.titleRequired"));
    setProblem(null);
    setBusy(true);
    try {
      await onSubmit({ title: title.trim(), replies_policy: policy, exclusive });
      if (!initial) {
        setTitle("");
        setExclusive(false);
      }
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError>{problem}</FormError>
      <div className="field">
        <label htmlFor={`${ids}-title`}>{t("lists.name")}</label>
        <input id={`${ids}-title`} type="text" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-policy`}>{t("lists.repliesPolicy")}</label>
        <select id={`${ids}-policy`} value={policy} onChange={(e) => setPolicy(e.target.value as RepliesPolicy)}>
          {POLICIES.map((p) => (
            <option key={p} value={p}>
              {t(`lists.policy.${p}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-checkbox">
        <input id={`${ids}-exclusive`} type="checkbox" checked={exclusive} onChange={(e) => setExclusive(e.target.checked)} aria-describedby={`${ids}-exclusive-hint`} />
        <label htmlFor={`${ids}-exclusive`}>{t("lists.exclusive")}</label>
        <p id={`${ids}-exclusive-hint`} className="field-hint">
          {t("lists.exclusiveHint")}
        </p>
      </div>
      <button type="submit" className="button" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}

export function ListsScreen() {
  const { t } = useI18n();
  const announce = useAnnounce();
  const ids = useId();
  const [lists, setLists] = useState<List[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.lists().then(setLists, setError);
  }, []);

  return (
    <>
      <PageTitle text={t("lists.title")} />
      <p className="page-intro">{t("lists.intro")}</p>
      <section className="card" aria-labelledby={`${ids}-new`}>
        <h2 id={`${ids}-new`}>{t("lists.create")}</h2>
        <ListForm
          submitLabel={t("lists.createButton")}
          onSubmit={async (input) => {
            const list = await api.createList(input);
            setLists((l) => [...(l ?? []), list]);
            announce(t("lists.created", { title: list.title }));
          }}
        />
      </section>
      <section aria-labelledby={`${ids}-mine`}>
        <h2 id={`${ids}-mine`}>{t("lists.mine")}</h2>
        {error ? <ErrorNotice error={error} /> : null}
        {!lists && !error ? <Loading /> : null}
        {lists?.length === 0 ? <EmptyState>{t("lists.empty")}</EmptyState> : null}
        <ul className="plain-list">
          {lists?.map((l) => (
            <li key={l.id} className="card list-entry">
              <Link to={`/lists/${l.id}`}>{l.title}</Link>
              {l.exclusive ? <span className="tag-label">{t("lists.exclusiveLabel")}</span> : null}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function Members({ list }: { list: List }) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [members, setMembers] = useState<Account[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [handle, setHandle] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    api.listAccounts(list.id).then(setMembers, setError);
  }, [list.id]);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const acct = handle.trim().replace(/^@/, "");
    if (!acct) return;
    setProblem(null);
    try {
      const account = await api.lookup(acct);
      await api.addToList(list.id, [account.id]);
      setMembers((m) => [...(m ?? []).filter((x) => x.id !== account.id), account]);
      setHandle("");
      announce(t("lists.memberAdded", { acct: account.acct }));
    } catch (e) {
      setProblem(e instanceof ApiError && e.status === 422 ? t("lists.mustFollow") : errorText(e));
    }
  };

  const remove = async (account: Account) => {
    try {
      await api.removeFromList(list.id, [account.id]);
      setMembers((m) => m?.filter((x) => x.id !== account.id) ?? null);
      announce(t("lists.memberRemoved", { acct: account.acct }));
    } catch (e) {
      announce(errorText(e));
    }
  };

  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("lists.members")}</h2>
      <form className="form" onSubmit={add} noValidate>
        <FormError>{problem}</FormError>
        <div className="field">
          <label htmlFor={`${ids}-handle`}>{t("lists.addMember")}</label>
          <input id={`${ids}-handle`} type="text" value={handle} placeholder="@nom" onChange={(e) => setHandle(e.target.value)} aria-describedby={`${ids}-hint`} />
          <p id={`${ids}-hint`} className="field-hint">
            {t("lists.addMemberHint")}
          </p>
        </div>
        <button type="submit" className="button" disabled={!handle.trim()}>
          {t("lists.add")}
        </button>
      </form>
      {error ? <ErrorNotice error={error} /> : null}
      {!members && !error ? <Loading /> : null}
      {members?.length === 0 ? <EmptyState>{t("lists.noMembers")}</EmptyState> : null}
      <ul className="plain-list">
        {members?.map((m) => (
          <li key={m.id}>
            <AccountRow
              account={m}
              actions={
                <button type="button" className="button button-small button-secondary" onClick={() => remove(m)} aria-label={t("lists.removeMember", { acct: m.acct })}>
                  {t("lists.remove")}
                </button>
              }
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ListScreen({ params }: ScreenProps) {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const [list, setList] = useState<List | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const id = params.id;

  useEffect(() => {
    setList(null);
    setError(null);
    api.list(id).then(setList, setError);
  }, [id]);

  const load = useCallback((q: { max_id?: string; limit: number }) => api.listTimeline(id, q), [id]);

  if (error) {
    return (
      <>
        <PageTitle text={t("lists.title")} />
        <ErrorNotice error={error} />
      </>
    );
  }
  if (!list) return <Loading />;

  return (
    <>
      <PageTitle text={list.title} />
      <p>
        <Link to="/lists">{t("lists.back")}</Link>
      </p>
      <div className="button-row">
        <button type="button" className="button button-secondary" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
          {t("lists.edit")}
        </button>
        <button type="button" className="button button-danger" onClick={() => setConfirmDelete(true)}>
          {t("lists.delete")}
        </button>
      </div>
      {editing ? (
        <section className="card" aria-labelledby={`${ids}-edit`}>
          <h2 id={`${ids}-edit`}>{t("lists.edit")}</h2>
          <ListForm
            initial={list}
            submitLabel={t("common.save")}
            onSubmit={async (input) => {
              setList(await api.updateList(list.id, input));
              setEditing(false);
              announce(t("lists.saved"));
            }}
          />
        </section>
      ) : null}
      <Members list={list} />
      <Timeline id={`list:${list.id}`} load={load} stream={null} label={t("lists.timeline", { title: list.title })} emptyText={t("lists.timelineEmpty")} />
      <ConfirmDialog
        open={confirmDelete}
        title={t("lists.deleteTitle")}
        message={t("lists.deleteConfirm", { title: list.title })}
        confirmLabel={t("lists.delete")}
        danger
        onClose={() => setConfirmDelete(false)}
        onConfirm={async () => {
          setConfirmDelete(false);
          try {
            await api.deleteList(list.id);
            announce(t("lists.deleted"));
            navigate("/lists");
          } catch (e) {
            announce(errorText(e));
          }
        }}
      />
    </>
  );
}
