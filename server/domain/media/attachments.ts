// Uploaded media: checked by their bytes (not by what the client claims),
// images re-encoded (server/domain/media/process.ts), kept in the media store
// (store.ts: the data dir by default), served from /media. Avatars and headers use storeImageFile as they are.
import { join } from "node:path";
import { and, eq, isNotNull, isNull, lt } from "drizzle-orm";
import { mediaAttachments } from "../../db/schema";
import { Invalid, NotFound } from "../../errors";
import { newId } from "../../ids";
import type { DomainContext } from "../context";
import { parseFocus, type Focus } from "./focus";
import { processUpload, removeStoredFiles } from "./upload";
import { processImage, sniffUpload } from "./process";
import { storeOf } from "./store";
import { stripHtml } from "../content/sanitize";

export { parseFocus, type Focus };

export type Media = typeof mediaAttachments.$inferSelect;

export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
export const MAX_DESCRIPTION = 1500;
/** Uploads never attached to a post are removed after this long (Mastodon: a day). */
export const UNATTACHED_MEDIA_TTL_MS = 24 * 3_600_000;

const SIGNATURES: { type: string; ext: string; test: (b: Buffer) => boolean }[] = [
  { type: "image/png", ext: "png", test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: "image/jpeg", ext: "jpg", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: "image/gif", ext: "gif", test: (b) => b.subarray(0, 6).toString("latin1") === "GIF87a" || b.subarray(0, 6).toString("latin1") === "GIF89a" },
  { type: "image/webp", ext: "webp", test: (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP" },
];

export function sniffImage(bytes: Buffer): { type: string; ext: string } | null {
  const found = SIGNATURES.find((s) => bytes.length >= 12 && s.test(bytes));
  return found ? { type: found.type, ext: found.ext } : null;
}

/** The filesystem store's folder (PARVIS_MEDIA_STORE=filesystem). */
export function mediaDir(ctx: DomainContext): string {
  return join(ctx.config.dataDir, "media");
}

/** Writes an image file and returns its stored file name. */
export async function storeImageFile(ctx: DomainContext, bytes: Buffer): Promise<{ fileName: string; contentType: string }> {
  if (bytes.length > MAX_IMAGE_BYTES) throw new Invalid("File is too large");
  const kind = sniffImage(bytes);
  if (!kind) throw new Invalid("File type is not supported: PNG, JPEG, GIF or WebP images only");
  const fileName = `${newId()}.${kind.ext}`;
  await storeOf(ctx).put(fileName, bytes, kind.type);
  return { fileName, contentType: kind.type };
}

/**
 * Writes a profile image (a group's avatar or header) re-encoded by the media
 * pipeline (processImage: orientation applied, metadata such as EXIF GPS dropped,
 * size capped) and returns its stored file name. Refuses what is not an image (422).
 */
export async function storeProfileImage(ctx: DomainContext, bytes: Buffer): Promise<{ fileName: string; contentType: string }> {
  if (bytes.length > MAX_IMAGE_BYTES) throw new Invalid("File is too large");
  const kind = sniffUpload(bytes);
  if (!kind || kind.kind !== "image") throw new Invalid("File type is not supported: PNG, JPEG, GIF or WebP images only");
  const image = await processImage(bytes, kind.format, { maxDimension: ctx.config.media.maxDimension });
  const fileName = `${newId()}.${image.original.ext}`;
  await storeOf(ctx).put(fileName, image.original.bytes, image.original.contentType);
  return { fileName, contentType: image.original.contentType };
}

/** What an upload is, how it is processed and written: server/domain/media/*. */
export async function uploadMedia(
  ctx: DomainContext,
  accountId: string,
  bytes: Buffer,
  description: string | null,
  focus: Focus | null = null,
): Promise<Media> {
  if (description && description.length > MAX_DESCRIPTION) throw new Invalid(`Description must be at most ${MAX_DESCRIPTION} characters`);
  const stored = await processUpload(ctx.config.media, storeOf(ctx), bytes);
  const meta = focus ? { ...stored.meta, focus } : stored.meta;
  try {
    const [row] = await ctx.db
      .insert(mediaAttachments)
      .values({
        id: stored.id,
        accountId,
        type: stored.type,
        fileName: stored.fileName,
        previewFileName: stored.previewFileName,
        contentType: stored.contentType,
        description: description ? stripHtml(description) : null,
        blurhash: stored.blurhash,
        meta,
      })
      .returning();
    return row;
  } catch (err) {
    await removeStoredFiles(storeOf(ctx), stored);
    throw err;
  }
}

export async function getOwnMedia(ctx: DomainContext, accountId: string, id: string): Promise<Media> {
  const [row] = await ctx.db.select().from(mediaAttachments).where(and(eq(mediaAttachments.id, id), eq(mediaAttachments.accountId, accountId)));
  if (!row) throw new NotFound();
  return row;
}

export interface MediaChanges {
  /** undefined: unchanged; null or "": removed */
  description?: string | null;
  focus?: Focus | null;
}

export async function describeMedia(ctx: DomainContext, accountId: string, id: string, changes: MediaChanges): Promise<Media> {
  const current = await getOwnMedia(ctx, accountId, id);
  const { description, focus } = changes;
  if (description && description.length > MAX_DESCRIPTION) throw new Invalid(`Description must be at most ${MAX_DESCRIPTION} characters`);
  const set: Partial<Media> = {};
  if (description !== undefined) set.description = description ? stripHtml(description) : null;
  if (focus !== undefined) {
    const { focus: _old, ...rest } = current.meta as Record<string, unknown>;
    set.meta = focus ? { ...rest, focus } : rest;
  }
  if (Object.keys(set).length === 0) return current;
  const [row] = await ctx.db.update(mediaAttachments).set(set).where(eq(mediaAttachments.id, id)).returning();
  return row;
}

/** A name storeImageFile or an upload gave (with its `-small` preview): never a path, so nothing outside the media folder can be removed. */
const STORED_NAME = /^\d{1,20}(-small)?\.(png|jpg|gif|webp|pdf)$/;

/**
 * Removes stored files (of a deleted post, a replaced or deleted avatar…) so that
 * /media stops serving them. Missing files and names that are not ours are skipped.
 */
export async function removeMediaFiles(ctx: DomainContext, fileNames: readonly (string | null | undefined)[]): Promise<void> {
  for (const name of fileNames) {
    if (!name || !STORED_NAME.test(name)) continue;
    await storeOf(ctx).delete(name);
  }
}

/** Deletes uploads older than `ttlMs` that no post uses, rows and files; returns how many. */
export async function removeUnattachedMedia(ctx: DomainContext, ttlMs = UNATTACHED_MEDIA_TTL_MS, now = Date.now()): Promise<number> {
  const gone = await ctx.db
    .delete(mediaAttachments)
    .where(and(isNull(mediaAttachments.statusId), isNotNull(mediaAttachments.fileName), lt(mediaAttachments.createdAt, new Date(now - ttlMs))))
    .returning({ fileName: mediaAttachments.fileName, previewFileName: mediaAttachments.previewFileName });
  await removeMediaFiles(
    ctx,
    gone.flatMap((g) => [g.fileName, g.previewFileName]),
  );
  return gone.length;
}
