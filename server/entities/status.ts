// Loaded statuses (server/domain/statuses/read.ts) → Mastodon Status entities.
// Pure: everything shown (authors, counts, media, polls, the viewer's flags and
// filter matches) comes with the views, loaded in batches by the domain.
import { acctOf, type AccountView } from "../domain/accounts";
import { htmlToText, isHttpUrl } from "../domain/content";
import type { StatusView } from "../domain/views";
import { localUrls } from "../urls";
import { serializeAccount, type AccountEntity } from "./account";
import { serializeMedia, type MediaEntity } from "./media";
import { serializeFilterResult, type FilterResultEntity } from "./filter";
import { pollEntity, type PollEntity } from "./poll";

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
  /** Parvis: the group the status was posted in (absent outside groups) */
  parvis_group?: StatusGroupEntity;
  /** Parvis: the place its author published with it (null when none) */
  parvis_place: StatusPlaceEntity | null;
  /** Parvis: an observation's structured fields (docs/api.md "Observations"), null for other statuses */
  parvis_observation: StatusObservationEntity | null;
}

export interface StatusPlaceEntity {
  latitude: number;
  longitude: number;
  name: string | null;
}

export interface StatusObservationEntity {
  kind: "camera" | "issue";
  tags: Record<string, string>;
  state: "present" | "gone_proposed" | "gone";
  last_seen_at: string;
  confirmations_count: number;
}

export interface StatusGroupEntity {
  id: string;
  slug: string;
  acct: string;
  name: string;
  url: string;
  visibility: "public" | "members";
}

export interface SerializeOptions {
  /** include the source text (delete-and-redraft answer) */
  withSource?: boolean;
}

export function serializeStatuses(origin: string, views: StatusView[], options: SerializeOptions = {}): StatusEntity[] {
  if (views.length === 0) return [];
  const urls = localUrls(origin);
  // an author's entity is built once per page, however many of its statuses it holds
  const accountEntities = new Map<AccountView, AccountEntity>();
  const accountOf = (view: AccountView | undefined): AccountEntity => {
    if (!view) return undefined as unknown as AccountEntity;
    let entity = accountEntities.get(view);
    if (!entity) accountEntities.set(view, (entity = serializeAccount(origin, view)));
    return entity;
  };

  const build = (v: StatusView, reblog: StatusEntity | null): StatusEntity => {
    const { status: s, extras: extra, viewerId } = v;
    const entity: StatusEntity = {
      id: s.id,
      uri: s.uri,
      // rows stored before URLs from outside were checked may hold javascript: or data:
      url: isHttpUrl(s.url) ? s.url : s.uri,
      created_at: s.createdAt.toISOString(),
      edited_at: s.editedAt ? s.editedAt.toISOString() : null,
      account: accountOf(v.author),
      content: s.content,
      visibility: s.visibility,
      // an account marked sensitive by a moderator has its media behind a warning
      sensitive: s.sensitive || Boolean(extra?.hasMedia && v.author?.account.sensitizedAt),
      spoiler_text: s.spoilerText,
      media_attachments: v.media.map((m) => serializeMedia(origin, m)),
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
      poll: v.poll ? pollEntity(v.poll, viewerId) : null,
      card: null,
      language: s.language,
      text: options.withSource ? (s.text ?? htmlToText(s.content)) : null,
      filtered: [],
      parvis_place: v.place ? { latitude: v.place.latitude, longitude: v.place.longitude, name: v.place.name } : null,
      parvis_observation: extra?.observation
        ? {
            kind: extra.observation.kind,
            tags: extra.observation.tags,
            state: extra.observation.state,
            last_seen_at: new Date(Number(extra.observation.lastSeenAt)).toISOString(),
            confirmations_count: Number(extra.observation.confirmationsCount),
          }
        : null,
    };
    const group = v.group;
    if (group) {
      entity.parvis_group = {
        id: group.account.id,
        slug: group.account.username,
        acct: acctOf(group.account),
        name: group.account.displayName,
        url: isHttpUrl(group.account.url) ? group.account.url : group.account.uri,
        visibility: group.group.visibility,
      };
    }
    if (viewerId !== null) {
      entity.favourited = extra?.favourited ?? false;
      entity.reblogged = extra?.reblogged ?? false;
      entity.bookmarked = extra?.bookmarked ?? false;
      entity.muted = extra?.muted ?? false;
      entity.pinned = s.pinned && s.accountId === viewerId;
    }
    return entity;
  };

  // a page may hold a status and its reblog's original: each is built once
  const originals = new Map<string, StatusEntity>();
  return views.map((v) => {
    let entity: StatusEntity;
    if (!v.reblog) entity = build(v, null);
    else {
      const original = v.reblog;
      let inner = originals.get(original.status.id);
      if (!inner) originals.set(original.status.id, (inner = build(original, null)));
      entity = build(v, inner);
      if (v.viewerId !== null) {
        // a reblog's flags mirror those of what it shares, as in Mastodon
        entity.favourited = inner.favourited;
        entity.reblogged = inner.reblogged;
        entity.bookmarked = inner.bookmarked;
      }
    }
    if (v.filterMatches) {
      // the viewer's "warn" filters that match, on the reblog's inner status too
      entity.filtered = v.filterMatches.map(serializeFilterResult);
      if (entity.reblog) entity.reblog.filtered = entity.filtered;
    }
    return entity;
  });
}

export function serializeStatus(origin: string, view: StatusView, options: SerializeOptions = {}): StatusEntity {
  return serializeStatuses(origin, [view], options)[0];
}

/** One version of a status, as its edit history lists it (oldest first). */
export interface StatusVersion {
  content: string;
  spoilerText: string;
  sensitive: boolean;
  createdAt: Date;
}

/**
 * Mastodon StatusEdit entities: each version's text with the status's author and
 * current media (earlier media and polls are not kept).
 */
export function serializeStatusEdits(origin: string, view: StatusView, versions: StatusVersion[]) {
  const entity = serializeStatus(origin, view);
  return versions.map((v) => ({
    content: v.content,
    spoiler_text: v.spoilerText,
    sensitive: v.sensitive,
    created_at: v.createdAt.toISOString(),
    account: entity.account,
    poll: null,
    media_attachments: entity.media_attachments,
    emojis: [],
  }));
}
