// ScheduledStatus rows → Mastodon's ScheduledStatus entity.
import type { ScheduledStatusView } from "../domain/views";
import { serializeMedia, type MediaEntity } from "./media";

export interface ScheduledStatusEntity {
  id: string;
  scheduled_at: string;
  params: Record<string, unknown>;
  media_attachments: MediaEntity[];
}

export function serializeScheduledStatuses(origin: string, views: ScheduledStatusView[]): ScheduledStatusEntity[] {
  return views.map(({ scheduled: r, media }) => {
    const p = r.params;
    return {
      id: r.id,
      scheduled_at: r.scheduledAt.toISOString(),
      params: {
        text: p.text,
        poll: p.poll ? { options: p.poll.options, expires_in: String(p.poll.expires_in), multiple: p.poll.multiple, hide_totals: p.poll.hide_totals } : null,
        media_ids: p.media_ids.length ? p.media_ids : null,
        sensitive: p.sensitive,
        spoiler_text: p.spoiler_text || null,
        visibility: p.visibility,
        in_reply_to_id: p.in_reply_to_id,
        language: p.language,
        application_id: p.application_id,
        scheduled_at: null,
        idempotency: null,
        with_rate_limit: false,
        parvis_place: p.parvis_place ?? null,
      },
      media_attachments: media.map((m) => serializeMedia(origin, m)),
    };
  });
}

export function serializeScheduledStatus(origin: string, view: ScheduledStatusView): ScheduledStatusEntity {
  return serializeScheduledStatuses(origin, [view])[0];
}
