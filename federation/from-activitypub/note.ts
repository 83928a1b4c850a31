// A post from another server (Note, Article, Page, Question, Event) → the
// data the domain stores for a remote status. Pure translation: which
// accounts a mention names is answered by the caller (resolveMentions).
import type { DocumentLoader } from "@fedify/fedify";
import {
  Article,
  Document,
  Event,
  Hashtag,
  Image,
  Link,
  Mention,
  Note,
  Page,
  Place,
  PUBLIC_COLLECTION,
  Question,
  Video,
  Audio,
  type Object as APObject,
} from "@fedify/vocab";
import type { Visibility } from "../../server/db/schema";
import type { RemoteAttachment, RemoteStatusData } from "../../server/domain/statuses";
import { isHttpUrl, withoutHash } from "../../server/domain/content";
import type { RemotePollData } from "../../server/domain/polls";
import { isPublicAddress } from "../addresses";
import { escapeHtml, firstText, languageOf } from "./text";
import { locationOf } from "./place";

export type PostObject = Note | Article | Page | Question | Event;
export const POST_CLASSES = [Note, Article, Page, Question, Event] as const;

export function isPostObject(value: unknown): value is PostObject {
  return POST_CLASSES.some((cls) => value instanceof cls);
}

/** How many mentions of a post we act on (notifications, resolution). */
export const MAX_MENTIONS = 50;

export interface TranslateOptions {
  loaders: { documentLoader: DocumentLoader; contextLoader: DocumentLoader };
  /** the author's followers collection, to tell followers-only posts */
  followersUrl: string | null;
  /** account ids for the mentioned actor URLs (known, local, or a few resolved) */
  resolveMentions: (hrefs: URL[]) => Promise<string[]>;
  allowPrivateAddress: boolean;
  /**
   * the object's JSON as received, when it came embedded in an activity (Fedify keeps only the top level's);
   * postToStatusData serializes the object itself when it is not given, once, for the parts below it
   */
  raw?: Record<string, unknown> | null;
}

export function visibilityOf(object: APObject, followersUrl: string | null): Visibility {
  const tos = object.toIds.map((u) => u.href);
  const ccs = object.ccIds.map((u) => u.href);
  const isPublic = (u: string) => u === PUBLIC_COLLECTION.href || u === "as:Public" || u === "Public";
  if (tos.some(isPublic)) return "public";
  if (ccs.some(isPublic)) return "unlisted";
  if (followersUrl && [...tos, ...ccs].includes(followersUrl)) return "private";
  return "direct";
}

/** http(s) only; no loopback or private address unless the test/dev switch allows it. */
export function isFetchableUrl(url: URL | string, allowPrivateAddress: boolean): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return false;
  if (allowPrivateAddress) return true;
  const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return false;
  if (/^[\d.]+$/.test(host) || host.includes(":")) return isPublicAddress(host);
  return true;
}

function urlOf(value: URL | Link | null | undefined): string | null {
  if (!value) return null;
  if (value instanceof URL) return value.href;
  return value.href?.href ?? null;
}

function paragraph(text: string): string {
  return `<p>${escapeHtml(text)}</p>`;
}

