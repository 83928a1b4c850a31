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
import type { DomainContext, MediaStore } from "../context";
import { processImage, sniffUpload } from "./process";
import { contentTypeOfKey, storeOf } from "./store";
import { putAll } from "./upload";

export const REMOTE_MEDIA_KINDS = ["attachments", "avatars", "headers"] as const;
export type RemoteMediaKind = (typeof REMOTE_MEDIA_KINDS)[number];
export const REMOTE_MEDIA_VARIANTS = ["original", "small"] as const;
export type RemoteMediaVariant = (typeof REMOTE_MEDIA_VARIANTS)[number];

export type CachedRemoteMedia = typeof remoteMediaCache.$inferSelect;

/** A use refreshes last_used_at at most this often: not one write per image shown. */
const TOUCH_EVERY_MS = 3_600_000;

/**
 * The remote URL a proxied path stands for: the image of a remote post's
 * attachment, or a remote account's current avatar or header. 404 otherwise
 * (local media are served from /media, and non-images are not proxied).
 */
export async function remoteMediaSource(ctx: DomainContext, kind: RemoteMediaKind, id: string): Promise<string> {
  let url: string | null | undefined;
  if (kind === "attachments") {
    const [row] = await ctx.db
      .select({ url: mediaAttachments.remoteUrl })
      .from(mediaAttachments)
      .where(and(eq(mediaAttachments.id, id), isNull(mediaAttachments.fileName), eq(mediaAttachments.type, "image")));
    url = row?.url;
  } else {
    const [row] = await ctx.db
      .select({ avatar: accounts.avatarUrl, header: accounts.headerUrl })
      .from(accounts)
      .where(and(eq(accounts.id, id), isNotNull(accounts.domain)));
    url = kind === "avatars" ? row?.avatar : row?.header;
  }
  if (!url || !isHttpUrl(url)) throw new NotFound();
  return url;
}

/** Fetches in progress, per store (one per instance) and URL: concurrent first requests fetch once. */
const inflight = new WeakMap<MediaStore, Map<string, Promise<CachedRemoteMedia>>>();

/** The cached copy of a remote file, fetched now if there is none (or `refresh`). */
export async function cachedRemoteMedia(ctx: DomainContext, url: string, options: { refresh?: boolean; now?: Date } = {}): Promise<CachedRemoteMedia> {
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
  const fetching = fetchIntoCache(ctx, store, url, now).finally(() => running.delete(url));
  running.set(url, fetching);
  return fetching;
}

const megabytes = (n: number) => `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;

async function fetchIntoCache(ctx: DomainContext, store: MediaStore, url: string, now: Date): Promise<CachedRemoteMedia> {
  if (!ctx.fetchRemoteMedia) throw new BadGateway("Remote media cannot be fetched by this instance");
  const { maxRemoteBytes } = ctx.config.media.cache;
  const fetched = await ctx.fetchRemoteMedia(url, maxRemoteBytes);
  if (!fetched.ok) {
    if (fetched.failure === "refused") throw new Forbidden(`The remote file may not be fetched: ${fetched.message}`);
    if (fetched.failure === "too-large") throw new BadGateway(`The remote file is too large (at most ${megabytes(maxRemoteBytes)})`);
    throw new BadGateway(`The remote file could not be fetched: ${fetched.message}`);
  }
  const kind = sniffUpload(fetched.bytes);
  if (kind?.kind !== "image") throw new BadGateway("The remote file is not a supported image");
  const image = await processImage(fetched.bytes, kind.format, { maxDimension: ctx.config.media.maxDimension }).catch((err: unknown) => {
    if (err instanceof Invalid) throw new BadGateway(`The remote file was refused: ${err.message.replace(/^Validation failed: /, "")}`);
    throw err;
  });
  // Keys from the URL: a second process fetching the same file writes the same keys, whole each time.
  const base = createHash("sha256").update(url).digest("hex").slice(0, 40);
  const originalKey = `cache/${base}.${image.original.ext}`;
  const smallKey = `cache/${base}-small.${image.small.ext}`;
  await putAll(store, [
    { key: originalKey, bytes: image.original.bytes, contentType: image.original.contentType },
    { key: smallKey, bytes: image.small.bytes, contentType: image.small.contentType },
  ]);
  const values = {
    remoteUrl: url,
    originalKey,
    smallKey,
    contentType: image.original.contentType,
    size: image.original.bytes.length + image.small.bytes.length,
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

export interface OpenedMedia {
  stream: NodeJS.ReadableStream;
  size: number | null;
  contentType: string;
}

/** A proxied file, ready to send: from the cache, or fetched (again, when the store lost it). */
export async function openRemoteMedia(ctx: DomainContext, kind: RemoteMediaKind, id: string, variant: RemoteMediaVariant): Promise<OpenedMedia> {
  const url = await remoteMediaSource(ctx, kind, id);
  const store = storeOf(ctx);
  for (const refresh of [false, true]) {
    const row = await cachedRemoteMedia(ctx, url, { refresh });
    const key = variant === "small" ? row.smallKey : row.originalKey;
    const file = await store.get(key);
    if (file) return { stream: file.stream, size: file.size, contentType: variant === "small" ? contentTypeOfKey(key) : row.contentType };
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
  await Promise.all(gone.flatMap((g) => [store.delete(g.originalKey), store.delete(g.smallKey)]));
  return gone.length;
}
