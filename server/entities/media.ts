// Media attachments → Mastodon's MediaAttachment entity.
import { isHttpUrl } from "../domain/content";
import { isProxiedAttachmentType, type Media } from "../domain/media";
import { localUrls } from "../urls";

export type MediaRow = Media;

/** A stored media reference (a local file name, or an absolute remote URL) → a URL for clients. */
export function mediaUrl(origin: string, stored: string): string {
  if (/^https?:\/\//.test(stored)) return stored;
  return localUrls(origin).media(stored);
}

/** Remote media as browsers load them: from our origin (server/api/media-files.ts, ADR 0022). */
export function proxiedMediaUrl(origin: string, kind: "attachments" | "avatars" | "headers", id: string, variant: "original" | "small"): string {
  return `${origin}/media_proxy/${kind}/${id}/${variant}`;
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

export function serializeMedia(origin: string, m: MediaRow): MediaEntity {
  const remoteUrl = isHttpUrl(m.remoteUrl) ? m.remoteUrl : null;
  // remote images, video and sound are served from our origin; a remote document keeps its link (opened by choice)
  const proxied = !m.fileName && remoteUrl !== null && isProxiedAttachmentType(m.type);
  const url = m.fileName ? mediaUrl(origin, m.fileName) : proxied ? proxiedMediaUrl(origin, "attachments", m.id, "original") : remoteUrl;
  // A document (type "unknown") has no preview: clients show a card with its link;
  // proxied video and sound have no still image either (no thumbnail is made of them).
  const preview = m.previewFileName
    ? mediaUrl(origin, m.previewFileName)
    : proxied
      ? m.type === "image"
        ? proxiedMediaUrl(origin, "attachments", m.id, "small")
        : null
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
