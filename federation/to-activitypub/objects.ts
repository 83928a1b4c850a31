// Local rows ⇄ ActivityPub objects (outgoing side). Addressing follows
// Mastodon: public = to Public, cc followers (+ mentioned); unlisted = to
// followers, cc Public (+ mentioned); private = to followers, cc mentioned;
// direct = to the mentioned only.
import { randomBytes } from "node:crypto";
import { Temporal } from "@js-temporal/polyfill";
import {
  Announce,
  Create,
  Document,
  Hashtag,
  LanguageString,
  Mention,
  Note,
  PUBLIC_COLLECTION,
  Collection,
  Question,
  Update,
} from "@fedify/vocab";
import type { Visibility } from "../../server/db/schema";
import type { StatusForFederation } from "../../server/domain/statuses";
import { localUrls } from "../../server/urls";

export interface MentionForObject {
  /** the mentioned actor's id */
  uri: string;
  /** "@user@domain" */
  name: string;
}

export interface AttachmentForObject {
  url: string;
  mediaType: string | null;
  /** alt text */
  description: string | null;
  width: number | null;
  height: number | null;
  blurhash: string | null;
  /** Mastodon's focal point, x and y in [-1, 1] */
  focus?: { x: number; y: number } | null;
  /** "image", "video", "audio"… */
  type: string;
}

const TOOT = "http://joinmastodon.org/ns#";

/**
 * A Document that also carries Mastodon's `blurhash` and `focalPoint`, which
 * Fedify 2.3.6's vocabulary does not define: they are added to the JSON-LD it
 * writes (expanded form, or compact form with the terms in the attachment's
 * own @context). A Note (it has content) is always compacted against Fedify's
 * fixed context, which has the `toot:` prefix but not these terms: they are then
 * written `toot:blurhash` / `toot:focalPoint` (on the wire, after Fedify's
 * normalization, the full IRIs) — Mastodon's own IRIs, read by JSON-LD
 * processors and by Parvis, not by Mastodon's plain-key reader (docs/federation.md).
 */
export class MediaDocument extends Document {
  constructor(
    values: ConstructorParameters<typeof Document>[0],
    readonly extras: { blurhash: string | null; focalPoint: [number, number] | null },
  ) {
    super(values);
  }

  override async toJsonLd(options: Parameters<Document["toJsonLd"]>[0] = {}): Promise<unknown> {
    const json = await super.toJsonLd(options);
    const { blurhash, focalPoint } = this.extras;
    if (!blurhash && !focalPoint) return json;
    if (options.format === "expand" && Array.isArray(json) && json[0] && typeof json[0] === "object") {
      const node = json[0] as Record<string, unknown>;
      if (blurhash) node[`${TOOT}blurhash`] = [{ "@value": blurhash }];
      if (focalPoint) node[`${TOOT}focalPoint`] = [{ "@list": focalPoint.map((v) => ({ "@value": v })) }];
      return json;
    }
    if (options.format == null && json && typeof json === "object" && !Array.isArray(json)) {
      const node = json as Record<string, unknown>;
      const context = Array.isArray(node["@context"]) ? node["@context"] : node["@context"] ? [node["@context"]] : [];
      node["@context"] = [...context, { toot: TOOT, blurhash: "toot:blurhash", focalPoint: { "@container": "@list", "@id": "toot:focalPoint" } }];
      if (blurhash) node.blurhash = blurhash;
      if (focalPoint) node.focalPoint = focalPoint;
    }
    return json;
  }
}

/** A status row with what it takes to render it (URIs resolved by the query). */
export interface StatusForObject {
  id: string;
  uri: string;
  url: string | null;
  content: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  createdAt: Date;
  editedAt: Date | null;
  /** the parent's ActivityPub id (resolved from in_reply_to_id, or in_reply_to_uri) */
  inReplyToUri: string | null;
  /** for a reblog: the reblogged status's ActivityPub id */
  reblogOfUri: string | null;
  /** for a reblog: the reblogged status's author (addressed in cc, as Mastodon does) */
  reblogOfAuthorUri?: string | null;
  mentions?: MentionForObject[];
  /** hashtag names, without "#" */
  hashtags?: string[];
  attachments?: AttachmentForObject[];
  poll?: PollForObject | null;
}

