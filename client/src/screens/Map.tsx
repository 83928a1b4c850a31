// The map: observations (cameras, civic issues) and posts with a place, on a
// Leaflet map with a list beside it (the list is the accessible equivalent of
// the markers); the form that reports an observation; an observation's page
// (its fields, state, history, "still there" and "gone").
import { Fragment, useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import {
  api,
  mapApi,
  type Bbox,
  type Group,
  type Observation,
  type ObservationHistoryEntry,
  type ObservationKind,
  type Status as StatusEntity,
  type Visibility,
} from "../api";
import { EmptyState, ErrorNotice, FormError, Loading, PageTitle, useErrorText } from "../components/common";
import { AttachButton, ComposerMedia, MAX_ATTACHMENTS, useDrafts } from "../components/ComposerMedia";
import { LeafletMap, type MapMarker, type MapView } from "../components/LeafletMap";
import { FALLBACK_CENTER, FALLBACK_ZOOM, PositionPicker, round6, useMapConfig, type Position } from "../components/PositionPicker";
import { Status } from "../components/Status";
import { useI18n } from "../i18n/context";
import { displayName, htmlToText } from "../lib/format";
import { cleanTags, fieldsOf, requiredFilled, today, validDirection, viewFromSearch } from "../lib/observations";
import { Link, navigate, paths } from "../lib/router";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";
import type { ScreenProps } from "./props";
import "./Map.css";

type KindFilter = "all" | ObservationKind | "post";

function useTagLabels() {
  const { t, has } = useI18n();
  return useMemo(
    () => ({
      key: (key: string) => (has(`observations.tags.${key}`) ? t(`observations.tags.${key}`) : key),
      value: (key: string, value: string) => (has(`observations.values.${key}.${value}`) ? t(`observations.values.${key}.${value}`) : value),
    }),
    [t, has],
  );
}

/** "Caméra (dôme)", "Problème : éclairage" */
function useObservationTitle() {
  const { t } = useI18n();
  const labels = useTagLabels();
  return useCallback(
    (o: Pick<Observation, "kind" | "tags">) => {
      if (o.kind === "issue") return t("observations.issueTitle", { category: labels.value("issue", o.tags.issue ?? "other") });
      const type = o.tags["camera:type"];
      return type ? t("observations.cameraTitleTyped", { type: labels.value("camera:type", type) }) : t("observations.cameraTitle");
    },
    [t, labels],
  );
}

function placeTitle(status: StatusEntity): string {
  const text = htmlToText(status.content).trim();
  const name = status.parvis_place?.name;
  const excerpt = text.length > 80 ? `${text.slice(0, 79)}…` : text;
  return [name, excerpt].filter(Boolean).join(" — ");
}

export function MapScreen({ search }: ScreenProps) {
  const { t, formatDate, formatRelative } = useI18n();
  const { account } = useSession();
  const errorText = useErrorText();
  const ids = useId();
  const { config, error: configError } = useMapConfig();
  const title = useObservationTitle();
  const initial = useRef(viewFromSearch(search));
  const [view, setView] = useState<MapView | null>(null);
  const [kind, setKind] = useState<KindFilter>("all");
  const [groupId, setGroupId] = useState("");
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [groups, setGroups] = useState<Group[]>([]);
  const [observations, setObservations] = useState<Observation[] | null>(null);
  const [places, setPlaces] = useState<StatusEntity[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [placesError, setPlacesError] = useState<unknown>(null);

  useEffect(() => {
    if (!account) return;
    api.groups({ mine: true, limit: 40 }).then(
      (page) => setGroups(page.items),
      () => setGroups([]),
    );
  }, [account]);

  // observations and posts inside the view, with the filters (debounced while the map moves)
  const bboxKey = view ? view.bbox.map((n) => n.toFixed(4)).join(",") : "";
  useEffect(() => {
    if (!view) return;
    const bbox: Bbox = view.bbox;
    let live = true;
    const timer = setTimeout(() => {
      const wantObservations = kind !== "post";
      const wantPlaces = (kind === "all" || kind === "post") && !groupId;
      if (wantObservations) {
        mapApi
          .observations({
            bbox,
            kind: kind === "camera" || kind === "issue" ? kind : undefined,
            group_id: groupId || undefined,
            since: since ? new Date(`${since}T00:00:00`).toISOString() : undefined,
            until: until ? new Date(`${until}T23:59:59`).toISOString() : undefined,
            limit: 200,
          })
          .then(
            (page) => {
              if (!live) return;
              setObservations(page.items);
              setError(null);
            },
            (e: unknown) => live && setError(e),
          );
      } else setObservations([]);
      if (wantPlaces) {
        mapApi.places({ bbox, limit: 40 }).then(
          (page) => {
            if (!live) return;
            const from = since ? new Date(`${since}T00:00:00`).getTime() : -Infinity;
            const to = until ? new Date(`${until}T23:59:59`).getTime() : Infinity;
            // an observation is a status with a place too: it is shown once, as an observation
            setPlaces(page.items.filter((s) => s.parvis_place && !s.parvis_observation && Date.parse(s.created_at) >= from && Date.parse(s.created_at) <= to));
            setPlacesError(null);
          },
          (e: unknown) => live && setPlacesError(e),
        );
      } else setPlaces([]);
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [bboxKey, kind, groupId, since, until]); // eslint-disable-line react-hooks/exhaustive-deps

  const onView = useCallback((v: MapView) => {
    setView(v);
    // the URL tells where the map is: a link or a reload opens the same view
    const url = `/map?lat=${v.center[0].toFixed(5)}&lon=${v.center[1].toFixed(5)}&zoom=${v.zoom}`;
    // (only while the map is the page: a late event must not rewrite another screen's address)
    if (window.location.pathname === "/map") window.history.replaceState(window.history.state, "", url);
  }, []);

  const markers = useMemo<MapMarker[]>(
    () => [
      ...(observations ?? []).map((o) => ({
        id: `o${o.id}`,
        latitude: o.latitude,
        longitude: o.longitude,
        kind: o.kind,
        state: o.state,
        title: `${title(o)} — ${t(`observations.states.${o.state}`)}`,
        href: `/observations/${o.id}`,
      })),
      ...(places ?? []).map((s) => ({
        id: `s${s.id}`,
        latitude: s.parvis_place!.latitude,
        longitude: s.parvis_place!.longitude,
        kind: "post" as const,
        title: placeTitle(s) || t("map.post"),
        href: paths.status(s.account.acct, s.id),
      })),
    ],
    [observations, places, title, t],
  );

  if (configError) return <ErrorNotice error={configError} />;
  if (!config) return <Loading />;
  const start = initial.current ?? { center: config.center ?? FALLBACK_CENTER, zoom: config.center ? config.zoom : FALLBACK_ZOOM };
  const newUrl = view ? `/map/new?lat=${view.center[0].toFixed(6)}&lon=${view.center[1].toFixed(6)}&zoom=${Math.max(view.zoom, 16)}` : "/map/new";
  const loading = observations === null && places === null;

  return (
    <div className="map-screen">
      <PageTitle text={t("map.title")} />
      <p className="map-intro">{t("map.intro")}</p>
      {account ? (
        <p>
          <Link to={newUrl} className="button">
            {t("map.report")}
          </Link>
        </p>
      ) : null}
      {config.tiles ? null : (
        <p className="notice map-no-tiles" role="note">
          {t("map.noTiles")}
        </p>
      )}
      <form className="map-filters card" aria-labelledby={`${ids}-filters`} onSubmit={(e) => e.preventDefault()}>
        <h2 id={`${ids}-filters`} className="visually-hidden">
          {t("map.filters")}
        </h2>
        <div className="field">
          <label htmlFor={`${ids}-kind`}>{t("map.kind")}</label>
          <select id={`${ids}-kind`} value={kind} onChange={(e) => setKind(e.target.value as KindFilter)}>
            <option value="all">{t("map.kinds.all")}</option>
            <option value="camera">{t("map.kinds.camera")}</option>
            <option value="issue">{t("map.kinds.issue")}</option>
            <option value="post">{t("map.kinds.post")}</option>
          </select>
        </div>
        <GroupSelect id={`${ids}-group`} label={t("map.group")} none={t("map.allGroups")} groups={groups} value={groupId} onChange={setGroupId} />
        <div className="field">
          <label htmlFor={`${ids}-since`}>{t("map.since")}</label>
          <input id={`${ids}-since`} type="date" value={since} max={until || undefined} onChange={(e) => setSince(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-until`}>{t("map.until")}</label>
          <input id={`${ids}-until`} type="date" value={until} min={since || undefined} onChange={(e) => setUntil(e.target.value)} />
        </div>
      </form>
      <div className="map-layout">
        <div className="map-pane">
          <LeafletMap config={config} center={start.center} zoom={start.zoom} label={t("map.mapLabel")} markers={markers} cluster onView={onView} />
          <p className="field-help">{t("map.listHint")}</p>
        </div>
        <section className="map-list" aria-labelledby={`${ids}-list`}>
          <h2 id={`${ids}-list`}>{t("map.listTitle")}</h2>
          {error ? <p className="form-error">{errorText(error)}</p> : null}
          {placesError ? <p className="form-error">{errorText(placesError)}</p> : null}
          {loading ? <Loading /> : null}
          {!loading && markers.length === 0 ? <EmptyState>{t("map.empty")}</EmptyState> : null}
          <ul className="plain-list map-items" aria-live="polite" aria-busy={loading}>
            {(observations ?? []).map((o) => (
              <li key={`o${o.id}`} className={`map-item map-item-${o.kind}`}>
                <Link to={`/observations/${o.id}`} className="map-item-title">
                  {title(o)}
                </Link>
                <span className={`state-badge state-${o.state}`}>{t(`observations.states.${o.state}`)}</span>
                <span className="map-item-meta">
                  {t("observations.lastSeen", { when: formatRelative(o.last_seen_at) })}
                  {o.origin ? ` · ${t("observations.from", { domain: o.origin })}` : ""}
                </span>
              </li>
            ))}
            {(places ?? []).map((s) => (
              <li key={`s${s.id}`} className="map-item map-item-post">
                <Link to={paths.status(s.account.acct, s.id)} className="map-item-title">
                  {placeTitle(s) || t("map.post")}
                </Link>
                <span className="map-item-meta">
                  {t("map.postBy", { name: displayName(s.account), date: formatDate(s.created_at) })}
                </span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}

const VISIBILITIES: Visibility[] = ["public", "unlisted", "private"];

interface FormValues {
  kind: ObservationKind;
  position: Position | null;
  tags: Record<string, string>;
  text: string;
}

/** The structured fields of a camera or an issue. */
/** A choice among the resident's groups (the map's filter, the observation form); nothing when they have none. */
function GroupSelect({ id, label, none, groups, value, onChange }: { id: string; label: string; none: string; groups: Group[]; value: string; onChange: (id: string) => void }) {
  if (!groups.length) return null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{none}</option>
        {groups.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function TagFields({ kind, tags, onChange }: { kind: ObservationKind; tags: Record<string, string>; onChange: (key: string, value: string) => void }) {
  const { t } = useI18n();
  const labels = useTagLabels();
  const ids = useId();
  return (
    <fieldset className="observation-tags">
      <legend>{t(kind === "camera" ? "observations.cameraFields" : "observations.issueFields")}</legend>
      <div className="observation-tags-grid">
        {fieldsOf(kind).map((field) => {
          const id = `${ids}-${field.key.replace(/[^a-z]/gi, "-")}`;
          const value = tags[field.key] ?? "";
          return (
            <div className="field" key={field.key}>
              <label htmlFor={id}>{labels.key(field.key)}</label>
              {field.type === "select" ? (
                <select id={id} value={value} required={field.required} onChange={(e) => onChange(field.key, e.target.value)}>
                  <option value="">{t(field.required ? "observations.choose" : "observations.unknown")}</option>
                  {field.options!.map((o) => (
                    <option key={o} value={o}>
                      {labels.value(field.key, o)}
                    </option>
                  ))}
                </select>
              ) : field.type === "direction" ? (
                <>
                  <input
                    id={id}
                    type="text"
                    inputMode="numeric"
                    value={value}
                    aria-invalid={!validDirection(value) || undefined}
                    aria-describedby={`${id}-help`}
                    onChange={(e) => onChange(field.key, e.target.value.trim())}
                  />
                  <span id={`${id}-help`} className="field-help">
                    {t("observations.directionHelp")}
                  </span>
                </>
              ) : (
                <input
                  id={id}
                  type={field.type === "date" ? "date" : "text"}
                  value={value}
                  maxLength={200}
                  max={field.type === "date" ? today() : undefined}
                  onChange={(e) => onChange(field.key, e.target.value)}
                />
              )}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

function useFormValues(initial: FormValues) {
  const [values, setValues] = useState(initial);
  const setTag = (key: string, value: string) => setValues((v) => ({ ...v, tags: { ...v.tags, [key]: value } }));
  return { values, setValues, setTag };
}

export function NewObservationScreen({ search }: ScreenProps) {
  const { t, locale } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const start = viewFromSearch(search);
  const presetKind = search.get("kind") === "issue" ? "issue" : "camera";
  const { values, setValues, setTag } = useFormValues({
    kind: presetKind,
    position: start ? { latitude: round6(start.center[0]), longitude: round6(start.center[1]) } : null,
    tags: { check_date: today() },
    text: "",
  });
  const [groups, setGroups] = useState<Group[]>([]);
  const [groupId, setGroupId] = useState("");
  const [visibility, setVisibility] = useState<Visibility>("public");
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const media = useDrafts();

  useEffect(() => {
    api.groups({ mine: true, limit: 40 }).then(
      (page) => setGroups(page.items.filter((g) => g.relationship?.can_post)),
      () => setGroups([]),
    );
  }, []);

  const directionOk = validDirection(values.tags["camera:direction"] ?? "");
  const canSubmit = Boolean(values.position) && directionOk && requiredFilled(values.kind, values.tags) && !submitting && !media.uploading;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!canSubmit || !values.position) return;
    setSubmitting(true);
    setError(null);
    try {
      for (const d of media.ready) {
        const description = d.description.trim();
        if (d.media && description !== (d.media.description ?? "")) await api.updateMedia(d.media.id, { description });
      }
      const mediaIds = media.ready.map((d) => d.media!.id);
      const created = await mapApi.createObservation({
        kind: values.kind,
        latitude: values.position.latitude,
        longitude: values.position.longitude,
        tags: cleanTags(values.kind, values.tags),
        status: values.text,
        media_ids: mediaIds.length ? mediaIds : undefined,
        group_id: groupId || undefined,
        visibility: groupId ? undefined : visibility,
        language: locale,
      });
      announce(t("observations.created"));
      navigate(`/observations/${created.id}`);
    } catch (e) {
      setError(e);
      setSubmitting(false);
    }
  };

  return (
    <>
      <PageTitle text={t("observations.newTitle")} />
      <p>
        <Link to="/map">{t("map.back")}</Link>
      </p>
      <form className="card observation-form" onSubmit={submit} aria-busy={submitting}>
        <fieldset className="radio-group">
          <legend>{t("observations.kind")}</legend>
          {(["camera", "issue"] as const).map((k) => (
            <div className="radio" key={k}>
              <input
                type="radio"
                id={`${ids}-kind-${k}`}
                name="kind"
                value={k}
                checked={values.kind === k}
                onChange={() => setValues((v) => ({ ...v, kind: k }))}
              />
              <label htmlFor={`${ids}-kind-${k}`}>{t(`map.kinds.${k}`)}</label>
            </div>
          ))}
        </fieldset>
        <PositionPicker
          legend={t("observations.position")}
          value={values.position}
          start={start}
          onChange={(position) => setValues((v) => ({ ...v, position }))}
        />
        {values.position ? null : <p className="field-help">{t("observations.positionRequired")}</p>}
        <TagFields kind={values.kind} tags={values.tags} onChange={setTag} />
        <div className="field">
          <label htmlFor={`${ids}-text`}>{t("observations.text")}</label>
          <textarea id={`${ids}-text`} rows={3} value={values.text} maxLength={5000} onChange={(e) => setValues((v) => ({ ...v, text: e.target.value }))} />
        </div>
        <ComposerMedia drafts={media.drafts} notice={media.notice} onFiles={media.add} onRemove={media.remove} onDescription={media.setDescription} disabled={submitting} />
        <div className="observation-form-row">
          <AttachButton onFiles={media.add} disabled={submitting} full={media.drafts.length >= MAX_ATTACHMENTS} />
          <GroupSelect id={`${ids}-group`} label={t("observations.group")} none={t("observations.noGroup")} groups={groups} value={groupId} onChange={setGroupId} />
          {groupId ? null : (
            <div className="field">
              <label htmlFor={`${ids}-visibility`}>{t("compose.visibility")}</label>
              <select id={`${ids}-visibility`} value={visibility} onChange={(e) => setVisibility(e.target.value as Visibility)}>
                {VISIBILITIES.map((v) => (
                  <option key={v} value={v}>
                    {t(`visibility.${v}`)}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
        <button type="submit" className="button" disabled={!canSubmit}>
          {submitting ? t("compose.sending") : t("observations.submit")}
        </button>
        <FormError>{error ? errorText(error) : null}</FormError>
      </form>
    </>
  );
}

function HistoryList({ entries }: { entries: ObservationHistoryEntry[] }) {
  const { t, formatDateTime } = useI18n();
  if (entries.length === 0) return <EmptyState>{t("observations.noHistory")}</EmptyState>;
  return (
    <ol className="plain-list observation-history">
      {entries.map((e) => (
        <li key={e.id}>
          <span className="observation-history-action">{t(`observations.actions.${e.action}`)}</span>{" "}
          {e.account ? (
            <Link to={paths.profile(e.account.acct)}>{displayName(e.account)}</Link>
          ) : (
            <span>{t("observations.someone")}</span>
          )}{" "}
          <time dateTime={e.created_at}>{formatDateTime(e.created_at)}</time>
          {e.seen_at && e.action === "confirmed" ? <span> · {t("observations.seenOn", { date: formatDateTime(e.seen_at) })}</span> : null}
        </li>
      ))}
    </ol>
  );
}

function EditObservation({ observation, onSaved, onCancel }: { observation: Observation; onSaved: (o: Observation) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const ids = useId();
  const { values, setValues, setTag } = useFormValues({
    kind: observation.kind,
    position: { latitude: observation.latitude, longitude: observation.longitude },
    tags: { ...observation.tags },
    text: htmlToText(observation.status.content),
  });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ok = Boolean(values.position) && validDirection(values.tags["camera:direction"] ?? "") && requiredFilled(values.kind, values.tags);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ok || !values.position || saving) return;
    setSaving(true);
    setError(null);
    try {
      onSaved(
        await mapApi.updateObservation(observation.id, {
          latitude: values.position.latitude,
          longitude: values.position.longitude,
          tags: cleanTags(values.kind, values.tags),
          status: values.text,
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form className="card observation-form" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t("observations.editTitle")}</h2>
      <PositionPicker legend={t("observations.position")} value={values.position} onChange={(position) => setValues((v) => ({ ...v, position }))} />
      <TagFields kind={values.kind} tags={values.tags} onChange={setTag} />
      <div className="field">
        <label htmlFor={`${ids}-text`}>{t("observations.text")}</label>
        <textarea id={`${ids}-text`} rows={3} value={values.text} maxLength={5000} onChange={(e) => setValues((v) => ({ ...v, text: e.target.value }))} />
      </div>
      <div className="observation-form-row">
        <button type="submit" className="button" disabled={!ok || saving}>
          {t("observations.save")}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t("observations.cancel")}
        </button>
      </div>
      <FormError>{error ? errorText(error) : null}</FormError>
    </form>
  );
}

export function ObservationScreen({ params }: ScreenProps) {
  const { t, formatDate, formatDateTime, formatNumber } = useI18n();
  const { account } = useSession();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const labels = useTagLabels();
  const title = useObservationTitle();
  const { config } = useMapConfig();
  const ids = useId();
  const [observation, setObservation] = useState<Observation | null>(null);
  const [history, setHistory] = useState<ObservationHistoryEntry[] | null>(null);
  const [groupRole, setGroupRole] = useState<{ canModerate: boolean }>({ canModerate: false });
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const [reason, setReason] = useState("");

  const load = useCallback(async () => {
    setError(null);
    try {
      const o = await mapApi.observation(params.id);
      setObservation(o);
      mapApi.observationHistory(params.id).then(setHistory, () => setHistory([]));
      const group = o.status.parvis_group;
      if (group && account) api.group(group.id).then((g) => setGroupRole({ canModerate: Boolean(g.relationship?.can_moderate) }), () => undefined);
    } catch (e) {
      setError(e);
    }
  }, [params.id, account]);

  useEffect(() => {
    void load();
  }, [load]);

  if (error) return <ErrorNotice error={error} onRetry={load} />;
  if (!observation) return <Loading />;

  const o = observation;
  const isAuthor = account?.id === o.status.account.id;
  const canDecide = isAuthor || groupRole.canModerate;
  const act = async (action: () => Promise<Observation>, done: string) => {
    setBusy(true);
    setActionError(null);
    try {
      setObservation(await action());
      mapApi.observationHistory(o.id).then(setHistory, () => undefined);
      announce(done);
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  const tagEntries = Object.entries(o.tags).filter(([key]) => key !== "man_made");

  return (
    <>
      <PageTitle text={title(o)} />
      <p>
        <Link to={`/map?lat=${o.latitude}&lon=${o.longitude}&zoom=17`}>{t("observations.onMap")}</Link>
      </p>
      <section className="card observation-detail" aria-labelledby={`${ids}-facts`}>
        <h2 id={`${ids}-facts`}>{t("observations.facts")}</h2>
        <dl className="observation-facts">
          <dt>{t("observations.state")}</dt>
          <dd>
            <span className={`state-badge state-${o.state}`}>{t(`observations.states.${o.state}`)}</span>
          </dd>
          <dt>{t("observations.lastSeenLabel")}</dt>
          <dd>
            <time dateTime={o.last_seen_at}>{formatDateTime(o.last_seen_at)}</time>
          </dd>
          <dt>{t("observations.confirmations")}</dt>
          <dd>{formatNumber(o.confirmations_count)}</dd>
          <dt>{t("observations.position")}</dt>
          <dd>
            {o.latitude.toFixed(5)}, {o.longitude.toFixed(5)}
          </dd>
          {tagEntries.map(([key, value]) => (
            <Fragment key={key}>
              <dt>{labels.key(key)}</dt>
              <dd>
                {key === "camera:direction"
                  ? t("observations.degrees", { value })
                  : key === "check_date" && /^\d{4}-\d{2}-\d{2}$/.test(value)
                    ? formatDate(`${value}T12:00:00`)
                    : labels.value(key, value)}
              </dd>
            </Fragment>
          ))}
          {o.osm_id ? (
            <>
              <dt>{t("observations.osm")}</dt>
              <dd>{o.osm_id}</dd>
            </>
          ) : null}
          {o.origin ? (
            <>
              <dt>{t("observations.origin")}</dt>
              <dd>{o.origin}</dd>
            </>
          ) : null}
        </dl>
        {config ? (
          <LeafletMap
            config={config}
            center={[o.latitude, o.longitude]}
            zoom={17}
            label={t("observations.mapLabel")}
            className="leaflet-map-small"
            markers={[{ id: o.id, latitude: o.latitude, longitude: o.longitude, kind: o.kind, state: o.state, title: title(o), href: `/observations/${o.id}` }]}
          />
        ) : null}
      </section>
      {account ? (
        <section className="card observation-actions" aria-labelledby={`${ids}-actions`}>
          <h2 id={`${ids}-actions`}>{t("observations.actionsTitle")}</h2>
          <div className="observation-form-row">
            {o.state !== "gone" ? (
              <button type="button" className="button" disabled={busy} onClick={() => act(() => mapApi.confirmObservation(o.id), t("observations.confirmed"))}>
                {t("observations.stillThere")}
              </button>
            ) : null}
            {isAuthor && !editing ? (
              <button type="button" className="button button-secondary" onClick={() => setEditing(true)}>
                {t("observations.edit")}
              </button>
            ) : null}
          </div>
          {o.state === "present" ? (
            <div className="observation-gone">
              <div className="field">
                <label htmlFor={`${ids}-reason`}>{t("observations.goneReason")}</label>
                <input id={`${ids}-reason`} type="text" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
              </div>
              <button
                type="button"
                className="button button-secondary"
                disabled={busy}
                onClick={() => act(() => mapApi.proposeGone(o.id, reason.trim() || undefined), t("observations.goneProposed"))}
              >
                {t("observations.reportGone")}
              </button>
            </div>
          ) : null}
          {o.state === "gone_proposed" ? (
            canDecide ? (
              <div className="observation-form-row">
                <p>{t("observations.decideHelp")}</p>
                <button type="button" className="button" disabled={busy} onClick={() => act(() => mapApi.proposeGone(o.id), t("observations.goneConfirmed"))}>
                  {t("observations.confirmGone")}
                </button>
                <button type="button" className="button button-secondary" disabled={busy} onClick={() => act(() => mapApi.rejectGone(o.id), t("observations.goneRejected"))}>
                  {t("observations.rejectGone")}
                </button>
              </div>
            ) : (
              <p>{t("observations.pendingDecision")}</p>
            )
          ) : null}
          <FormError>{actionError ? errorText(actionError) : null}</FormError>
        </section>
      ) : null}
      {editing ? (
        <EditObservation
          observation={o}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => {
            setObservation(saved);
            setEditing(false);
            announce(t("observations.saved"));
            mapApi.observationHistory(o.id).then(setHistory, () => undefined);
          }}
        />
      ) : null}
      <section aria-labelledby={`${ids}-post`}>
        <h2 id={`${ids}-post`}>{t("observations.post")}</h2>
        <Status status={o.status} />
      </section>
      <section className="card" aria-labelledby={`${ids}-history`}>
        <h2 id={`${ids}-history`}>{t("observations.history")}</h2>
        {history ? <HistoryList entries={history} /> : <Loading />}
      </section>
    </>
  );
}

