// Rows → Mastodon Status entities, in batches: a page takes one round trip of
// three queries side by side (the originals of reblogs; the authors with their
// counts; each status's counts, mentions, tags, application and the viewer's
// flags), plus the media of the statuses that have some (docs/adr/0006).
import { asc, sql } from "drizzle-orm";
import { accounts, apps, bookmarks, favourites, mediaAttachments, mentions, mutes, statusTags, statuses, tags } from "../db/schema";
import { acctOf } from "../domain/accounts";
import { htmlToText, isHttpUrl } from "../domain/content";
import type { Db } from "../db/open";
import { prepared } from "../db/prepared";
import type { Status } from "../domain/statuses";
import type { Services } from "../services";
import { localUrls } from "../urls";
import { serializeAuthorsOf, type AccountEntity } from "./account";
import { serializeMedia, type MediaEntity } from "./media";
import { applyFilters } from "../domain/filters";
import type { FilterContext } from "../db/schema";
import { serializeFilterResult, type FilterResultEntity } from "./filter";
import { pollEntity, type PollEntity } from "./poll";
import { pollViews } from "../domain/polls";

export interface StatusEntity {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  edited_at: string | null;
  account: AccountEntity;
  content: string;
  visibility: string;
  sensitive: boolean;
  spoiler_text: string;
  media_attachments: MediaEntity[];
  application: { name: string; website: string | null } | null;
  mentions: { id: string; username: string; url: string; acct: string }[];
  tags: { name: string; url: string }[];
  emojis: never[];
  reblogs_count: number;
  favourites_count: number;
  replies_count: number;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: StatusEntity | null;
  poll: PollEntity | null;
  card: null;
  language: string | null;
  text: string | null;
  favourited?: boolean;
  reblogged?: boolean;
  muted?: boolean;
  bookmarked?: boolean;
  pinned?: boolean;
  filtered?: FilterResultEntity[];
}

export interface SerializeOptions {
  /** include the source text (delete-and-redraft answer) */
  withSource?: boolean;
}

export async function serializeStatuses(
  services: Services,
  rows: Status[],
  viewerId: string | null,
  options: SerializeOptions = {},
): Promise<StatusEntity[]> {
  if (rows.length === 0) return [];
  const db = services.db;
  const reblogIds = [...new Set(rows.map((r) => r.reblogOfId).filter((id): id is string => Boolean(id)))];
  const ids = [...new Set([...rows.map((r) => r.id), ...reblogIds])];

  // one round trip for a page, three queries side by side: the originals of its
  // reblogs, the authors of all with their counts, and what hangs off each status
  // (the last two by status id, so that they need not wait for the first)
  const [originals, accountEntities, extras] = await Promise.all([
    reblogIds.length ? statusesQuery(db).execute({ ids: reblogIds }) : Promise.resolve([] as Status[]),
    serializeAuthorsOf(services, ids),
    statusExtras(services, ids, viewerId),
  ]);
  const all = [...new Map([...rows, ...originals].map((s) => [s.id, s])).values()];
  // media only for the statuses that have some
  const withMedia = all.filter((s) => extras.get(s.id)?.hasMedia).map((s) => s.id);
  // polls only for the statuses that came as (or were written as) a Question
  const withPoll = all.filter((s) => s.objectType === "Question").map((s) => s.id);
  const [mediaRows, polls] = await Promise.all([
    withMedia.length ? mediaQuery(db).execute({ ids: withMedia }) : Promise.resolve([]),
    pollViews(services.domain, withPoll, viewerId),
  ]);
  const viewerFlags = viewerId !== null;
  const urls = localUrls(services.config.origin);

  const build = (s: Status, reblog: StatusEntity | null): StatusEntity => {
    const extra = extras.get(s.id);
    const entity: StatusEntity = {
      id: s.id,
      uri: s.uri,
      // rows stored before URLs from outside were checked may hold javascript: or data:
      url: isHttpUrl(s.url) ? s.url : s.uri,
      created_at: s.createdAt.toISOString(),
      edited_at: s.editedAt ? s.editedAt.toISOString() : null,
      account: accountEntities.get(s.accountId)!,
      content: s.content,
      visibility: s.visibility,
      // an account marked sensitive by a moderator has its media behind a warning
      sensitive: s.sensitive || Boolean(extra?.hasMedia && extra.authorSensitized),
      spoiler_text: s.spoilerText,
      media_attachments: mediaRows.filter((m) => m.statusId === s.id).map((m) => serializeMedia(services, m)),
      application: extra?.application ? { name: extra.application.name, website: isHttpUrl(extra.application.website) ? extra.application.website : null } : null,
      mentions: (extra?.mentions ?? []).map((m) => ({ id: m.id, username: m.username, url: m.url, acct: acctOf(m) })),
      tags: (extra?.tags ?? []).map((name) => ({ name, url: urls.tagPage(name) })),
      emojis: [],
      reblogs_count: extra?.reblogs ?? 0,
      favourites_count: extra?.favourites ?? 0,
      replies_count: extra?.replies ?? 0,
      in_reply_to_id: s.inReplyToId,
      in_reply_to_account_id: s.inReplyToAccountId,
      reblog,
      poll: polls.has(s.id) ? pollEntity(polls.get(s.id)!, viewerId) : null,
      card: null,
      language: s.language,
      text: options.withSource ? (s.text ?? htmlToText(s.content)) : null,
      filtered: [],
    };
    if (viewerFlags) {
      entity.favourited = extra?.favourited ?? false;
      entity.reblogged = extra?.reblogged ?? false;
      entity.bookmarked = extra?.bookmarked ?? false;
      entity.muted = extra?.muted ?? false;
      entity.pinned = s.pinned && s.accountId === viewerId;
    }
    return entity;
  };

  const originalEntities = new Map(originals.map((o) => [o.id, build(o, null)]));
  return rows.map((s) => {
    if (!s.reblogOfId) return build(s, null);
    const inner = originalEntities.get(s.reblogOfId) ?? null;
    const outer = build(s, inner);
    if (inner && viewerFlags) {
      // a reblog's flags mirror those of what it shares, as in Mastodon
      outer.favourited = inner.favourited;
      outer.reblogged = inner.reblogged;
      outer.bookmarked = inner.bookmarked;
    }
    return outer;
  });
}