/** A local poll as a Question renders it (Mastodon's shape). */
export interface PollForObject {
  options: string[];
  tallies: number[];
  multiple: boolean;
  expiresAt: Date | null;
  votersCount: number;
  /** set once it ended */
  closedAt: Date | null;
}

export interface Author {
  uri: URL;
  followersUri: URL;
}

export function toInstant(date: Date): Temporal.Instant {
  return Temporal.Instant.fromEpochMilliseconds(date.getTime());
}

export function addressing(visibility: Visibility, followersUri: URL, mentioned: URL[] = []): { tos: URL[]; ccs: URL[] } {
  switch (visibility) {
    case "public":
      return { tos: [PUBLIC_COLLECTION], ccs: [followersUri, ...mentioned] };
    case "unlisted":
      return { tos: [followersUri], ccs: [PUBLIC_COLLECTION, ...mentioned] };
    case "private":
      return { tos: [followersUri], ccs: mentioned };
    case "direct":
      return { tos: mentioned, ccs: [] };
  }
}

function mentionedUris(status: StatusForObject): URL[] {
  const seen = new Set<string>();
  const uris: URL[] = [];
  for (const m of status.mentions ?? []) {
    if (seen.has(m.uri)) continue;
    seen.add(m.uri);
    uris.push(new URL(m.uri));
  }
  return uris;
}

/** The addressing of a status (the Note and the activities about it share it). */
export function statusAddressing(status: StatusForObject, author: Author): { tos: URL[]; ccs: URL[] } {
  if (status.reblogOfUri) {
    const original = status.reblogOfAuthorUri ? [new URL(status.reblogOfAuthorUri)] : [];
    return addressing(status.visibility, author.followersUri, original);
  }
  return addressing(status.visibility, author.followersUri, mentionedUris(status));
}

function positive(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : null;
}

function focusOf(value: unknown): { x: number; y: number } | null {
  const f = value as { x?: unknown; y?: unknown } | null | undefined;
  return f && typeof f.x === "number" && typeof f.y === "number" ? { x: f.x, y: f.y } : null;
}

function attachmentToDocument(a: AttachmentForObject): Document {
  const values = {
    url: new URL(a.url),
    mediaType: a.mediaType,
    name: a.description || null,
    width: a.width,
    height: a.height,
  };
  // Mastodon sends every attachment as a Document; so do we, with its blurhash and focal point.
  return new MediaDocument(values, { blurhash: a.blurhash, focalPoint: a.focus ? [a.focus.x, a.focus.y] : null });
}

export function statusToNote(status: StatusForObject, author: Author, tagUrl?: (name: string) => string): Note | Question {
  const { tos, ccs } = statusAddressing(status, author);
  const tags: (Mention | Hashtag)[] = [];
  for (const m of status.mentions ?? []) tags.push(new Mention({ href: new URL(m.uri), name: m.name }));
  if (tagUrl) {
    for (const name of status.hashtags ?? []) tags.push(new Hashtag({ href: new URL(tagUrl(name)), name: `#${name}` }));
  }
  const values = {
    id: new URL(status.uri),
    attribution: author.uri,
    contents: status.language ? [status.content, new LanguageString(status.content, status.language)] : [status.content],
    summary: status.spoilerText || null,
    sensitive: status.sensitive,
    published: toInstant(status.createdAt),
    updated: status.editedAt ? toInstant(status.editedAt) : null,
    url: status.url ? new URL(status.url) : null,
    replyTarget: status.inReplyToUri ? new URL(status.inReplyToUri) : null,
    tags,
    attachments: (status.attachments ?? []).map(attachmentToDocument),
    tos,
    ccs,
  };
  if (!status.poll) return new Note(values);
  const poll = status.poll;
  // Mastodon's Question: each option a Note with its name and a replies collection counting its votes
  const options = poll.options.map(
    (name, i) => new Note({ name, replies: new Collection({ totalItems: poll.tallies[i] ?? 0 }) }),
  );
  return new Question({
    ...values,
    ...(poll.multiple ? { inclusiveOptions: options } : { exclusiveOptions: options }),
    endTime: poll.expiresAt ? toInstant(poll.expiresAt) : null,
    closed: poll.closedAt ? toInstant(poll.closedAt) : null,
    voters: poll.votersCount,
  });
}

