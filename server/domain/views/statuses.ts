// Statuses as clients read them, loaded in batches: a page takes one round trip
// of three queries side by side (the originals of reblogs; the authors with their
// counts; each status's counts, mentions, tags, application and the viewer's
// flags), then the media of the statuses that have some and the polls of those
// that are questions (docs/adr/0006). The records returned are plain data: the
// Mastodon JSON is built from them by server/entities/status.ts.
import { asc, inArray, sql } from "drizzle-orm";
import { accounts, apps, bookmarks, favourites, mediaAttachments, mentions, mutes, observations, statusTags, statuses, tags } from "../../db/schema";
import type { ObservationKind, ObservationState } from "../../db/schema";
import type { FilterContext } from "../../db/schema";
import type { DbOrTx } from "../../db/open";
import { prepared } from "../../db/prepared";
import { loadAuthorsOf, type AccountView } from "../accounts/read";
import type { DomainContext } from "../context";
import type { Media } from "../media/attachments";
import { applyFilters, type FilterMatch } from "../filters/filters";
import { pollViews, type PollView } from "../polls/polls";
import { groupsByIds } from "../groups/groups";
import type { LoadedGroup } from "../groups/rules";
import type { Status } from "../statuses/local";
import type { ScheduledStatus } from "../statuses/scheduled";
import { placeOf, type Place } from "../places/place";

/** What hangs off one status: counts, mentions, tags, application, and the viewer's own flags. */
export interface StatusExtras {
  favourites: number;
  reblogs: number;
  replies: number;
  mentions: { id: string; username: string; domain: string | null; url: string }[];
  tags: string[];
  application: { name: string; website: string | null } | null;
  hasMedia: boolean;
  /** the viewer's own flags (false without a viewer) */
  favourited: boolean;
  reblogged: boolean;
  bookmarked: boolean;
  /** the viewer mutes the status's author */
  muted: boolean;
  /** an observation's structured fields (server/domain/observations), null for other statuses */
  observation: ObservationExtras | null;
}

/** What a status entity shows of its observation (`parvis_observation`), read with the other extras. */
export interface ObservationExtras {
  kind: ObservationKind;
  tags: Record<string, string>;
  state: ObservationState;
  /** epoch milliseconds */
  lastSeenAt: number;
  confirmationsCount: number;
}

/** One status with everything its entity shows, as one viewer sees it. */
export interface StatusView {
  status: Status;
  /** who reads it (null: signed out); their flags are in `extras` */
  viewerId: string | null;
  /** absent only while the author is being deleted */
  author: AccountView | undefined;
  extras: StatusExtras | undefined;
  media: Media[];
  poll: PollView | null;
  /** the shared status of a reblog (null when not a reblog, or when it is gone) */
  reblog: StatusView | null;
  /** the group it was posted in (null: none) */
  group: LoadedGroup | null;
  /** the place its author published with it (null: none); read from the row itself, no query */
  place: Place | null;
  /** the viewer's "warn" filters that match it (loadFilteredStatusViews only) */
  filterMatches?: FilterMatch[];
}

