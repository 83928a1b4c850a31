// Remote media served from our own origin: the images of remote posts and the
// avatars and headers of remote accounts are fetched by the instance on their
// first request (through the SSRF-guarded fetcher federation hands to the
// context), re-encoded like a local upload (type from the bytes, metadata
// dropped, a thumbnail), kept in the media store under cache/ keys, and
// evicted by age and total size; an evicted file is fetched again on demand.
// Residents' browsers thus never contact another server (ADR 0022).
import { createHash } from "node:crypto";
import { and, eq, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { accounts, mediaAttachments, remoteMediaCache } from "../../db/schema";
import { BadGateway, Forbidden, Invalid, NotFound } from "../../errors";
import { isHttpUrl } from "../content";
import type { ByteRange, DomainContext, MediaStore, StoredFile } from "../context";
import { processImage, sniffPlayable, sniffUpload } from "./process";
import { contentTypeOfKey, storeOf } from "./store";
import { putAll } from "./upload";

export const REMOTE_MEDIA_KINDS = ["attachments", "avatars", "headers"] as const;
export type RemoteMediaKind = (typeof REMOTE_MEDIA_KINDS)[number];
export const REMOTE_MEDIA_VARIANTS = ["original", "small"] as const;
export type RemoteMediaVariant = (typeof REMOTE_MEDIA_VARIANTS)[number];

export type CachedRemoteMedia = typeof remoteMediaCache.$inferSelect;

/** A use refreshes last_used_at at most this often: not one write per image shown. */
const TOUCH_EVERY_MS = 3_600_000;

/** What a proxied file must turn out to be, from its bytes: images are re-encoded, video and audio kept as they are. */
export type ProxiedMediaType = "image" | "video" | "audio";

/** Remote attachment types served from our origin, and what their bytes must be (documents keep their link). */
const PROXIED_ATTACHMENT_TYPES: Record<string, ProxiedMediaType> = { image: "image", gifv: "video", video: "video", audio: "audio" };

/** Whether a remote attachment of this Mastodon type is served from our origin (the serializer's rule too). */
export function isProxiedAttachmentType(type: string): boolean {
  return Object.hasOwn(PROXIED_ATTACHMENT_TYPES, type);
}

/**
 * The remote URL a proxied path stands for, and what it must contain: the
 * image, video or sound of a remote post's attachment, or a remote account's
 * current avatar or header. 404 otherwise (local media are served from /media;
 * remote documents keep their link, opened by the resident's choice).
 */
export async function remoteMediaSource(ctx: DomainContext, kind: RemoteMediaKind, id: string): Promise<{ url: string; accept: ProxiedMediaType }> {
  let url: string | null | undefined;
  let accept: ProxiedMediaType = "image";
  if (kind === "attachments") {
    const [row] = await ctx.db
      .select({ url: mediaAttachments.remoteUrl, type: mediaAttachments.type })
      .from(mediaAttachments)
      .where(and(eq(mediaAttachments.id, id), isNull(mediaAttachments.fileName)));
    if (!row || !isProxiedAttachmentType(row.type)) throw new NotFound();
    url = row.url;
    accept = PROXIED_ATTACHMENT_TYPES[row.type];
  } else {
    const [row] = await ctx.db
      .select({ avatar: accounts.avatarUrl, header: accounts.headerUrl })
      .from(accounts)
      .where(and(eq(accounts.id, id), isNotNull(accounts.domain)));
    url = kind === "avatars" ? row?.avatar : row?.header;
  }
  if (!url || !isHttpUrl(url)) throw new NotFound();
  return { url, accept };
}

/** Fetches in progress, per store (one per instance) and URL: concurrent first requests fetch once. */
const inflight = new WeakMap<MediaStore, Map<string, Promise<CachedRemoteMedia>>>();

/** The cached copy of a remote file, fetched now if there is none (or `refresh`); an image unless `accept` says otherwise. */
export async function cachedRemoteMedia(
  ctx: DomainContext,
  url: string,
  options: { refresh?: boolean; now?: Date; accept?: ProxiedMediaType } = {},
): Promise<CachedRemoteMedia> {
  const now = options.now ?? new Date();
  if (!options.refresh) {
    const [row] = await ctx.db.select().from(remoteMediaCache).where(eq(remoteMediaCache.remoteUrl, url));
    if (row) {
      if (now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
        await ctx.db.update(remoteMediaCache).set({ lastUsedAt: now }).where(eq(remoteMediaCache.remoteUrl, url));
      }
      return row;
    }
  }
  const store = storeOf(ctx);
  let running = inflight.get(store);
  if (!running) inflight.set(store, (running = new Map()));
  const pending = running.get(url);
  if (pending) return pending;
  const fetching = fetchIntoCache(ctx, store, url, now, options.accept ?? "image").finally(() => running.delete(url));
  running.set(url, fetching);
  return fetching;
}

const megabytes = (n: number) => `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;

/** A remote file made ready to keep: the bytes stored under which keys. */
interface Prepared {
  files: { key: string; bytes: Buffer; contentType: string }[];
  originalKey: string;
  smallKey: string;
  contentType: string;
}

/** An image is re-encoded like an upload (metadata gone, a thumbnail). */
async function prepareImage(ctx: DomainContext, bytes: Buffer, base: string): Promise<Prepared> {
  const kind = sniffUpload(bytes);
  if (kind?.kind !== "image") throw new BadGateway("The remote file is not a supported image");
  const image = await processImage(bytes, kind.format, { maxDimension: ctx.config.media.maxDimension }).catch((err: unknown) => {
    if (err instanceof Invalid) throw new BadGateway(`The remote file was refused: ${err.message.replace(/^Validation failed: /, "")}`);
    throw err;
  });
  const originalKey = `cache/${base}.${image.original.ext}`;
  const smallKey = `cache/${base}-small.${image.small.ext}`;
  return {
    files: [
      { key: originalKey, bytes: image.original.bytes, contentType: image.original.contentType },
      { key: smallKey, bytes: image.small.bytes, contentType: image.small.contentType },
    ],
    originalKey,
    smallKey,
    contentType: image.original.contentType,
  };
}

/**
 * Video and sound are kept as they came (sharp reads neither; a re-encoder is
 * not a registry package away), once their bytes are the kind the post said:
 * never an HTML page or a script served as a post's video. No thumbnail: the
 * small variant is the file itself.
 */
function preparePlayable(bytes: Buffer, base: string, accept: "video" | "audio"): Prepared {
  const kind = sniffPlayable(bytes);
  if (!kind || (kind.kind !== accept && !(accept === "audio" && kind.contentType === "video/webm"))) {
    throw new BadGateway(`The remote file is not a supported ${accept} file`);
  }
  const key = `cache/${base}.${kind.ext}`;
  return { files: [{ key, bytes, contentType: kind.contentType }], originalKey: key, smallKey: key, contentType: kind.contentType };
}

async function fetchIntoCache(ctx: DomainContext, store: MediaStore, url: string, now: Date, accept: ProxiedMediaType): Promise<CachedRemoteMedia> {
  if (!ctx.fetchRemoteMedia) throw new BadGateway("Remote media cannot be fetched by this instance");
  const { maxRemoteBytes } = ctx.config.media.cache;
  const fetched = await ctx.fetchRemoteMedia(url, maxRemoteBytes);
  if (!fetched.ok) {
    if (fetched.failure === "refused") throw new Forbidden(`The remote file may not be fetched: ${fetched.message}`);
    if (fetched.failure === "too-large") throw new BadGateway(`The remote file is too large (at most ${megabytes(maxRemoteBytes)})`);
    throw new BadGateway(`The remote file could not be fetched: ${fetched.message}`);
  }
  // Keys from the URL: a second process fetching the same file writes the same keys, whole each time.
  const base = createHash("sha256").update(url).digest("hex").slice(0, 40);
  const prepared = accept === "image" ? await prepareImage(ctx, fetched.bytes, base) : preparePlayable(fetched.bytes, base, accept);
  const { originalKey, smallKey } = prepared;
  await putAll(store, prepared.files);
  const values = {
    remoteUrl: url,
    originalKey,
    smallKey,
    contentType: prepared.contentType,
    size: prepared.files.reduce((sum, f) => sum + f.bytes.length, 0),
    fetchedAt: now,
    lastUsedAt: now,
  };
  try {
    const [row] = await ctx.db
      .insert(remoteMediaCache)
      .values(values)
      .onConflictDoUpdate({ target: remoteMediaCache.remoteUrl, set: { ...values, remoteUrl: undefined } })
      .returning();
    return row;
  } catch (err) {
    await Promise.allSettled([store.delete(originalKey), store.delete(smallKey)]);
    throw err;
  }
}

/** A proxied file, ready to send: the store's answer with the type we decided from its bytes. */
export type OpenedMedia = StoredFile & { contentType: string };

/** A proxied file, ready to send: from the cache, or fetched (again, when the store lost it); `range` for part of it. */
export async function openRemoteMedia(
  ctx: DomainContext,
  kind: RemoteMediaKind,
  id: string,
  variant: RemoteMediaVariant,
  range?: ByteRange,
): Promise<OpenedMedia> {
  const { url, accept } = await remoteMediaSource(ctx, kind, id);
  const store = storeOf(ctx);
  for (const refresh of [false, true]) {
    const row = await cachedRemoteMedia(ctx, url, { refresh, accept });
    const key = variant === "small" ? row.smallKey : row.originalKey;
    const file = await store.get(key, range);
    if (file) return { ...file, contentType: variant === "small" ? contentTypeOfKey(key) : row.contentType };
  }
  throw new BadGateway("The remote file could not be cached");
}

/**
 * Evicts cached copies fetched longer ago than the maximum age, then the least
 * recently used ones until the cache fits its size (0 disables either limit).
 * Rows first, then files: a request meeting a row whose file is gone fetches it again.
 */
export async function evictRemoteMediaCache(ctx: DomainContext, now = new Date()): Promise<number> {
  const { maxAgeMs, maxBytes } = ctx.config.media.cache;
  const gone: { originalKey: string; smallKey: string }[] = [];
  const keys = { originalKey: remoteMediaCache.originalKey, smallKey: remoteMediaCache.smallKey };
  if (maxAgeMs > 0) {
    gone.push(...(await ctx.db.delete(remoteMediaCache).where(lt(remoteMediaCache.fetchedAt, new Date(now.getTime() - maxAgeMs))).returning(keys)));
  }
  if (maxBytes > 0) {
    const over = sql`${remoteMediaCache.remoteUrl} in (select remote_url from (
        select remote_url, sum(size) over (order by last_used_at desc, remote_url) as running from ${remoteMediaCache}
      ) ranked where running > ${maxBytes})`;
    gone.push(...(await ctx.db.delete(remoteMediaCache).where(over).returning(keys)));
  }
  const store = storeOf(ctx);
  // video and audio have one file under both keys
  const files = new Set(gone.flatMap((g) => [g.originalKey, g.smallKey]));
  await Promise.all([...files].map((key) => store.delete(key)));
  return gone.length;
}