/** The activity that published a status: Create(Note), or Announce for a reblog. */
export function statusToActivity(status: StatusForObject, author: Author, tagUrl?: (name: string) => string): Create | Announce {
  const { tos, ccs } = statusAddressing(status, author);
  if (status.reblogOfUri) {
    return new Announce({
      // a reblog's uri is already its Announce's id (server/domain/interactions.ts)
      id: new URL(status.uri),
      actor: author.uri,
      object: new URL(status.reblogOfUri),
      published: toInstant(status.createdAt),
      tos,
      ccs,
    });
  }
  return new Create({
    id: new URL(`${status.uri}/activity`),
    actor: author.uri,
    object: statusToNote(status, author, tagUrl),
    published: toInstant(status.createdAt),
    tos,
    ccs,
  });
}

/** Update(Question) with a poll's new tallies (after votes, and once it ended); a fresh id each time. */
export function pollToUpdate(status: StatusForObject, author: Author, tagUrl?: (name: string) => string): Update {
  const { tos, ccs } = statusAddressing(status, author);
  const now = new Date();
  return new Update({
    id: new URL(`${status.uri}#poll-updates/${now.getTime()}-${Math.random().toString(36).slice(2, 10)}`),
    actor: author.uri,
    object: statusToNote(status, author, tagUrl),
    published: toInstant(now),
    tos,
    ccs,
  });
}

/** Update(Note) after an edit; its id is new each time (random part), so receivers see each one and nobody can predict it. */
export function statusToUpdate(status: StatusForObject, author: Author, tagUrl?: (name: string) => string): Update {
  const { tos, ccs } = statusAddressing(status, author);
  const at = status.editedAt ?? new Date();
  return new Update({
    id: new URL(`${status.uri}#updates/${at.getTime()}/${randomBytes(16).toString("base64url")}`),
    actor: author.uri,
    object: statusToNote(status, author, tagUrl),
    published: toInstant(at),
    tos,
    ccs,
  });
}

/** "@user@domain" for an account (residents get our domain). */
export function mentionName(account: { username: string; domain: string | null }, localDomain: string): string {
  return `@${account.username}@${account.domain ?? localDomain}`;
}

/** Builds the object view of a status loaded by statusForFederation. */
export function federatedStatus(data: StatusForFederation, origin: string, localDomain: string): StatusForObject {
  const { status } = data;
  const urls = localUrls(origin);
  return {
    id: status.id,
    uri: status.uri,
    url: status.url,
    content: status.content,
    spoilerText: status.spoilerText,
    sensitive: status.sensitive,
    visibility: status.visibility,
    language: status.language,
    createdAt: status.createdAt,
    editedAt: status.editedAt,
    inReplyToUri: data.inReplyToUri,
    reblogOfUri: data.reblogOf?.status.uri ?? null,
    reblogOfAuthorUri: data.reblogOf?.author.uri ?? null,
    mentions: data.mentions.map((m) => ({ uri: m.uri, name: mentionName(m, localDomain) })),
    hashtags: data.tags,
    poll:
      data.poll && data.status.local
        ? {
            options: data.poll.poll.options,
            tallies: data.poll.tallies,
            multiple: data.poll.poll.multiple,
            expiresAt: data.poll.poll.expiresAt,
            votersCount: data.poll.votersCount ?? 0,
            closedAt: data.poll.poll.expiresAt && data.poll.poll.expiresAt.getTime() <= Date.now() ? data.poll.poll.expiresAt : null,
          }
        : null,
    attachments: data.media.flatMap((m): AttachmentForObject[] => {
      const url = m.fileName ? urls.media(m.fileName) : m.remoteUrl;
      if (!url) return [];
      const original = (m.meta?.original ?? m.meta) as Record<string, unknown>;
      return [
        {
          url,
          mediaType: m.contentType,
          description: m.description,
          width: positive(original?.width),
          height: positive(original?.height),
          blurhash: m.blurhash,
          focus: focusOf(m.meta?.focus),
          type: m.type,
        },
      ];
    }),
  };
}
