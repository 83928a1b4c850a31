import type { mediaAttachments } from "../db/schema";
import { isHttpUrl } from "../domain/content";
import type { Services } from "../services";
import { localUrls } from "../urls";

export type MediaRow = typeof mediaAttachments.$inferSelect;

/** A stored media reference (a local file name, or an absolute remote URL) → a URL for clients. */
export function mediaUrl(services: Services, stored: string): string {
  if (/^https?:\/\//.test(stored)) return stored;
  // an S3 bucket behind a CDN serves our files directly when the admin says so
  const { publicUrl } = services.config.media.store;
  return publicUrl ? `${publicUrl}/${stored}` : localUrls(services.config.origin).media(stored);
}

/** Remote media as browsers load them: from our origin (server/api/media-files.ts, ADR 0022). */
export function proxiedMediaUrl(services: Services, kind: "attachments" | "avatars" | "headers", id: string, variant: "original" | "small"): string {
  return `${services.config.origin}/media_proxy/${kind}/${id}/${variant}`;
}

export interface MediaEntity {
  id: string;
  type: string;
  url: string | null;
  preview_url: string | null;
  remote_url: string | null;
  preview_remote_url: null;
  text_url: null;
  meta: Record<string, unknown>;
  description: string | null;
  blurhash: string | null;
}

export function serializeMedia(services: Services, m: MediaRow): MediaEntity {
  const remoteUrl = isHttpUrl(m.remoteUrl) ? m.remoteUrl : null;
  // a remote image is served from our origin; other remote files (video, audio) keep their link for now
  const proxied = !m.fileName && remoteUrl !== null && m.type === "image";
  const url = m.fileName ? mediaUrl(services, m.fileName) : proxied ? proxiedMediaUrl(services, "attachments", m.id, "original") : remoteUrl;
  // A document (type "unknown") has no preview: clients show a card with its link.
  const preview = m.previewFileName
    ? mediaUrl(services, m.previewFileName)
    : proxied
      ? proxiedMediaUrl(services, "attachments", m.id, "small")
      : m.type === "unknown"
        ? null
        : url;
  return {
    id: m.id,
    type: m.type,
    url,
    preview_url: preview,
    remote_url: remoteUrl,
    preview_remote_url: null,
    text_url: null,
    meta: m.meta,
    description: m.description,
    blurhash: m.blurhash,
  };
}