/** What hangs off one status: counts, mentions, tags, application, and the viewer's own flags. */
interface StatusExtras {
  favourites: number;
  reblogs: number;
  replies: number;
  mentions: { id: string; username: string; domain: string | null; url: string }[];
  tags: string[];
  application: { name: string; website: string | null } | null;
  hasMedia: boolean;
  /** its author was marked sensitive by a moderator */
  authorSensitized: boolean;
  /** the viewer's own flags (false without a viewer) */
  favourited: boolean;
  reblogged: boolean;
  bookmarked: boolean;
  /** the viewer mutes the status's author */
  muted: boolean;
}

/** Extras of every status in one query (one round trip instead of seven: it matters most on PGlite). */
async function statusExtras(services: Services, ids: string[], viewerId: string | null): Promise<Map<string, StatusExtras>> {
  const params = { ids };
  const rows = viewerId ? await viewerExtrasQuery(services.db).execute({ ...params, viewer: viewerId }) : await extrasQuery(services.db).execute(params);
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
        authorSensitized: Boolean(r.authorSensitized),
        favourited: Boolean(r.favourited),
        reblogged: Boolean(r.reblogged),
        bookmarked: Boolean(r.bookmarked),
        muted: Boolean(r.muted),
      },
    ]),
  );
}

// ── prepared statements (one plan per connection; ids travel as one bigint[] parameter) ──

const idsParam = sql.placeholder("ids");

const statusesQuery = (db: Db) =>
  prepared(db, "ser_statuses", (d) =>
    d
      .select()
      .from(statuses)
      .where(sql`${statuses.id} = any(${idsParam}::bigint[])`)
      .prepare("ser_statuses"),
  );

const mediaQuery = (db: Db) =>
  prepared(db, "ser_media", (d) =>
    d
      .select()
      .from(mediaAttachments)
      .where(sql`${mediaAttachments.statusId} = any(${idsParam}::bigint[])`)
      .orderBy(asc(mediaAttachments.position), asc(mediaAttachments.id))
      .prepare("ser_media"),
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
  authorSensitized: sql<boolean>`exists (select 1 from ${accounts} sa where sa.id = v.account_id and sa.sensitized_at is not null)`,
};

const extrasSource = sql`(select s.id, s.account_id, s.application_id as app_id from ${statuses} s where s.id = any(${idsParam}::bigint[])) as v`;

const extrasQuery = (db: Db) =>
  prepared(db, "ser_status_extras", (d) =>
    d
      .select({
        ...extrasColumns,
        favourited: sql<boolean>`false`,
        reblogged: sql<boolean>`false`,
        bookmarked: sql<boolean>`false`,
        muted: sql<boolean>`false`,
      })
      .from(extrasSource)
      .prepare("ser_status_extras"),
  );

const viewerExtrasQuery = (db: Db) => {
  const viewer = sql.placeholder("viewer");
  return prepared(db, "ser_status_viewer_extras", (d) =>
    d
      .select({
        ...extrasColumns,
        favourited: sql<boolean>`exists (select 1 from ${favourites} f where f.account_id = ${viewer}::bigint and f.status_id = v.id)`,
        reblogged: sql<boolean>`exists (select 1 from ${statuses} r where r.account_id = ${viewer}::bigint and r.reblog_of_id = v.id)`,
        bookmarked: sql<boolean>`exists (select 1 from ${bookmarks} b where b.account_id = ${viewer}::bigint and b.status_id = v.id)`,
        muted: sql<boolean>`exists (select 1 from ${mutes} m where m.account_id = ${viewer}::bigint and m.target_account_id = v.account_id)`,
      })
      .from(extrasSource)
      .prepare("ser_status_viewer_extras"),
  );
};

export async function serializeStatus(services: Services, row: Status, viewerId: string | null, options: SerializeOptions = {}): Promise<StatusEntity> {
  const [entity] = await serializeStatuses(services, [row], viewerId, options);
  return entity;
}

/**
 * Statuses as a viewer reads them in a filter context: those a "hide" filter
 * matches are left out, the others carry their "warn" matches in `filtered`
 * (on the reblog's inner status too). Link headers are set from the rows before.
 */
export async function serializeFilteredStatuses(
  services: Services,
  rows: Status[],
  viewerId: string | null,
  context: FilterContext,
): Promise<StatusEntity[]> {
  const verdict = await applyFilters(services.domain, viewerId, context, rows);
  const kept = rows.filter((r) => !verdict.hidden.has(r.id));
  const entities = await serializeStatuses(services, kept, viewerId);
  for (const entity of entities) {
    const matches = verdict.matches.get(entity.id);
    if (!matches) continue;
    entity.filtered = matches.map(serializeFilterResult);
    if (entity.reblog) entity.reblog.filtered = entity.filtered;
  }
  return entities;
}