export async function loadStatusViews(ctx: DomainContext, rows: Status[], viewerId: string | null): Promise<StatusView[]> {
  if (rows.length === 0) return [];
  const db = ctx.db;
  const reblogIds = [...new Set(rows.map((r) => r.reblogOfId).filter((id): id is string => Boolean(id)))];
  const ids = [...new Set([...rows.map((r) => r.id), ...reblogIds])];

  // one round trip for a page, three queries side by side: the originals of its
  // reblogs, the authors of all with their counts, and what hangs off each status
  // (the last two by status id, so that they need not wait for the first)
  const [originals, authors, extras] = await Promise.all([
    reblogIds.length ? statusesQuery(db).execute({ ids: reblogIds }) : Promise.resolve([] as Status[]),
    loadAuthorsOf(ctx, ids),
    statusExtras(db, ids, viewerId),
  ]);
  const all = [...new Map([...rows, ...originals].map((s) => [s.id, s])).values()];
  // media only for the statuses that have some
  const withMedia = all.filter((s) => extras.get(s.id)?.hasMedia).map((s) => s.id);
  // polls only for the statuses that came as (or were written as) a Question
  const withPoll = all.filter((s) => s.objectType === "Question").map((s) => s.id);
  // groups only for the statuses posted in one
  const groupIds = [...new Set(all.map((s) => s.groupId).filter((id): id is string => Boolean(id)))];
  const [mediaRows, polls, groupRows] = await Promise.all([
    withMedia.length ? mediaQuery(db).execute({ ids: withMedia }) : Promise.resolve([] as Media[]),
    pollViews(ctx, withPoll, viewerId),
    groupsByIds(ctx, groupIds),
  ]);
  const mediaOf = new Map<string, Media[]>();
  for (const m of mediaRows) {
    if (m.statusId === null) continue;
    const list = mediaOf.get(m.statusId);
    if (list) list.push(m);
    else mediaOf.set(m.statusId, [m]);
  }

  const view = (s: Status, reblog: StatusView | null): StatusView => ({
    status: s,
    viewerId,
    author: authors.get(s.accountId),
    extras: extras.get(s.id),
    media: mediaOf.get(s.id) ?? [],
    poll: polls.get(s.id) ?? null,
    group: s.groupId ? (groupRows.get(s.groupId) ?? null) : null,
    place: placeOf(s),
    reblog,
  });
  const originalViews = new Map(originals.map((o) => [o.id, view(o, null)]));
  return rows.map((s) => view(s, s.reblogOfId ? (originalViews.get(s.reblogOfId) ?? null) : null));
}

export async function loadStatusView(ctx: DomainContext, row: Status, viewerId: string | null): Promise<StatusView> {
  const [view] = await loadStatusViews(ctx, [row], viewerId);
  return view;
}

/**
 * Statuses as a viewer reads them in a filter context: those a "hide" filter
 * matches are left out, the others carry their "warn" matches.
 */
export async function loadFilteredStatusViews(ctx: DomainContext, rows: Status[], viewerId: string | null, context: FilterContext): Promise<StatusView[]> {
  const verdict = await applyFilters(ctx, viewerId, context, rows);
  const views = await loadStatusViews(
    ctx,
    rows.filter((r) => !verdict.hidden.has(r.id)),
    viewerId,
  );
  for (const v of views) {
    const matches = verdict.matches.get(v.status.id);
    if (matches) v.filterMatches = matches;
  }
  return views;
}

/** A scheduled status with the media it will carry (in its params' order; deleted ones left out). */
export interface ScheduledStatusView {
  scheduled: ScheduledStatus;
  media: Media[];
}

export async function loadScheduledStatusViews(ctx: DomainContext, rows: ScheduledStatus[]): Promise<ScheduledStatusView[]> {
  const mediaIds = [...new Set(rows.flatMap((r) => r.params.media_ids))];
  const media = mediaIds.length ? await ctx.db.select().from(mediaAttachments).where(inArray(mediaAttachments.id, mediaIds)) : [];
  const byId = new Map(media.map((m) => [m.id, m]));
  return rows.map((scheduled) => ({ scheduled, media: scheduled.params.media_ids.flatMap((id) => byId.get(id) ?? []) }));
}

export async function loadScheduledStatusView(ctx: DomainContext, row: ScheduledStatus): Promise<ScheduledStatusView> {
  const [view] = await loadScheduledStatusViews(ctx, [row]);
  return view;
}

/** Extras of every status in one query (one round trip instead of seven: it matters most on PGlite). */
async function statusExtras(db: DbOrTx, ids: string[], viewerId: string | null): Promise<Map<string, StatusExtras>> {
  const params = { ids };
  const rows = viewerId ? await viewerExtrasQuery(db).execute({ ...params, viewer: viewerId }) : await extrasQuery(db).execute(params);
  return new Map(
    rows.map((r) => [
      String(r.id),
      {
        favourites: Number(r.favourites),
        reblogs: Number(r.reblogs),
        replies: Number(r.replies),
        mentions: r.mentions ?? [],
        tags: r.tags ?? [],
        application: r.application ?? null,
        hasMedia: Boolean(r.hasMedia),
        favourited: Boolean(r.favourited),
        reblogged: Boolean(r.reblogged),
        bookmarked: Boolean(r.bookmarked),
        muted: Boolean(r.muted),
        observation: r.observation ?? null,
      },
    ]),
  );
}

