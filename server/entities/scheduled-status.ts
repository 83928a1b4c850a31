// ScheduledStatus rows → Mastodon's ScheduledStatus entity.
import { inArray } from "drizzle-orm";
import { mediaAttachments } from "../db/schema";
import type { ScheduledStatus } from "../domain/statuses";
import type { Services } from "../services";
import { serializeMedia, type MediaEntity } from "./media";

export interface ScheduledStatusEntity {
  id: string;
  scheduled_at: string;
  params: Record<string, unknown>;
  media_attachments: MediaEntity[];
}

export async function serializeScheduledStatuses(services: Services, rows: ScheduledStatus[]): Promise<ScheduledStatusEntity[]> {
  const mediaIds = [...new Set(rows.flatMap((r) => r.params.media_ids))];
  const media = mediaIds.length ? await services.db.select().from(mediaAttachments).where(inArray(mediaAttachments.id, mediaIds)) : [];
  return rows.map((r) => {
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
      },
      media_attachments: p.media_ids.flatMap((id) => {
        const m = media.find((x) => x.id === id);
        return m ? [serializeMedia(services, m)] : [];
      }),
    };
  });
}

export async function serializeScheduledStatus(services: Services, row: ScheduledStatus): Promise<ScheduledStatusEntity> {
  const [entity] = await serializeScheduledStatuses(services, [row]);
  return entity;
}
