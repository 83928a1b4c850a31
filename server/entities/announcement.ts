// Announcement entities (Mastodon's), for the API and the live streams; admins
// also get the source text, the scheduled date and whether it is shown now.
import { announcementExtras, announcementTags, isShown, type Announcement } from "../domain/announcements";
import type { Services } from "../services";
import { localUrls } from "../urls";

export async function serializeAnnouncements(services: Services, rows: Announcement[], viewerId: string | null, admin = false) {
  const urls = localUrls(services.config.origin);
  const extras = await announcementExtras(services.domain, rows.map((r) => r.id), viewerId);
  const now = new Date();
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