// ── prepared statements (one plan per connection; ids travel as one bigint[] parameter) ──

const idsParam = sql.placeholder("ids");

const statusesQuery = (db: DbOrTx) =>
  prepared(db, "read_statuses", (d) =>
    d
      .select()
      .from(statuses)
      .where(sql`${statuses.id} = any(${idsParam}::bigint[])`)
      .prepare("read_statuses"),
  );

const mediaQuery = (db: DbOrTx) =>
  prepared(db, "read_media", (d) =>
    d
      .select()
      .from(mediaAttachments)
      .where(sql`${mediaAttachments.statusId} = any(${idsParam}::bigint[])`)
      .orderBy(asc(mediaAttachments.position), asc(mediaAttachments.id))
      .prepare("read_media"),
  );

/** The columns every viewer gets; `v` is one of the statuses asked for (id, author, application). */
const extrasColumns = {
  id: sql<string>`v.id::text`,
  favourites: sql<number>`(select count(*) from ${favourites} f where f.status_id = v.id)::int`,
  reblogs: sql<number>`(select count(*) from ${statuses} r where r.reblog_of_id = v.id)::int`,
  // as Mastodon counts them: public and unlisted replies only (a private or direct
  // reply's existence is not told to those who may not see it)
  replies: sql<number>`(select count(*) from ${statuses} r where r.in_reply_to_id = v.id and r.visibility in ('public', 'unlisted'))::int`,
  mentions: sql<StatusExtras["mentions"] | null>`(select json_agg(json_build_object(
      'id', a.id::text, 'username', a.username, 'domain', a.domain, 'url', coalesce(a.url, a.uri)) order by a.id)
    from ${mentions} m join ${accounts} a on a.id = m.account_id where m.status_id = v.id)`,
  tags: sql<string[] | null>`(select json_agg(t.name order by t.name)
    from ${statusTags} st join ${tags} t on t.id = st.tag_id where st.status_id = v.id)`,
  application: sql<StatusExtras["application"]>`(select json_build_object('name', ap.name, 'website', ap.website)
    from ${apps} ap where ap.id = v.app_id)`,
  hasMedia: sql<boolean>`exists (select 1 from ${mediaAttachments} ma where ma.status_id = v.id)`,
  // an observation's fields by primary key, in the same statement: no query of its own per page
  observation: sql<ObservationExtras | null>`(select json_build_object('kind', o.kind, 'tags', o.tags, 'state', o.state,
      'lastSeenAt', (extract(epoch from o.last_seen_at) * 1000)::bigint, 'confirmationsCount', o.confirmations_count)
    from ${observations} o where o.status_id = v.id)`,
};

const extrasSource = sql`(select s.id, s.account_id, s.application_id as app_id from ${statuses} s where s.id = any(${idsParam}::bigint[])) as v`;

const extrasQuery = (db: DbOrTx) =>
  prepared(db, "read_status_extras", (d) =>
    d
      .select({
        ...extrasColumns,
        favourited: sql<boolean>`false`,
        reblogged: sql<boolean>`false`,
        bookmarked: sql<boolean>`false`,
        muted: sql<boolean>`false`,
      })
      .from(extrasSource)
      .prepare("read_status_extras"),
  );

const viewerExtrasQuery = (db: DbOrTx) => {
  const viewer = sql.placeholder("viewer");
  return prepared(db, "read_status_viewer_extras", (d) =>
    d
      .select({
        ...extrasColumns,
        favourited: sql<boolean>`exists (select 1 from ${favourites} f where f.account_id = ${viewer}::bigint and f.status_id = v.id)`,
        reblogged: sql<boolean>`exists (select 1 from ${statuses} r where r.account_id = ${viewer}::bigint and r.reblog_of_id = v.id)`,
        bookmarked: sql<boolean>`exists (select 1 from ${bookmarks} b where b.account_id = ${viewer}::bigint and b.status_id = v.id)`,
        muted: sql<boolean>`exists (select 1 from ${mutes} m where m.account_id = ${viewer}::bigint and m.target_account_id = v.account_id)`,
      })
      .from(extrasSource)
      .prepare("read_status_viewer_extras"),
  );
};
