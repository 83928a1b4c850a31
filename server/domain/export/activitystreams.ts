// ActivityStreams JSON for the archive (actor.json, outbox.json), written
// from database rows. Federation builds its documents with Fedify's
// vocabulary, which the domain may not import; this small serializer covers
// what an archive needs (Mastodon's archive holds the same shapes) and is
// read by people and importers, never signed or delivered.
import type { accounts, mediaAttachments, statuses } from "../../db/schema";

type AccountRow = typeof accounts.$inferSelect;
type StatusRow = typeof statuses.$inferSelect;
type MediaRow = typeof mediaAttachments.$inferSelect;

export const AS_CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"];
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

/** Where a stored file goes inside the archive. */
export function archiveMediaPath(fileName: string): string {
  return `media_attachments/files/${fileName}`;
}

function followersOf(account: AccountRow): string {
  return account.followersUrl ?? `${account.uri}/followers`;
}

export function actorDocument(account: AccountRow, files: { avatar?: string; header?: string }): Record<string, unknown> {
  return {
    "@context": AS_CONTEXT,
    id: account.uri,
    type: account.actorType,
    preferredUsername: account.username,
    name: account.displayName,
    summary: account.note,
    url: account.url,
    manuallyApprovesFollowers: account.locked,
    discoverable: account.discoverable,
    published: account.createdAt.toISOString(),
    inbox: account.inboxUrl,
    outbox: "outbox.json",
    followers: followersOf(account),
    following: account.followingUrl,
    likes: "likes.json",
    bookmarks: "bookmarks.json",
    alsoKnownAs: account.alsoKnownAs,
    attachment: account.fields.map((f) => ({ type: "PropertyValue", name: f.name, value: f.value })),
    ...(files.avatar ? { icon: { type: "Image", url: files.avatar } } : {}),
    ...(files.header ? { image: { type: "Image", url: files.header } } : {}),
  };
}

/** Addressing by visibility, as the status was delivered. */
function audience(account: AccountRow, status: StatusRow, mentioned: string[]): { to: string[]; cc: string[] } {
  const followers = followersOf(account);
  switch (status.visibility) {
    case "public":
      return { to: [PUBLIC], cc: [followers, ...mentioned] };
    case "unlisted":
      return { to: [followers], cc: [PUBLIC, ...mentioned] };
    case "private":
      return { to: [followers], cc: mentioned };
    default:
      return { to: mentioned, cc: [] };
  }
}

export interface StatusExtras {
  /** ActivityPub ids of the mentioned accounts */
  mentioned: { uri: string; acct: string }[];
  tags: string[];
  media: MediaRow[];
  inReplyTo: string | null;
  /** the boosted post's id, for a reblog */
  reblogOf: string | null;
}

/** A post as the activity that published it: Create(Note), or Announce for a boost. */
export function statusActivity(account: AccountRow, status: StatusRow, extras: StatusExtras, tagUrl: (name: string) => string): Record<string, unknown> {
  const { to, cc } = audience(
    account,
    status,
    extras.mentioned.map((m) => m.uri),
  );
  const published = status.createdAt.toISOString();
  if (status.reblogOfId) {
    return { id: `${status.uri}/activity`, type: "Announce", actor: account.uri, published, to, cc, object: extras.reblogOf };
  }
  const note: Record<string, unknown> = {
    id: status.uri,
    type: status.objectType,
    attributedTo: account.uri,
    published,
    ...(status.editedAt ? { updated: status.editedAt.toISOString() } : {}),
    url: status.url,
    inReplyTo: extras.inReplyTo,
    summary: status.spoilerText || null,
    sensitive: status.sensitive,
    content: status.content,
    ...(status.language ? { contentMap: { [status.language]: status.content } } : {}),
    to,
    cc,
    attachment: extras.media.map((m) => ({
      type: "Document",
      mediaType: m.contentType,
      url: m.fileName ? archiveMediaPath(m.fileName) : m.remoteUrl,
      name: m.description,
      blurhash: m.blurhash,
    })),
    tag: [
      ...extras.mentioned.map((m) => ({ type: "Mention", href: m.uri, name: `@${m.acct}` })),
      ...extras.tags.map((name) => ({ type: "Hashtag", href: tagUrl(name), name: `#${name}` })),
    ],
  };
  return { id: `${status.uri}/activity`, type: "Create", actor: account.uri, published, to, cc, object: note };
}
