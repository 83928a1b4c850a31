import type { mediaAttachments } from "../db/schema";
import { isHttpUrl } from "../domain/content";
import type { Services } from "../services";
import { localUrls } from "../urls";

export type MediaRow = typeof mediaAttachments.$inferSelect;

/** A stored media reference (a local file name, or an absolute remote URL) → a URL for clients. */
export function mediaUrl(services: Services, stored: string): string {
  if (/^https?:\/\//.test(stored)) return stored;
  return localUrls(services.config.origin).media(stored);
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
  const url = m.fileName ? mediaUrl(services, m.fileName) : remoteUrl;
  // A document (type "unknown") has no preview: clients show a card with its link.
  const preview = m.previewFileName ? mediaUrl(services, m.previewFileName) : m.type === "unknown" ? null : url;
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