function link(url: string, label = url): string {
  return `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
}

async function bodyOf(object: PostObject, options: TranslateOptions): Promise<string> {
  const content = firstText(object.contents) ?? "";
  const name = firstText(object.names);
  const given = urlOf(object.url);
  const url = (isHttpUrl(given) ? given : null) ?? object.id?.href ?? null;
  const parts: string[] = [];

  // Articles, Lemmy Pages and events carry a title; Notes do not (a Note's
  // name is at most a poll vote's option).
  if (name && !(object instanceof Note)) parts.push(`<p><strong>${escapeHtml(name)}</strong></p>`);
  if (object instanceof Event) {
    const when = [object.startTime, object.endTime].filter(Boolean).map((t) => t!.toString());
    if (when.length) parts.push(paragraph(when.join(" – ")));
    const location = await object.getLocation({ ...options.loaders, suppressError: true }).catch(() => null);
    // Mobilizon maps `location` to schema.org's, which ActivityStreams parsing does not see
    const placeName =
      location instanceof Place && location.name ? location.name.toString() : stringField(options.raw?.location, "name");
    if (placeName) parts.push(paragraph(placeName));
  }
  if (content) parts.push(content);
  // Misskey and Fedibird quotes: keep a visible link to the quoted post.
  const quote = (object as Note).quoteUrl?.href;
  if (quote && !content.includes(quote)) parts.push(`<p>RE: ${link(quote)}</p>`);
  if (!(object instanceof Note) && url && !content.includes(url)) parts.push(`<p>${link(url)}</p>`);
  return parts.join("");
}

/**
 * The object's JSON as it was received (Fedify keeps it), for the few
 * extensions its vocabulary does not parse (Mastodon's blurhash, Mobilizon's place).
 */
export async function rawOf(object: PostObject, given?: Record<string, unknown> | null): Promise<Record<string, unknown> | null> {
  if (given) return given;
  const raw = await object.toJsonLd().catch(() => null);
  return raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
}

function stringField(value: unknown, key: string): string | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === "string" ? v : null;
}

const TOOT = "http://joinmastodon.org/ns#";

/** Mastodon's `focalPoint` ([x, y], both in [-1, 1]), or null. */
function focalPointOf(item: unknown): { x: number; y: number } | null {
  const o = item && typeof item === "object" ? (item as Record<string, unknown>) : {};
  let v = o.focalPoint ?? o["toot:focalPoint"] ?? o[`${TOOT}focalPoint`];
  if (v && typeof v === "object" && !Array.isArray(v) && Array.isArray((v as { "@list"?: unknown })["@list"])) v = (v as { "@list": unknown[] })["@list"];
  if (!Array.isArray(v) || v.length !== 2) return null;
  const [x, y] = v;
  return typeof x === "number" && typeof y === "number" && Math.abs(x) <= 1 && Math.abs(y) <= 1 ? { x, y } : null;
}

/** blurhash and focal point of each raw attachment (extensions Fedify does not parse), by its URL */
function mastodonExtras(raw: Record<string, unknown> | null): Map<string, { blurhash: string | null; focus: { x: number; y: number } | null }> {
  const out = new Map<string, { blurhash: string | null; focus: { x: number; y: number } | null }>();
  const list = raw?.attachment;
  for (const item of Array.isArray(list) ? list : list ? [list] : []) {
    const url = stringField(item, "url") ?? stringField((item as { url?: unknown })?.url, "href");
    // Mastodon writes plain `blurhash`; a JSON-LD compaction without the term writes
    // `toot:blurhash` or the full IRI (Parvis, through Fedify: docs/federation.md)
    const blurhash = stringField(item, "blurhash") ?? stringField(item, "toot:blurhash") ?? stringField(item, `${TOOT}blurhash`);
    if (url) out.set(url, { blurhash, focus: focalPointOf(item) });
  }
  return out;
}

async function attachmentsOf(object: PostObject, options: TranslateOptions): Promise<RemoteAttachment[]> {
  const out: RemoteAttachment[] = [];
  const extras = mastodonExtras(options.raw ?? null);
  for await (const a of object.getAttachments({ ...options.loaders, suppressError: true })) {
    if (!(a instanceof Document || a instanceof Image || a instanceof Video || a instanceof Audio)) continue;
    const url = urlOf(a.url as URL | Link | null);
    if (!url || !isFetchableUrl(url, options.allowPrivateAddress)) continue;
    out.push({
      url,
      mediaType: a.mediaType ?? null,
      description: a.name?.toString() ?? null,
      blurhash: extras.get(url)?.blurhash ?? null,
      focus: extras.get(url)?.focus ?? null,
      width: a.width ?? null,
      height: a.height ?? null,
    });
    if (out.length >= 8) break;
  }
  return out;
}

/** How many options of a Question are read. */
const MAX_POLL_OPTIONS = 20;

/** A Question's options (oneOf: single choice, anyOf: multiple), their vote counts (replies.totalItems), end and voters. */
export async function pollOf(object: PostObject, options: Pick<TranslateOptions, "loaders">): Promise<RemotePollData | null> {
  if (!(object instanceof Question)) return null;
  const opts = { ...options.loaders, suppressError: true };
  const read = async (items: AsyncIterable<APObject>) => {
    const out: { name: string; votes: number }[] = [];
    for await (const o of items) {
      if (out.length >= MAX_POLL_OPTIONS) break;
      const name = o.name?.toString();
      if (!name) continue;
      // the vote count is embedded (Mastodon): never fetched
      const replies = o.repliesId ? null : await o.getReplies(opts).catch(() => null);
      out.push({ name, votes: replies?.totalItems ?? 0 });
    }
    return out;
  };
  const exclusive = await read(object.getExclusiveOptions(opts));
  const inclusive = exclusive.length ? [] : await read(object.getInclusiveOptions(opts));
  const chosen = exclusive.length ? exclusive : inclusive;
  if (chosen.length === 0) return null;
  const closed = object.closed;
  const end = object.endTime ?? (closed && typeof closed === "object" ? closed : null);
  return {
    options: chosen.map((o) => o.name),
    tallies: chosen.map((o) => o.votes),
    multiple: exclusive.length === 0,
    expiresAt: end ? new Date(end.epochMilliseconds) : closed === true ? new Date() : null,
    votersCount: object.voters ?? null,
  };
}

function typeOf(object: PostObject): string {
  if (object instanceof Article) return "Article";
  if (object instanceof Page) return "Page";
  if (object instanceof Question) return "Question";
  if (object instanceof Event) return "Event";
  return "Note";
}

/** The status data for a post object whose author has been checked. */
export async function postToStatusData(
  object: PostObject,
  authorId: string,
  given: TranslateOptions,
): Promise<RemoteStatusData | null> {
  if (!object.id) return null;
  // the object's JSON, serialized at most once (the body, attachments and place each read a part of it)
  const options: TranslateOptions = { ...given, raw: await rawOf(object, given.raw) };
  const mentionHrefs: URL[] = [];
  const tagNames: string[] = [];
  for await (const tag of object.getTags({ ...options.loaders, suppressError: true })) {
    if (tag instanceof Mention && tag.href && mentionHrefs.length < MAX_MENTIONS) mentionHrefs.push(tag.href);
    else if (tag instanceof Hashtag && tag.name) tagNames.push(withoutHash(tag.name.toString()));
  }
  return {
    uri: object.id.href,
    url: urlOf(object.url),
    authorId,
    content: await bodyOf(object, options),
    spoilerText: firstText(object.summaries),
    sensitive: object.sensitive ?? false,
    visibility: visibilityOf(object, options.followersUrl),
    language: languageOf(object.contents),
    inReplyToUri: object.replyTargetId?.href ?? null,
    createdAt: object.published ? new Date(object.published.epochMilliseconds) : null,
    updatedAt: object.updated ? new Date(object.updated.epochMilliseconds) : null,
    objectType: typeOf(object),
    mentionedAccountIds: await options.resolveMentions(mentionHrefs),
    tagNames,
    attachments: await attachmentsOf(object, options),
    poll: await pollOf(object, options),
    place: locationOf(options.raw ?? null),
  };
}
