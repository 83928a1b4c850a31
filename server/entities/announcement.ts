// Announcement entities (Mastodon's), for the API and the live streams; admins
// also get the source text, the scheduled date and whether it is shown now.
// The viewer's reads and everyone's reactions come loaded (announcementExtras).
import { announcementTags, isShown, type Announcement, type AnnouncementExtras } from "../domain/announcements";
import { localUrls } from "../urls";

export function serializeAnnouncements(origin: string, rows: Announcement[], extras: AnnouncementExtras, admin = false, now = new Date()) {
  const urls = localUrls(origin);
  return rows.map((a) => ({
    id: a.id,
    content: a.content,
    starts_at: a.startsAt?.toISOString() ?? null,
    ends_at: a.endsAt?.toISOString() ?? null,
    all_day: a.allDay,
    published: a.publishedAt !== null && a.publishedAt.getTime() <= now.getTime(),
    published_at: a.publishedAt?.toISOString() ?? null,
    updated_at: a.updatedAt.toISOString(),
    read: extras.read.has(a.id),
    mentions: [],
    statuses: [],
    tags: announcementTags(a).map((name) => ({ name, url: urls.tagPage(name) })),
    emojis: [],
    reactions: (extras.reactions.get(a.id) ?? []).map((r) => ({ ...r, url: null, static_url: null })),
    ...(admin
      ? {
          text: a.text,
          scheduled_at: a.publishedAt && a.publishedAt.getTime() > now.getTime() ? a.publishedAt.toISOString() : null,
          shown: isShown(a, now),
        }
      : {}),
  }));
}

/** The streaming API's `announcement.reaction` payload: a reaction's new count. */
export function serializeAnnouncementReaction(announcementId: string, name: string, count: number) {
  return { name, count, announcement_id: announcementId };
}
