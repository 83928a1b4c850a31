// A status as the Note (or Question, for a poll) other servers read: served
// at its URL, listed in the outbox, carried by Create and Update.
import {
  Collection,
  Hashtag,
  LanguageString,
  Mention,
  Note,
  Place,
  Question,
} from "@fedify/vocab";
import type { ListedStatus, StatusForFederation } from "../../server/domain/statuses";
import { placeOf, type Place as StatusPlace } from "../../server/domain/places";
import { localUrls } from "../../server/urls";
import { addressing, toInstant, type Author } from "./addressing";
import { attachmentToDocument, focusOf, positive, type AttachmentForObject } from "./media";
import { ObservationNote, observationLiteral, parvisNamespace } from "./observation";

export interface MentionForObject {
  /** the mentioned actor's id */
  uri: string;
  /** "@user@domain" */
  name: string;
}

/** A status row with what it takes to render it (URIs resolved by the query): a listed status, and more. */
export interface StatusForObject extends ListedStatus {
  /** for a reblog: the reblogged status's author (addressed in cc, as Mastodon does) */
  reblogOfAuthorUri?: string | null;
  mentions?: MentionForObject[];
  /** hashtag names, without "#" */
  hashtags?: string[];
  attachments?: AttachmentForObject[];
  poll?: PollForObject | null;
  /** the place the author published with it: an ActivityStreams Place in `location` */
  place?: { latitude: number; longitude: number; name: string | null } | null;
  /** an observation's fields, for the Parvis extension (to-activitypub/observation.ts) */
  observation?: { namespace: string; literal: Record<string, unknown> } | null;
}

/** A status's place as the ActivityStreams Place in its Note's `location`. */
export function placeToActivityPub(place: StatusPlace): Place {
  return new Place({ name: place.name, latitude: place.latitude, longitude: place.longitude });
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
    location: status.place ? placeToActivityPub(status.place) : null,
    tos,
    ccs,
  };
  if (status.observation && !status.poll) return new ObservationNote(values, status.observation);
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
    place: placeOf(status),
    observation: data.observation && status.local ? { namespace: parvisNamespace(origin), literal: observationLiteral(data.observation) } : null,
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
